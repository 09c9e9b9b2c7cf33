import type { CareCategory } from '../../common/care.ts';
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
  let toldAsOver: boolean | undefined;
  for (const rule of rules) {
    if (!rule.pattern.test(normalised)) continue;
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
