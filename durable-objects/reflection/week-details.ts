import type { Message } from '../../common/protocol.ts';
import { formatLocalDate, localAt } from '../../server/time/zoned-time.ts';
import { clockAt } from '../outreach/outreach-time.ts';
import type { ReflectionWeek } from './reflection-time.ts';

/** The newest messages of the week the model sees, each cut, and all of them together at most this long. */
export const weekBounds = { messages: 60, characters: 300, totalCharacters: 8000, sourceLineCharacters: 300, sourceLines: 40 } as const;

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const cut = (text: string, length: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1).trimEnd()}…` : flat;
};

function dayAndTime(instant: number, timezone: string): string {
  const local = localAt(instant, timezone);
  return `${weekdayNames[new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()]} ${clockAt(instant, timezone)}`;
}

/**
 * The lines the model writes the reflection from: the week's span, what the capabilities report
 * (goals, moods), then the week's messages in reading order, each marked with who said it. They go
 * to the model inside outreach's data block, so they are facts, never instructions. `messages` is
 * newest first (as `ConversationStore#between` answers); the newest are kept when the week is long.
 * Empty when nothing happened: no messages and no source lines.
 */
export function weekInReviewDetails(input: { week: ReflectionWeek; timezone: string; messages: readonly Message[]; sourceLines: readonly string[] }): string[] {
  const sourceLines = input.sourceLines
    .map((line) => cut(line, weekBounds.sourceLineCharacters))
    .filter(Boolean)
    .slice(0, weekBounds.sourceLines);
  const messageLines: string[] = [];
  let budget = weekBounds.totalCharacters;
  for (const message of input.messages.slice(0, weekBounds.messages)) {
    const speaker = message.role === 'user' ? 'The person' : 'You';
    const line = `${dayAndTime(Date.parse(message.createdAt), input.timezone)}, ${speaker}: ${cut(message.text, weekBounds.characters)}`;
    if (line.length > budget) break;
    budget -= line.length;
    messageLines.push(line);
  }
  if (sourceLines.length === 0 && messageLines.length === 0) return [];
  const lastDay = formatLocalDate(localAt(input.week.to - 1, input.timezone));
  return [
    `The week: ${formatLocalDate(localAt(input.week.from, input.timezone))} to ${lastDay}.`,
    ...sourceLines,
    ...(messageLines.length > 0 ? ['The week’s conversation (oldest first):', ...messageLines.reverse()] : ['No conversation this week.']),
  ];
}
