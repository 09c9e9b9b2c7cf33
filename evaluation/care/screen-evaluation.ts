import type { CareCategory } from '../../common/care.ts';
import type { ScreenResult } from '../../server/care/screen.ts';

/** One labelled message of the care screen's evaluation sets (tuning.json, held-out.json). */
export interface LabelledMessage {
  text: string;
  language: 'en' | 'de' | 'es' | 'fr' | 'pt' | 'it';
  /** The category the message shows for the person themself, or `none` for a benign message. */
  label: CareCategory | 'none';
}

/** Recall and precision of one category (a risk message counts only when its own category is found). */
export interface CategoryFigures {
  messages: number;
  found: number;
  /** Messages of another label (benign or another category) put in this category. */
  wronglyPut: number;
  recall: number;
  precision: number;
}

/** Figures for one language: risk messages flagged (any category), benign ones flagged. */
export interface LanguageFigures {
  risk: number;
  riskFlagged: number;
  riskExact: number;
  benign: number;
  benignFlagged: number;
  recall: number;
  precision: number;
  falsePositiveRate: number;
}

/** The whole evaluation of one set. */
export interface ScreenEvaluation {
  messages: number;
  risk: number;
  benign: number;
  /** Risk messages flagged at all (what makes the card appear). */
  riskRecall: number;
  /** Risk messages flagged with their own category. */
  categoryRecall: number;
  benignFalsePositiveRate: number;
  categories: Record<string, CategoryFigures>;
  languages: Record<string, LanguageFigures>;
  /** Wrong answers by index in the set (label, what the screen said, the rule), never the texts. */
  errors: { index: number; language: string; label: string; got: string; rule?: string }[];
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : Math.round((part / whole) * 10_000) / 10_000);

/** Runs `screen` over every message and measures it against the labels. */
export function evaluateScreen(messages: readonly LabelledMessage[], screen: (text: string) => ScreenResult): ScreenEvaluation {
  const categories: Record<string, CategoryFigures> = {};
  const languages: Record<string, LanguageFigures> = {};
  const errors: ScreenEvaluation['errors'] = [];
  const category = (name: string) => {
    categories[name] ??= { messages: 0, found: 0, wronglyPut: 0, recall: 0, precision: 0 };
    return categories[name];
  };
  let risk = 0;
  let riskFlagged = 0;
  let riskExact = 0;
  let benign = 0;
  let benignFlagged = 0;
  messages.forEach((message, index) => {
    const result = screen(message.text);
    const got = result.flagged ? result.category : 'none';
    languages[message.language] ??= { risk: 0, riskFlagged: 0, riskExact: 0, benign: 0, benignFlagged: 0, recall: 0, precision: 0, falsePositiveRate: 0 };
    const language: LanguageFigures = languages[message.language] as LanguageFigures;
    if (message.label === 'none') {
      benign += 1;
      language.benign += 1;
      if (result.flagged) {
        benignFlagged += 1;
        language.benignFlagged += 1;
        category(got).wronglyPut += 1;
      }
    } else {
      risk += 1;
      language.risk += 1;
      category(message.label).messages += 1;
      if (result.flagged) {
        riskFlagged += 1;
        language.riskFlagged += 1;
      }
      if (got === message.label) {
        riskExact += 1;
        language.riskExact += 1;
        category(message.label).found += 1;
      } else if (result.flagged) {
        category(got).wronglyPut += 1;
      }
    }
    if (got !== message.label) errors.push({ index, language: message.language, label: message.label, got, rule: result.flagged ? result.rule : undefined });
  });
  for (const figures of Object.values(categories)) {
    figures.recall = ratio(figures.found, figures.messages);
    figures.precision = ratio(figures.found, figures.found + figures.wronglyPut);
  }
  for (const figures of Object.values(languages)) {
    figures.recall = ratio(figures.riskFlagged, figures.risk);
    figures.precision = ratio(figures.riskFlagged, figures.riskFlagged + figures.benignFlagged);
    figures.falsePositiveRate = ratio(figures.benignFlagged, figures.benign);
  }
  return {
    messages: messages.length,
    risk,
    benign,
    riskRecall: ratio(riskFlagged, risk),
    categoryRecall: ratio(riskExact, risk),
    benignFalsePositiveRate: ratio(benignFlagged, benign),
    categories,
    languages,
    errors,
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** A plain-text table of one evaluation, for the eval script and the test's output. */
export function formatEvaluation(name: string, evaluation: ScreenEvaluation): string {
  const lines = [
    `${name}: ${evaluation.messages} messages (${evaluation.risk} risk, ${evaluation.benign} benign)`,
    `  risk recall ${percent(evaluation.riskRecall)} (right category ${percent(evaluation.categoryRecall)}), benign flagged ${percent(evaluation.benignFalsePositiveRate)}`,
    '  category            messages  recall   precision',
  ];
  for (const [categoryName, figures] of Object.entries(evaluation.categories).sort()) {
    lines.push(
      `  ${categoryName.padEnd(19)} ${String(figures.messages).padStart(8)}  ${percent(figures.recall).padStart(6)}   ${percent(figures.precision).padStart(6)}`,
    );
  }
  lines.push('  language  risk  recall   precision  benign  flagged');
  for (const [languageName, figures] of Object.entries(evaluation.languages).sort()) {
    lines.push(
      `  ${languageName.padEnd(8)}  ${String(figures.risk).padStart(4)}  ${percent(figures.recall).padStart(6)}   ${percent(figures.precision).padStart(6)}     ${String(figures.benign).padStart(6)}  ${percent(figures.falsePositiveRate).padStart(6)}`,
    );
  }
  for (const error of evaluation.errors)
    lines.push(`  wrong: #${error.index} ${error.language} ${error.label} -> ${error.got}${error.rule ? ` (${error.rule})` : ''}`);
  return lines.join('\n');
}
