import type { MoodSummary } from '../../common/mood.ts';
import { moodStopwords } from './mood-stopwords.ts';

/** What the insights read of an entry: its day, its score and its note (already opened). */
export interface MoodInsightEntry {
  localDate: string;
  score: number;
  note: string | null;
}

export type MoodInsights = MoodSummary['insights'];

/** A day whose average is at least this is a good day. */
export const goodDayAverage = 4;
/** A day whose average is at most this is a bad day. */
export const badDayAverage = 2;
/**
 * Insights wait until there are this many good days with a note, and as many bad days with a note.
 * Counted in days, not notes: five notes written on one good afternoon say nothing about what tends
 * to go with good days.
 */
export const minimumNotedDays = 3;
/** A theme that came up on a single day is an anecdote, not a pattern. */
export const minimumThemeDays = 2;
/** The most themes listed on each side. */
export const maximumThemes = 8;
/** Shorter tokens are mostly function words, elisions (l', d') and the tails of contractions (don't). */
const minimumThemeLetters = 3;

/**
 * The words of a note that could be themes: runs of Unicode letters (with their combining marks),
 * lower-cased, at least three letters long, stopwords of six languages dropped. Numbers and
 * punctuation split words and are never themes. Scripts written without spaces (Chinese, Japanese)
 * come out as whole phrases: a known limit, as no word segmenter is installed.
 */
export function noteWords(note: string): string[] {
  const words =
    note
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}]+/gu) ?? [];
  return words.filter((word) => [...word].length >= minimumThemeLetters && !moodStopwords.has(word));
}

/**
 * Folds simple plurals ("walks", "lunches") onto their singular, but only when the singular itself
 * appears among the notes: cheap, and it never invents a word ("news" stays "news" unless "new" was
 * written, and "new" is not a theme word anyone looks for).
 */
function pluralFolder(vocabulary: ReadonlySet<string>): (word: string) => string {
  return (word) => {
    if (word.length > 4 && word.endsWith('es') && vocabulary.has(word.slice(0, -2))) return word.slice(0, -2);
    if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && vocabulary.has(word.slice(0, -1))) return word.slice(0, -1);
    return word;
  };
}

/** The local days that are good or bad days, by their average score: the only days whose notes the insights read. */
export function goodAndBadDays(entries: readonly { localDate: string; score: number }[]): Set<string> {
  const days = new Map<string, { total: number; count: number }>();
  for (const entry of entries) {
    const day = days.get(entry.localDate) ?? { total: 0, count: 0 };
    day.total += entry.score;
    day.count += 1;
    days.set(entry.localDate, day);
  }
  const telling = [...days].filter(([, day]) => day.total / day.count >= goodDayAverage || day.total / day.count <= badDayAverage);
  return new Set(telling.map(([localDate]) => localDate));
}

/**
 * What tends to go with good and with bad days, from the person's own notes. A good day is a local
 * day whose entries average 4 or more, a bad day one that averages 2 or less. A theme is a word of
 * the notes (see `noteWords`); it counts once per day it came up on. A theme is listed for good days
 * when it came up on at least two good days and on a larger share of good days than of bad days (and
 * the other way round); `share` is the days it came up on over the days of that side with a note.
 * Themes are ranked by days, then share, then alphabetically, so the answer is stable.
 *
 * Until there are three good days with a note and three bad days with a note, `enoughData` is false
 * and both lists are empty: fewer would show coincidences as patterns.
 */
export function moodInsights(entries: readonly MoodInsightEntry[]): MoodInsights {
  const days = new Map<string, { total: number; count: number; noted: boolean; words: string[] }>();
  for (const entry of entries) {
    const day = days.get(entry.localDate) ?? { total: 0, count: 0, noted: false, words: [] };
    day.total += entry.score;
    day.count += 1;
    if (entry.note !== null) {
      day.noted = true;
      day.words.push(...noteWords(entry.note));
    }
    days.set(entry.localDate, day);
  }
  const notedDays = [...days.values()].filter((day) => day.noted);
  const good = notedDays.filter((day) => day.total / day.count >= goodDayAverage);
  const bad = notedDays.filter((day) => day.total / day.count <= badDayAverage);
  if (good.length < minimumNotedDays || bad.length < minimumNotedDays) return { enoughData: false, goodDays: [], badDays: [] };

  const fold = pluralFolder(new Set([...good, ...bad].flatMap((day) => day.words)));
  const daysWith = (side: typeof good) => {
    const counts = new Map<string, number>();
    for (const day of side) for (const theme of new Set(day.words.map(fold))) counts.set(theme, (counts.get(theme) ?? 0) + 1);
    return counts;
  };
  const goodCounts = daysWith(good);
  const badCounts = daysWith(bad);
  const themes = (counts: Map<string, number>, sideDays: number, otherCounts: Map<string, number>, otherDays: number) =>
    [...counts]
      .filter(([theme, days]) => days >= minimumThemeDays && days / sideDays > (otherCounts.get(theme) ?? 0) / otherDays)
      .map(([theme, days]) => ({ theme, days, share: Math.round((days / sideDays) * 100) / 100 }))
      .sort((left, right) => right.days - left.days || right.share - left.share || left.theme.localeCompare(right.theme))
      .slice(0, maximumThemes);
  return {
    enoughData: true,
    goodDays: themes(goodCounts, good.length, badCounts, bad.length),
    badDays: themes(badCounts, bad.length, goodCounts, good.length),
  };
}
