import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { type MoodEntry, type MoodSummary, moodEntrySchema, moodSummarySchema, moodsAnswerSchema } from '../../common/mood.ts';
import { exportDocumentSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, openRealtime, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import type { CompanionCapability } from '../companion/companion-capability.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import type { CapabilityHost } from '../host/capability.ts';
import { configuredMasterKeys, UserVault } from '../host/user-vault.ts';
import { mondayOf } from './mood-summary.ts';
import { createMoodsCapability } from './moods-capability.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };
const fakeUrl = inject('fakeOpenAIUrl');
const day = 86_400_000;
/** Thirteen hours ahead of UTC in the southern summer: most instants fall on a different calendar day there. */
const zone = 'Pacific/Auckland';

/** The calendar day an instant falls on in a zone, as `YYYY-MM-DD`. */
const localDateIn = (instant: number, timezone = zone) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));

const ago = (milliseconds: number) => new Date(Date.now() - milliseconds).toISOString();

async function record(token: string, body: Record<string, unknown>): Promise<MoodEntry> {
  return readJson(await api('/api/v1/moods', { token, body }), moodEntrySchema, 201);
}

async function moodsOf(token: string, query = ''): Promise<MoodEntry[]> {
  return (await readJson(await api(`/api/v1/moods${query}`, { token }), moodsAnswerSchema)).entries;
}

async function summaryOf(token: string, range: string): Promise<MoodSummary> {
  return readJson(await api(`/api/v1/moods/summary?range=${range}`, { token }), moodSummarySchema);
}

