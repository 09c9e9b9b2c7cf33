import { describe, expect, it } from 'vitest';
import heldOutSet from '../../evaluation/care/held-out.json';
import tuningSet from '../../evaluation/care/tuning.json';
import { necessaryStrings } from './necessary-words.ts';
import { screenText } from './screen.ts';
import { rules } from './screen-rules.ts';

describe('necessary strings of a rule', () => {
  it('takes the most selective literal a match cannot do without', () => {
    expect(necessaryStrings(/\b(kill|hang) myself\b/)).toEqual([' myself']);
    expect(necessaryStrings(/\bi (want|wish) to die\b/)).toEqual([' to die']);
    expect(necessaryStrings(/\b(took|swallowed) (\d+|all the) pills|\boverdosed\b/)).toEqual([' pills', 'overdosed']);
  });

  it('does not count optional parts or parts that may repeat zero times', () => {
    expect(necessaryStrings(/\b(really )?sad( today)?\b/)).toEqual(['sad']);
    expect(necessaryStrings(/\bab(cdef)?\b/)).toBeUndefined();
    expect(necessaryStrings(/\bmich (\w+ ){0,3}geschlagen\b/)).toEqual(['geschlagen']);
  });

  it('gives up (the rule always runs) on what it does not parse', () => {
    expect(necessaryStrings(/(?=kill)kill/)).toBeUndefined();
    expect(necessaryStrings(/kill/i)).toBeUndefined();
    expect(necessaryStrings(/\bki.l\b/)).toBeUndefined();
  });

  it('every rule has strings, and wherever a rule matches a labelled message one of them is in it', () => {
    const texts = [...tuningSet, ...heldOutSet].map((message) => screenText(message.text));
    let matches = 0;
    for (const rule of rules) {
      const needs = necessaryStrings(rule.pattern);
      expect(needs, rule.id).toBeDefined();
      for (const text of texts) {
        if (!rule.pattern.test(text)) continue;
        matches += 1;
        expect(
          needs?.some((needed) => text.includes(needed)),
          rule.id,
        ).toBe(true);
      }
    }
    expect(matches).toBeGreaterThan(150);
  });
});
