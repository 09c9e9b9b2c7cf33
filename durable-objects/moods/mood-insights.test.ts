import { describe, expect, it } from 'vitest';
import { goodAndBadDays, type MoodInsightEntry, moodInsights, noteWords } from './mood-insights.ts';

const entry = (localDate: string, score: number, note: string | null = null): MoodInsightEntry => ({ localDate, score, note });

/** Four good days and four bad days, noted in six languages. */
const multilingualMonth: MoodInsightEntry[] = [
  entry('2026-11-02', 5, 'Long walk in the park with Anna'),
  entry('2026-11-03', 5, 'Spaziergang im Park, dann Yoga'),
  entry('2026-11-04', 4, 'Yoga et une promenade au parc avec Léa'),
  entry('2026-11-05', 5, 'walks and yoga'),
  entry('2026-11-09', 1, 'Slept badly, deadline at work'),
  entry('2026-11-10', 2, 'Trabalho até tarde, dormi pouco'),
  entry('2026-11-11', 2, 'Lavoro, deadline e poco sonno'),
  entry('2026-11-12', 1, 'Work work work. Deadlines.'),
];

describe('the words of a note', () => {
  it('are runs of letters, lower-cased, without stopwords, numbers or elisions', () => {
    expect(noteWords("Don't worry: l'école, Straße 2024, Café!")).toEqual(['worry', 'école', 'straße', 'café']);
    expect(noteWords('Ich war mit meinen Freunden im Kino')).toEqual(['meinen', 'freunden', 'kino']);
    expect(noteWords('Fui al cine con mis amigos')).toEqual(['fui', 'cine', 'amigos']);
    expect(noteWords('I had a really good day today')).toEqual(['good']);
  });
});

describe('what goes with good and bad days', () => {
  it('ranks themes by the good (bad) days they came up on, folding plurals onto a singular the notes use', () => {
    expect(moodInsights(multilingualMonth)).toEqual({
      enoughData: true,
      goodDays: [
        { theme: 'yoga', days: 3, share: 0.75 },
        { theme: 'park', days: 2, share: 0.5 },
        { theme: 'walk', days: 2, share: 0.5 },
      ],
      badDays: [
        { theme: 'deadline', days: 3, share: 0.75 },
        { theme: 'work', days: 2, share: 0.5 },
      ],
    });
  });

  it('lists a theme only on the side where it is more common', () => {
    const withCoffee = multilingualMonth.map((item) =>
      ['2026-11-02', '2026-11-03', '2026-11-09', '2026-11-10', '2026-11-11'].includes(item.localDate) ? { ...item, note: `${item.note} coffee` } : item,
    );
    const insights = moodInsights(withCoffee);
    expect(insights.goodDays.map((theme) => theme.theme)).not.toContain('coffee');
    expect(insights.badDays).toContainEqual({ theme: 'coffee', days: 3, share: 0.75 });
  });

  it('reads a day by its average: several check-ins make one day, counted once', () => {
    const insights = moodInsights([
      ...multilingualMonth,
      // Average 4: a good day, with "yoga" twice, counted once.
      entry('2026-11-20', 5, 'yoga'),
      entry('2026-11-20', 3, 'yoga again'),
      // Average 3: neither, so its words count nowhere.
      entry('2026-11-21', 5, 'deadline'),
      entry('2026-11-21', 1, 'deadline'),
    ]);
    expect(insights.goodDays[0]).toEqual({ theme: 'yoga', days: 4, share: 0.8 });
    expect(insights.badDays[0]).toEqual({ theme: 'deadline', days: 3, share: 0.75 });
  });

  it('says nothing until there are three good days and three bad days with a note', () => {
    const twoBadDays = multilingualMonth.filter((item) => item.localDate !== '2026-11-11' && item.localDate !== '2026-11-12');
    expect(moodInsights(twoBadDays)).toEqual({ enoughData: false, goodDays: [], badDays: [] });
    // A bad day without a note does not count towards it.
    expect(moodInsights([...twoBadDays, entry('2026-11-13', 1)])).toEqual({ enoughData: false, goodDays: [], badDays: [] });
    // Three notes on one bad day are still one day.
    const oneDayOfNotes = [entry('2026-11-14', 1, 'deadline'), entry('2026-11-14', 1, 'deadline'), entry('2026-11-14', 1, 'deadline')];
    expect(moodInsights([...multilingualMonth.slice(0, 4), entry('2026-11-09', 1, 'deadline'), ...oneDayOfNotes]).enoughData).toBe(false);
    expect(moodInsights([])).toEqual({ enoughData: false, goodDays: [], badDays: [] });
  });

  it('leaves out a theme that came up on one day only', () => {
    const insights = moodInsights(multilingualMonth);
    for (const single of ['anna', 'léa', 'spaziergang', 'promenade', 'sonno', 'lavoro', 'trabalho']) {
      expect([...insights.goodDays, ...insights.badDays].map((theme) => theme.theme)).not.toContain(single);
    }
  });
});

describe('the days whose notes are read', () => {
  it('are the good and bad days by their average, never the days in between', () => {
    const days = goodAndBadDays([
      entry('2026-11-01', 5),
      entry('2026-11-01', 3),
      entry('2026-11-02', 3),
      entry('2026-11-03', 1),
      entry('2026-11-03', 3),
      entry('2026-11-04', 4),
      entry('2026-11-04', 3),
    ]);
    expect([...days].sort()).toEqual(['2026-11-01', '2026-11-03']);
  });
});
