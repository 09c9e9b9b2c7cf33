import { describe, expect, it } from 'vitest';
import heldOutSet from '../../evaluation/care/held-out.json';
import { evaluateScreen, formatEvaluation, type LabelledMessage } from '../../evaluation/care/screen-evaluation.ts';
import tuningSet from '../../evaluation/care/tuning.json';
import { normaliseForScreen } from './normalise.ts';
import { type ScreenResult, screenMessage } from './screen.ts';

const tuning = tuningSet as LabelledMessage[];
const heldOut = heldOutSet as LabelledMessage[];

function categoryOf(result: ScreenResult): string {
  return result.flagged ? result.category : 'none';
}

describe('care screen over the labelled sets', () => {
  it('the sets hold at least 240 messages, 30 a language, every category, and over 40% benign', () => {
    const all = [...tuning, ...heldOut];
    expect(all.length).toBeGreaterThanOrEqual(240);
    for (const language of ['en', 'de', 'es', 'fr', 'pt', 'it'])
      expect(all.filter((message) => message.language === language).length).toBeGreaterThanOrEqual(30);
    for (const label of ['suicide-self-harm', 'abuse', 'medical-emergency', 'eating-disorder', 'harm-to-others']) {
      expect(tuning.some((message) => message.label === label)).toBe(true);
      expect(heldOut.some((message) => message.label === label)).toBe(true);
    }
    expect(all.filter((message) => message.label === 'none').length / all.length).toBeGreaterThan(0.4);
    expect(heldOut.length / all.length).toBeGreaterThanOrEqual(0.2);
  });

  it('tuning set: every risk message flagged in its own category, at most 2% of benign ones flagged', () => {
    const evaluation = evaluateScreen(tuning, screenMessage);
    console.log(formatEvaluation('Tuning set', evaluation));
    expect(evaluation.riskRecall).toBe(1);
    expect(evaluation.categoryRecall).toBe(1);
    expect(evaluation.benignFalsePositiveRate).toBeLessThanOrEqual(0.02);
  });

  it('held-out set (never tuned on): at least 95% of risk messages flagged, at most 5% of benign ones', () => {
    const evaluation = evaluateScreen(heldOut, screenMessage);
    console.log(formatEvaluation('Held-out set', evaluation));
    expect(evaluation.riskRecall).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.benignFalsePositiveRate).toBeLessThanOrEqual(0.05);
  });
});

describe('care screen: idioms are not risk', () => {
  const idioms: [string, string][] = [
    ['en', 'this traffic is killing me'],
    ['en', 'I could murder a pizza'],
    ['en', 'my phone died'],
    ['en', 'dying to see you'],
    ['en', "I'm killing myself laughing"],
    ['en', 'I couldn’t breathe from laughing'],
    ['de', 'ich sterbe vor Hunger'],
    ['de', 'Ich lach mich tot'],
    ['es', 'me muero de risa'],
    ['es', 'mi mamá me va a matar jaja'],
    ['fr', 'je suis mort de rire'],
    ['fr', 'je tuerais pour un café'],
    ['pt', 'tô morrendo de fome'],
    ['pt', 'minha mãe vai me matar'],
    ['it', 'morto di fame'],
    ['it', 'mi ammazzo di lavoro questa settimana'],
  ];
  for (const [language, text] of idioms) {
    it(`${language}: "${text}" is not flagged`, () => {
      expect(screenMessage(text)).toEqual({ flagged: false });
    });
  }

  it('an idiom is removed, and the rest of the same message is still screened', () => {
    expect(categoryOf(screenMessage('my phone died and honestly i want to kill myself'))).toBe('suicide-self-harm');
    expect(categoryOf(screenMessage('me muero de risa pero ya no quiero vivir'))).toBe('suicide-self-harm');
  });

  it('a crisis told as over is not flagged, the same words told as now are', () => {
    expect(screenMessage('years ago i wanted to kill myself, now im doing good')).toEqual({ flagged: false });
    expect(categoryOf(screenMessage('i want to kill myself'))).toBe('suicide-self-harm');
  });

  it('a friend at risk is not the person at risk, an emergency in front of the person is', () => {
    expect(screenMessage('my friend says she wants to die, what do i do')).toEqual({ flagged: false });
    expect(screenMessage('my friend collapsed and is not breathing')).toMatchObject({ flagged: true, category: 'medical-emergency', lifeAtRisk: true });
  });
});

describe('care screen: each language and category', () => {
  const cases: [string, string, string, boolean][] = [
    ['en', 'i want to end my life', 'suicide-self-harm', true],
    ['en', 'im a burden', 'suicide-self-harm', false],
    ['en', 'im a burden, the pills are ready', 'suicide-self-harm', true],
    ['en', 'my husband beats me', 'abuse', false],
    ['en', 'he threatened to kill me', 'abuse', true],
    ['en', 'i think im having a heart attack', 'medical-emergency', true],
    ['en', 'i make myself throw up after meals', 'eating-disorder', false],
    ['en', "i'm going to kill him, i've got a knife", 'harm-to-others', true],
    ['de', 'Ich will mich umbringen.', 'suicide-self-harm', true],
    ['de', 'Er schlägt mich.', 'abuse', false],
    ['de', 'Ich kriege keine Luft!', 'medical-emergency', true],
    ['de', 'ich hungere mich runter', 'eating-disorder', false],
    ['es', 'Quiero suicidarme', 'suicide-self-harm', true],
    ['es', 'mi novio me pega', 'abuse', false],
    ['es', 'No puedo respirar', 'medical-emergency', true],
    ['es', 'me provoco el vómito', 'eating-disorder', false],
    ['fr', 'J’ai envie d’en finir', 'suicide-self-harm', true],
    ['fr', 'il me frappe', 'abuse', false],
    ['fr', "je n'arrive plus à respirer", 'medical-emergency', true],
    ['fr', 'je me fais vomir', 'eating-disorder', false],
    ['pt', 'Não quero mais viver', 'suicide-self-harm', true],
    ['pt', 'ele me bate', 'abuse', false],
    ['pt', 'estou com dor no peito', 'medical-emergency', true],
    ['pt', 'vomito de propósito', 'eating-disorder', false],
    ['it', 'Voglio farla finita', 'suicide-self-harm', true],
    ['it', 'mio marito mi picchia', 'abuse', false],
    ['it', 'ho un dolore al petto', 'medical-emergency', true],
    ['it', 'mi faccio vomitare', 'eating-disorder', false],
  ];
  for (const [language, text, category, lifeAtRisk] of cases) {
    it(`${language}: "${text}" is ${category}${lifeAtRisk ? ', life at risk' : ''}`, () => {
      const result = screenMessage(text);
      expect(result).toMatchObject({ flagged: true, category, lifeAtRisk });
      if (result.flagged) {
        expect(result.rule).toMatch(new RegExp(`^${language}\\.`));
        // The rule id never carries the person's words.
        expect(result.rule).not.toContain(' ');
      }
    });
  }

  it('normalises case, accents, apostrophes and spacing once', () => {
    expect(normaliseForScreen('  Je N’arrive   PLUS à respirer!! ')).toBe(' je n arrive plus a respirer ');
    expect(normaliseForScreen('I DON’T want to live. Straße')).toBe(' i dont want to live strasse ');
  });
});