describe('mood check-ins over the API', () => {
  it("records a check-in on the person's local day, lists by local day newest first, and deletes", async () => {
    const user = await buildUser({ timezone: zone });
    const now = await record(user.token, { score: 4, note: '  Coffee with Mia  ' });
    expect(now).toMatchObject({ score: 4, note: 'Coffee with Mia', source: 'app', localDate: localDateIn(Date.now()) });
    // Noon in UTC is one in the morning of the next day in Auckland.
    const noonUtc = new Date(Date.now() - 5 * day);
    noonUtc.setUTCHours(12, 0, 0, 0);
    const backdated = await record(user.token, { score: 2, at: noonUtc.toISOString() });
    expect(backdated).toMatchObject({ note: null, at: noonUtc.toISOString(), localDate: localDateIn(noonUtc.getTime()) });
    expect(backdated.localDate).not.toBe(noonUtc.toISOString().slice(0, 10));
    const middle = await record(user.token, { score: 3, at: ago(2 * day) });
    const earlier = await record(user.token, { score: 5, at: ago(3 * day) });

    expect((await moodsOf(user.token)).map((entry) => entry.id)).toEqual([now.id, middle.id, earlier.id, backdated.id]);
    expect((await moodsOf(user.token, `?from=${earlier.localDate}&to=${middle.localDate}`)).map((entry) => entry.id)).toEqual([middle.id, earlier.id]);
    // By the local day, not the UTC one.
    expect((await moodsOf(user.token, `?from=${backdated.localDate}&to=${backdated.localDate}`)).map((entry) => entry.id)).toEqual([backdated.id]);
    const utcDay = noonUtc.toISOString().slice(0, 10);
    expect(await moodsOf(user.token, `?from=${utcDay}&to=${utcDay}`)).toEqual([]);
    expect((await moodsOf(user.token, `?to=${middle.localDate}&limit=2`)).map((entry) => entry.id)).toEqual([middle.id, earlier.id]);

    expect((await api(`/api/v1/moods/${middle.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect((await moodsOf(user.token)).map((entry) => entry.id)).toEqual([now.id, earlier.id, backdated.id]);
    await expectError(await api(`/api/v1/moods/${middle.id}`, { method: 'DELETE', token: user.token }), 'not_found');
  });

  it('refuses a score outside 1–5 or not whole, a note too long or empty, a time ahead or too old, and a bad range', async () => {
    const user = await buildUser();
    const post = (body: unknown) => api('/api/v1/moods', { token: user.token, body });
    for (const score of [0, 6, 3.5, '4', null]) await expectError(await post({ score }), 'validation_failed');
    await expectError(await post({}), 'validation_failed');
    await expectError(await post({ score: 3, note: 'x'.repeat(1001) }), 'validation_failed');
    await expectError(await post({ score: 3, note: '   ' }), 'validation_failed');
    await expectError(await post({ score: 3, at: new Date(Date.now() + 5 * 60_000).toISOString() }), 'validation_failed');
    await expectError(await post({ score: 3, at: ago(401 * day) }), 'validation_failed');
    await expectError(await post({ score: 3, at: 'yesterday' }), 'validation_failed');
    await expectError(await post({ score: 3, mood: 'happy' }), 'validation_failed');
    await expectError(await api('/api/v1/moods', { body: { score: 3 } }), 'unauthenticated');
    await expectError(await api('/api/v1/moods/summary?range=1y', { token: user.token }), 'validation_failed');
    await expectError(await api('/api/v1/moods?from=2026-13-01', { token: user.token }), 'validation_failed');
    await expectError(await api('/api/v1/moods?from=2026-11-10&to=2026-11-01', { token: user.token }), 'validation_failed');
    await expectError(await api('/api/v1/moods?limit=0', { token: user.token }), 'validation_failed');
    expect(await moodsOf(user.token)).toEqual([]);
    // A clock a little fast is forgiven, and a year back is allowed.
    await record(user.token, { score: 3, at: new Date(Date.now() + 30_000).toISOString() });
    await record(user.token, { score: 3, at: ago(365 * day) });
    expect(await moodsOf(user.token)).toHaveLength(2);
  });

  it("keeps each person's check-ins to themselves", async () => {
    const owner = await buildUser();
    const other = await buildUser();
    const entry = await record(owner.token, { score: 1, note: 'Private and hard' });
    expect(await moodsOf(other.token)).toEqual([]);
    await expectError(await api(`/api/v1/moods/${entry.id}`, { method: 'DELETE', token: other.token }), 'not_found');
    const theirs = await summaryOf(other.token, '4w');
    expect(theirs.points).toEqual([]);
    expect(theirs.average).toBeNull();
    expect((await moodsOf(owner.token)).map((mood) => mood.id)).toEqual([entry.id]);
  });
});

describe('mood check-ins at rest and in the export', () => {
  it('keeps no score or note in the clear, and exports every check-in opened, oldest first', async () => {
    const secret = `Zanzibar${crypto.randomUUID().slice(0, 6)}`;
    const user = await buildUser();
    const older = await record(user.token, { score: 2, note: `Missed ${secret} again`, at: ago(3 * day) });
    const newer = await record(user.token, { score: 5 });

    const stored = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) => {
      const rows = state.storage.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM mood_entries').toArray();
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
      const dump = tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join('\n');
      return { rows, dump };
    });
    expect(stored.dump).not.toContain(secret);
    expect(stored.rows).toHaveLength(2);
    for (const row of stored.rows) {
      // Plain: only the id, the instant, the local day and the source; the score and note only sealed.
      expect(Object.keys(row).sort()).toEqual(['at', 'id', 'local_date', 'note_sealed', 'score_sealed', 'source']);
      expect(row.score_sealed).toMatch(/^v1\./);
      if (row.id === older.id) expect(row.note_sealed).toMatch(/^v1\./);
      else expect(row.note_sealed).toBeNull();
    }

    const exported = await readJson(await api('/api/v1/me/export', { token: user.token }), exportDocumentSchema);
    expect(exported.moods).toEqual([older, newer]);
  });
});

describe('the mood summary', () => {
  it('buckets four weeks by local day and three months by week, from backdated check-ins', async () => {
    const user = await buildUser({ timezone: zone });
    const checkIns = [
      { score: 4, at: ago(60_000) },
      { score: 2, at: ago(2 * 60_000) },
      { score: 5, at: ago(3 * day) },
      { score: 1, at: ago(10 * day) },
      { score: 3, at: ago(10 * day + 3_600_000) },
      { score: 2, at: ago(40 * day) },
      { score: 4, at: ago(60 * day) },
      { score: 5, at: ago(200 * day) },
    ];
    for (const body of checkIns) await record(user.token, body);
    const dated = checkIns.map((body) => ({ score: body.score, localDate: localDateIn(Date.parse(body.at)) }));
    const today = localDateIn(Date.now());

    /** What the summary should hold for the check-ins from `from` on, bucketed by `startOf`. */
    const expected = (from: string, startOf: (date: string) => string) => {
      const buckets = new Map<string, number[]>();
      for (const entry of dated.filter((item) => item.localDate >= from)) {
        buckets.set(startOf(entry.localDate), [...(buckets.get(startOf(entry.localDate)) ?? []), entry.score]);
      }
      return [...buckets]
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([start, scores]) => ({
          start,
          count: scores.length,
          low: Math.min(...scores),
          high: Math.max(...scores),
          average: Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100,
        }));
    };

    const month = await summaryOf(user.token, '4w');
    expect(month).toMatchObject({ range: '4w', bucket: 'day', to: today });
    expect(month.points).toEqual(expected(month.from, (date) => date));
    expect(month.points.map((point) => point.count).reduce((sum, count) => sum + count, 0)).toBe(5);
    expect(month.average).toBe(3);

    const quarter = await summaryOf(user.token, '3m');
    expect(quarter).toMatchObject({ range: '3m', bucket: 'week', from: mondayOf(quarter.from), to: today });
    expect(quarter.points).toEqual(expected(quarter.from, mondayOf));
    expect(quarter.points.map((point) => point.count).reduce((sum, count) => sum + count, 0)).toBe(7);
    expect((await summaryOf(user.token, '12m')).points.map((point) => point.count).reduce((sum, count) => sum + count, 0)).toBe(8);
  });

  it('shows the person what tends to go with their good and bad days, once there are enough notes', async () => {
    const user = await buildUser({ timezone: 'Europe/Madrid' });
    const notes: [number, string][] = [
      [5, 'Picnic in the park with Lucía'],
      [5, 'Yoga and a walk in the park'],
      [4, 'Yoga, then dinner with friends'],
      [1, 'Deadline stress, slept badly'],
      [2, 'Mucho trabajo, deadline mañana'],
    ];
    for (const [index, [score, note]] of notes.entries()) await record(user.token, { score, note, at: ago((index + 1) * day) });
    // Two bad days with a note are not enough to say anything.
    expect((await summaryOf(user.token, '4w')).insights).toEqual({ enoughData: false, goodDays: [], badDays: [] });

    await record(user.token, { score: 2, note: 'Another deadline, no sleep', at: ago(7 * day) });
    const { insights } = await summaryOf(user.token, '4w');
    expect(insights.enoughData).toBe(true);
    expect(insights.goodDays).toEqual([
      { theme: 'park', days: 2, share: 0.67 },
      { theme: 'yoga', days: 2, share: 0.67 },
    ]);
    expect(insights.badDays).toEqual([{ theme: 'deadline', days: 3, share: 1 }]);
  });
});

describe('the mood tools', () => {
  it('mood_record records what the person said in conversation, once they allow it', async () => {
    const user = await buildUser({ timezone: zone });
    // Recording a mood changes the person's data, so it asks first by default; they chose "always allow".
    expect((await api('/api/v1/tools/mood-record', { method: 'PATCH', token: user.token, body: { approval: 'always' } })).status).toBe(200);
    const said = uniqueText('Honestly a 2 today, the move is wearing me out');
    await scriptFakeOpenAI(fakeUrl, said, [
      { toolCalls: [{ name: 'mood_record', arguments: { score: 2, note: 'The move is wearing me out' } }] },
      { text: 'That sounds exhausting. I noted it.' },
    ]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: said } }), turnAnswerSchema);
    expect(turn.assistantMessage.tools[0]?.output).toMatchObject({ recorded: true, score: 2, label: 'low', date: localDateIn(Date.now()) });
    const [entry] = await moodsOf(user.token);
    expect(entry).toMatchObject({ score: 2, note: 'The move is wearing me out', source: 'conversation', localDate: localDateIn(Date.now()) });
  });

  it('mood_record asks first by default, and records nothing until the person allows it', async () => {
    const user = await buildUser();
    const socket = await openRealtime(user.token);
    const said = uniqueText('Pretty great, a 5, we finally finished the garden');
    await scriptFakeOpenAI(fakeUrl, said, [
      { toolCalls: [{ name: 'mood_record', arguments: { score: 5, note: 'Finished the garden' } }] },
      { text: 'What a good feeling!' },
    ]);
    socket.socket.send(JSON.stringify({ type: 'message-send', text: said }));
    const asked = await socket.next('tool-approval-request');
    expect(asked).toMatchObject({ toolName: 'mood_record', input: { score: 5, note: 'Finished the garden' } });
    expect(await moodsOf(user.token)).toEqual([]);
    expect((await api(`/api/v1/approvals/${asked.approvalId}`, { token: user.token, body: { approved: true } })).status).toBe(200);
    expect((await socket.next('message-end')).message.tools).toMatchObject([{ toolName: 'mood_record', output: { recorded: true, score: 5 } }]);
    expect((await moodsOf(user.token)).map((entry) => [entry.score, entry.note, entry.source])).toEqual([[5, 'Finished the garden', 'conversation']]);
    socket.socket.close();
  });

  it('mood_record refuses a score the scale does not have, and asks first by default', async () => {
    const user = await buildUser();
    const tools = (await (await api('/api/v1/tools', { token: user.token })).json()) as { tools: { id: string; risk: string; approval: string }[] };
    expect(tools.tools.find((tool) => tool.id === 'mood-record')).toMatchObject({ risk: 'change', approval: 'ask' });
    expect(tools.tools.find((tool) => tool.id === 'mood-recent')).toMatchObject({ risk: 'read' });
    await api('/api/v1/tools/mood-record', { method: 'PATCH', token: user.token, body: { approval: 'always' } });
    const said = uniqueText('I feel like an 11 out of 5');
    await scriptFakeOpenAI(fakeUrl, said, [{ toolCalls: [{ name: 'mood_record', arguments: { score: 11 } }] }, { text: 'Ha, that good!' }]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: said } }), turnAnswerSchema);
    expect(turn.assistantMessage.tools[0]?.output).toMatchObject({ error: expect.stringContaining('score') });
    expect(await moodsOf(user.token)).toEqual([]);
  });

  it('mood_recent gives the model the last two weeks of entries, and never the insights', async () => {
    const user = await buildUser({ timezone: zone });
    const notes: [number, string][] = [
      [5, 'Choir practice and a long swim'],
      [5, 'Choir concert, swim after'],
      [4, 'Swim with Ana, choir'],
      [1, 'Migraine and bills'],
      [2, 'Bills, migraine again'],
      [1, 'Migraine'],
    ];
    for (const [index, [score, note]] of notes.entries()) await record(user.token, { score, note, at: ago((index + 1) * day) });
    await record(user.token, { score: 3, note: 'Three weeks ago', at: ago(21 * day) });
    const summary = await summaryOf(user.token, '4w');
    expect(summary.insights.enoughData).toBe(true);
    expect(summary.insights.goodDays.length).toBeGreaterThan(0);

    const said = uniqueText('How have I been lately?');
    await scriptFakeOpenAI(fakeUrl, said, [{ toolCalls: [{ name: 'mood_recent', arguments: {} }] }, { text: 'Mostly good, with some hard days.' }]);
    const turn = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: said } }), turnAnswerSchema);
    const output = turn.assistantMessage.tools[0]?.output as { timezone: string; entries: Record<string, unknown>[] };
    expect(Object.keys(output).sort()).toEqual(['entries', 'timezone']);
    expect(output.timezone).toBe(zone);
    expect(output.entries.map((entry) => entry.note)).toEqual(notes.map(([, note]) => note));
    for (const entry of output.entries) expect(Object.keys(entry).sort()).toEqual(['date', 'label', 'note', 'score']);
    // What the model read: the entries, nothing of the summary's insights.
    const toolMessages = (await recordedChatRequests(fakeUrl, said)).flatMap((request) =>
      ((request.body as { messages: { role: string; content: string }[] }).messages ?? [])
        .filter((message) => message.role === 'tool')
        .map((message) => message.content),
    );
    expect(toolMessages.join('\n')).toContain('Migraine and bills');
    for (const word of ['goodDays', 'badDays', 'insights', 'enoughData', 'share', 'Three weeks ago']) expect(toolMessages.join('\n')).not.toContain(word);
  });
});

describe("the week's mood for the weekly reflection", () => {
  it('reads the check-ins of the week in the given zone, as one line', async () => {
    const user = await buildUser({ timezone: zone });
    await record(user.token, { score: 2, note: 'Tired after the flight', at: ago(2 * day) });
    await record(user.token, { score: 5, at: ago(day) });
    await record(user.token, { score: 4, at: ago(9 * day) });
    const lines = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), async (_instance, state) => {
      // The capability as the reflection will hold it, over this object's own storage and keys.
      const host = {
        userId: user.user.id,
        sql: state.storage.sql,
        vault: new UserVault(state.storage.sql, user.user.id, configuredMasterKeys(env)),
        now: () => Date.now(),
      } as unknown as CapabilityHost;
      const companion = { settings: { profile: async () => ({ displayName: null, timezone: zone }) } } as unknown as CompanionCapability;
      return createMoodsCapability(host, { companion }).weekInReview({ from: Date.now() - 7 * day, to: Date.now(), timezone: zone });
    });
    const weekday = (instant: number) => new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: zone }).format(new Date(instant));
    expect(lines).toEqual([
      `Mood check-ins this week: 2, average 3.5 (lowest ${weekday(Date.now() - 2 * day)}, 2: Tired after the flight; highest ${weekday(Date.now() - day)}, 5)`,
    ]);
  });
});

describe('a year of check-ins', () => {
  it('summarises a thousand check-ins, several a day', async () => {
    const user = await buildUser({ timezone: zone });
    const stub = testEnv.COMPANION.getByName(user.user.id);
    const words = ['walk', 'work', 'deadline', 'friends', 'sleep', 'rain', 'yoga', 'family', 'headache', 'music'];
    const count = 1000;
    await runInDurableObject(stub, async (instance) => {
      for (let index = 0; index < count; index++) {
        const score = (index % 5) + 1;
        const note = index % 3 === 0 ? null : `A ${words[index % words.length]} day with ${words[(index * 7) % words.length]} and some time to think`;
        const at = new Date(Date.now() - Math.floor((index * 350 * day) / count) - 60_000).toISOString();
        const outcome = await instance.invoke('moods', 'record', [note === null ? { score, at } : { score, note, at }]);
        expect(outcome).toMatchObject({ success: true });
      }
    });
    // A fresh object: nothing opened is remembered, as after the object slept.
    await runInDurableObject(stub, (_instance, state) => state.abort('cold start under test')).catch(() => undefined);
    const timed = async () => {
      const started = performance.now();
      const summary = await readJson(await api('/api/v1/moods/summary?range=12m', { token: user.token }), moodSummarySchema);
      return { summary, milliseconds: performance.now() - started };
    };
    const cold = await timed();
    const warm = await timed();
    expect(cold.summary.points.reduce((sum, point) => sum + point.count, 0)).toBe(count);
    expect(cold.summary.insights.enoughData).toBe(true);
    expect(warm.summary).toEqual(cold.summary);
    // A figure for the report, not a limit: timings on a shared test machine vary too much to assert.
    console.log(JSON.stringify({ moodSummary12m: { entries: count, coldMs: Math.round(cold.milliseconds), warmMs: Math.round(warm.milliseconds) } }));
  });
});
