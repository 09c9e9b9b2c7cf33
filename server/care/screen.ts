import type { CareCategory } from '../../common/care.ts';
import { necessaryStrings } from './necessary-words.ts';
import { normaliseForScreen } from './normalise.ts';
import { idioms, recovered, rules, suicideEscalators } from './screen-rules.ts';

/** What the screen found in one message. */
export type ScreenResult =
  | { flagged: false }
  | {
      flagged: true;
      category: CareCategory;
      /** A life may be at risk now: the emergency number goes first. */
      lifeAtRisk: boolean;
      /** The id of the rule that matched, for the evaluation and logs (never the person's words). */
      rule: string;
    };

/** Every idiom in one pass: one scan of a long message instead of one per idiom. */
const anyIdiom = new RegExp(idioms.map((idiom) => `(?:${idiom.source})`).join('|'), 'g');

/**
 * Each rule with the literal strings one of which any match of it contains (derived from the pattern at
 * load, necessary-words.ts): a rule none of whose strings is in the message cannot match, so its regex
 * is not run. Rules without derivable strings always run.
 */
const gatedRules = rules.map((rule) => ({ rule, needs: necessaryStrings(rule.pattern) }));

const neededStrings = [...new Set(gatedRules.flatMap(({ needs }) => needs ?? []))].sort((a, b) => b.length - a.length);
const escapeForRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Finds, at every position of the text, the longest needed string starting there (a zero-width
 * lookahead, so overlapping strings are all seen). Every shorter needed string that starts at the same
 * position is a prefix of that one, hence `prefixesOf`.
 */
const neededAt = new RegExp(`(?=(${neededStrings.map(escapeForRegex).join('|')}))`, 'g');
const prefixesOf = new Map(neededStrings.map((text) => [text, neededStrings.filter((other) => text.startsWith(other))]));

function stringsPresent(normalised: string): Set<string> {
  const present = new Set<string>();
  for (const match of normalised.matchAll(neededAt)) {
    for (const prefix of prefixesOf.get(match[1] as string) ?? []) present.add(prefix);
  }
  return present;
}

/** How many risk rules the screen holds (all languages), for the evaluation's report. */
export const screenRuleCount = rules.length;

/** The normalised text with idioms blanked out: what the rules see. Exported for tests of the idiom list. */
export function screenText(text: string): string {
  return normaliseForScreen(text).replace(anyIdiom, ' ');
}

function isToldAsOver(normalised: string): boolean {
  return recovered.some(({ past, now }) => past.test(normalised) && now.test(normalised));
}

/**
 * Screens one message a person sent, locally and without the model. Pure and fast: it runs before every
 * turn. Rules are tried most urgent first (screen-rules.ts); a suicide sign with a plan, means or time
 * in the same message is life-at-risk even when the sign alone is not.
 */
export function screenMessage(text: string): ScreenResult {
  const normalised = screenText(text);
  const present = stringsPresent(normalised);
  let toldAsOver: boolean | undefined;
  for (const { rule, needs } of gatedRules) {
    if ((needs !== undefined && !needs.some((needed) => present.has(needed))) || !rule.pattern.test(normalised)) continue;
    if (rule.requires !== undefined && !rule.requires.test(normalised)) continue;
    if (rule.category === 'suicide-self-harm' || rule.category === 'eating-disorder') {
      toldAsOver ??= isToldAsOver(normalised);
      if (toldAsOver) continue;
    }
    const lifeAtRisk = rule.lifeAtRisk || (rule.category === 'suicide-self-harm' && suicideEscalators.some((escalator) => escalator.test(normalised)));
    return { flagged: true, category: rule.category, lifeAtRisk, rule: rule.id };
  }
  return { flagged: false };
}
