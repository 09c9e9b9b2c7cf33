import { zonedFormat } from '../../server/time/formatters.ts';

/** What the weekly reflection reads of an entry. */
export interface MoodWeekEntry {
  at: number;
  score: number;
  note: string | null;
}

/** A note is quoted to the reflection's model only in short: the gist, not the whole of it. */
const longestQuotedNote = 80;

function shortened(note: string): string {
  const oneLine = note.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= longestQuotedNote) return oneLine;
  const cut = oneLine.slice(0, longestQuotedNote);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > longestQuotedNote / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/**
 * The week's mood check-ins as one line for the weekly reflection: "Mood check-ins this week: 5,
 * average 3.6 (lowest Tuesday, 2: <note>; highest Saturday, 5)". The lowest and highest are the
 * first entry with that score; one check-in is named alone, and a week of one score says so.
 * Empty when there were none. The insights never go here: they are shown only to the person.
 */
const weekdayFormat = zonedFormat('en-US', { weekday: 'long' });

export function moodWeekLines(entries: readonly MoodWeekEntry[], timezone: string): string[] {
  if (entries.length === 0) return [];
  const ordered = [...entries].sort((left, right) => left.at - right.at);
  const weekday = weekdayFormat(timezone);
  const describe = (entry: MoodWeekEntry) => `${weekday.format(new Date(entry.at))}, ${entry.score}${entry.note ? `: ${shortened(entry.note)}` : ''}`;
  const lowest = ordered.reduce((low, entry) => (entry.score < low.score ? entry : low));
  const highest = ordered.reduce((high, entry) => (entry.score > high.score ? entry : high));
  const average = (ordered.reduce((total, entry) => total + entry.score, 0) / ordered.length).toFixed(1);
  const extremes =
    ordered.length === 1
      ? describe(lowest)
      : lowest.score === highest.score
        ? `every one a ${lowest.score}`
        : `lowest ${describe(lowest)}; highest ${describe(highest)}`;
  return [`Mood check-ins this week: ${ordered.length}, average ${average} (${extremes})`];
}
