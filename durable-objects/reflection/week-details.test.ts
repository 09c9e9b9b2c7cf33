import { describe, expect, it } from 'vitest';
import type { Message } from '../../common/protocol.ts';
import { weekBounds, weekInReviewDetails } from './week-details.ts';

const week = { from: Date.parse('2026-11-22T18:00:00Z'), to: Date.parse('2026-11-29T18:00:00Z') };

/** Messages newest first, as the conversations store answers them. */
function messages(count: number, text: (index: number) => string): Message[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `msg_${index}`,
    conversationId: 'conv_1',
    role: index % 2 === 0 ? 'user' : 'assistant',
    text: text(index),
    status: 'complete',
    errorId: null,
    tools: [],
    memoryIds: [],
    createdAt: new Date(week.to - (index + 1) * 60_000).toISOString(),
  }));
}

describe('what the weekly reflection is written from', () => {
  it('names the week, gives the sources’ lines, then the conversation oldest first with who said what', () => {
    const details = weekInReviewDetails({
      week,
      timezone: 'Europe/Berlin',
      messages: messages(2, (index) => (index === 0 ? 'I finally ran 5 km!' : 'How did the run go?')),
      sourceLines: ['Goal “Run a 5k” (health): 40% → 65%'],
    });
    expect(details).toEqual([
      'The week: 2026-11-22 to 2026-11-29.',
      'Goal “Run a 5k” (health): 40% → 65%',
      'The week’s conversation (oldest first):',
      'Sunday 18:58, You: How did the run go?',
      'Sunday 18:59, The person: I finally ran 5 km!',
    ]);
  });

  it('keeps the newest messages, each cut, within the total bound', () => {
    const long = 'word '.repeat(200);
    const details = weekInReviewDetails({ week, timezone: 'UTC', messages: messages(100, (index) => `${index} ${long}`), sourceLines: [] });
    const lines = details.slice(2);
    expect(lines.length).toBeLessThanOrEqual(weekBounds.messages);
    expect(lines.join('').length).toBeLessThanOrEqual(weekBounds.totalCharacters);
    for (const line of lines) expect(line.length).toBeLessThan(weekBounds.characters + 30);
    // The newest message (index 0) is the last line; the oldest kept is the first.
    expect(lines.at(-1)).toContain(': 0 word');
    expect(lines.some((line) => line.includes(': 99 word'))).toBe(false);
  });

  it('is empty for a week with no messages and nothing from the sources, so no model is asked', () => {
    expect(weekInReviewDetails({ week, timezone: 'UTC', messages: [], sourceLines: [] })).toEqual([]);
    expect(weekInReviewDetails({ week, timezone: 'UTC', messages: [], sourceLines: ['Mood: 3 check-ins, average 4'] })).toEqual([
      'The week: 2026-11-22 to 2026-11-29.',
      'Mood: 3 check-ins, average 4',
      'No conversation this week.',
    ]);
  });
});
