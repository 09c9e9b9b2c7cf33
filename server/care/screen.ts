import type { CareCategory } from '../../common/care.ts';

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

interface Rule {
  id: string;
  category: CareCategory;
  lifeAtRisk: boolean;
  pattern: RegExp;
}

/**
 * The first, English-only rules. The full multilingual screen (idiom exclusions, warning signs,
 * six languages, the labelled evaluation) replaces this list; callers only rely on `screenMessage`.
 */
const rules: readonly Rule[] = [
  { id: 'en.suicide.kill-myself', category: 'suicide-self-harm', lifeAtRisk: true, pattern: /\b(kill|hang|shoot) myself\b/i },
  { id: 'en.suicide.no-point', category: 'suicide-self-harm', lifeAtRisk: true, pattern: /\b(don'?t|do not) see the point in (going on|living)\b/i },
  { id: 'en.suicide.end-it', category: 'suicide-self-harm', lifeAtRisk: true, pattern: /\b(end (it all|my life)|want to die)\b/i },
  { id: 'en.self-harm.cutting', category: 'suicide-self-harm', lifeAtRisk: false, pattern: /\b(cut|cutting|hurt|hurting) myself\b/i },
  { id: 'en.medical.chest-pain', category: 'medical-emergency', lifeAtRisk: true, pattern: /\b(chest pain|can'?t breathe|cannot breathe)\b/i },
  { id: 'en.abuse.hits-me', category: 'abuse', lifeAtRisk: true, pattern: /\b(he|she|they) (hits|beats|chokes) me\b/i },
];

/** Screens one message a person sent, locally and without the model. Pure and fast: it runs before every turn. */
export function screenMessage(text: string): ScreenResult {
  for (const rule of rules) {
    if (rule.pattern.test(text)) return { flagged: true, category: rule.category, lifeAtRisk: rule.lifeAtRisk, rule: rule.id };
  }
  return { flagged: false };
}
