import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../common/goals.ts';
import { outreachAnswerSchema, outreachLogAnswerSchema } from '../../common/outreach.ts';
import { messagesPageSchema } from '../../common/protocol.ts';
import { reflectionAnswerSchema } from '../../common/reflection.ts';
import { localAt } from '../../server/time/zoned-time.ts';
import { api, buildUser, readJson, uniqueText } from '../../test-support/api.ts';
import { buildConversation } from '../../test-support/factories.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';

const pad = (value: number) => String(value).padStart(2, '0');
const weekdays: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

describe('the weekly reflection without a model', () => {
  it('is skipped, the log says why, and nothing is sent in its place', async () => {
    const user = await buildUser();
    const token = user.token;
    await buildConversation(user, { startedAt: new Date(Date.now() - 2 * 86_400_000), messages: [uniqueText('We moved house this week')] });
    await readJson(await api('/api/v1/outreach', { method: 'PUT', token, body: { quietHours: { start: '00:00', end: '00:00' } } }), outreachAnswerSchema);
    const now = localAt(Date.now(), 'UTC');
    const weekday = weekdays[new Date(Date.UTC(now.year, now.month - 1, now.day)).getUTCDay()] ?? 'sunday';
    const body = { enabled: true, weekday, time: `${pad(now.hour)}:${pad(now.minute)}` };
    await readJson(await api('/api/v1/reflection', { method: 'PUT', token, body }), reflectionAnswerSchema);

    await runScheduledWork(user.user.id);

    const log = (await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema)).entries;
    expect(log.filter((entry) => entry.kind === 'reflection')).toEqual([
      expect.objectContaining({ status: 'skipped', statusDetail: 'no model was available to write it' }),
    ]);
    const messages = (await readJson(await api('/api/v1/messages', { token }), messagesPageSchema)).messages;
    expect(messages.filter((message) => message.proactive)).toEqual([]);
  });
});
