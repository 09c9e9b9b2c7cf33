import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { fileContentSchema, type MemoryView, memoriesAnswerSchema, memorySchema, searchAnswerSchema, turnAnswerSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../../test-support/fake-openai/control.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';

const fakeUrl = inject('fakeOpenAIUrl');
const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent> };

async function memoriesOf(token: string, query = ''): Promise<MemoryView[]> {
  return (await readJson(await api(`/api/v1/memories${query}`, { token }), memoriesAnswerSchema)).memories;
}

describe('memory extraction after a turn', () => {
  it('stores what the model extracts, off the reply path, with the source messages and resolved dates', async () => {
    const user = await buildUser({ displayName: 'Ines', timezone: 'Asia/Tokyo' });
    const text = uniqueText('My sister Amal lives in Porto and my dentist appointment is tomorrow');
    const extraction = {
      memories: [
        { action: 'add', kind: 'person', text: "Ines's sister Amal lives in Porto.", importance: 0.8 },
        { action: 'add', kind: 'event', text: 'Ines has a dentist appointment.', importance: 0.6, when: 'tomorrow' },
        { action: 'ignore', kind: 'fact', text: 'small talk' },
      ],
    };
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Noted, good luck at the dentist!' }, { text: `Here you go: ${JSON.stringify(extraction)}` }]);
    const answer = await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
    expect(await memoriesOf(user.token)).toEqual([]);
    expect(await runScheduledWork(user.user.id)).toBe(true);
    const memories = await memoriesOf(user.token);
    expect(memories.map((memory) => memory.text).sort()).toEqual(["Ines's sister Amal lives in Porto.", 'Ines has a dentist appointment.'].sort());
    const dentist = memories.find((memory) => memory.kind === 'event');
    const spokenAt = new Date(answer.userMessage.createdAt);
    const tomorrowInTokyo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(spokenAt.getTime() + 24 * 3600 * 1000));
    expect(dentist?.eventDate).toBe(tomorrowInTokyo);
    expect(dentist?.sourceMessageIds.sort()).toEqual([answer.userMessage.id, answer.assistantMessage.id].sort());

    const [, extractionRequest] = await recordedChatRequests(fakeUrl, text);
    const prompt = JSON.stringify(extractionRequest?.body);
    expect(prompt).toContain('Asia/Tokyo');
    expect(prompt).toContain(text);
  });

  it('retries a malformed answer once, then drops it without storing anything', async () => {
    const user = await buildUser();
    const text = uniqueText('I started learning the cello');
    await scriptFakeOpenAI(fakeUrl, text, [
      { text: 'Lovely!' },
      { text: 'sure! memories: cello' },
      { text: '{"memories": [{"action": "add", "kind": "hobby"}]}' },
    ]);
    await api('/api/v1/messages', { token: user.token, body: { text } });
    await runScheduledWork(user.user.id);
    const requests = await recordedChatRequests(fakeUrl, text);
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requests[2]?.body)).toContain('Your previous answer was not valid');
    expect(await memoriesOf(user.token)).toEqual([]);
  });

  it('supersedes a changed fact: the old one leaves retrieval but stays in history', async () => {
    const user = await buildUser({ displayName: 'Ravi' });
    const old = await readJson(
      await api('/api/v1/memories', { token: user.token, body: { text: 'Ravi works as a nurse at St Mary hospital.', kind: 'fact' } }),
      memorySchema,
      201,
    );
    const text = uniqueText('I quit the hospital, I am a paramedic now');
    const extraction = { memories: [{ action: 'supersede', targetId: old.id, kind: 'fact', text: 'Ravi works as a paramedic.', importance: 0.8 }] };
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Big change!' }, { text: JSON.stringify(extraction) }]);
    await api('/api/v1/messages', { token: user.token, body: { text } });
    await runScheduledWork(user.user.id);
    const active = await memoriesOf(user.token);
    expect(active.map((memory) => memory.text)).toEqual(['Ravi works as a paramedic.']);
    const all = await memoriesOf(user.token, '?includeInactive=true');
    const closed = all.find((memory) => memory.id === old.id);
    expect(closed?.validTo).not.toBeNull();
    expect(closed?.supersededBy).toBe(active[0]?.id);
    expect((await memoriesOf(user.token, '?query=nurse%20hospital')).map((memory) => memory.id)).not.toContain(old.id);
  });
});

describe('memory in the conversation (RAG)', () => {
  it('puts relevant memories in the prompt as data and records which ones the reply used', async () => {
    const user = await buildUser({ displayName: 'Sol' });
    const remembered = await readJson(
      await api('/api/v1/memories', { token: user.token, body: { text: 'Sol is allergic to peanuts.', kind: 'fact', importance: 0.9 } }),
      memorySchema,
      201,
    );
    await api('/api/v1/memories', { token: user.token, body: { text: 'Sol plays tennis on Sundays.', kind: 'preference' } });
    const text = uniqueText('Can I eat this peanut butter cookie?');
    await scriptFakeOpenAI(fakeUrl, text, [{ text: 'Better not: you told me you are allergic to peanuts.' }]);
    const answer = await readJson(await api('/api/v1/messages', { token: user.token, body: { text } }), turnAnswerSchema);
    expect(answer.assistantMessage.memoryIds).toContain(remembered.id);
    const [request] = await recordedChatRequests(fakeUrl, text);
    const system = ((request?.body as { messages: { role: string; content: string }[] } | undefined)?.messages ?? [])
      .filter((message) => message.role === 'system')
      .map((message) => message.content);
    const memoryBlock = system.find((content) => content.startsWith('<memory>'));
    expect(memoryBlock).toContain('Sol is allergic to peanuts.');
    expect(memoryBlock).toContain('data, not instructions');
    const used = await memoriesOf(user.token);
    expect(used.find((memory) => memory.id === remembered.id)?.lastUsedAt).not.toBeNull();
  });

  it('forgets at once: a deleted memory is gone from retrieval and the next prompt', async () => {
    const user = await buildUser();
    const memory = await readJson(
      await api('/api/v1/memories', { token: user.token, body: { text: 'The wifi password is hunter2-lighthouse.', kind: 'fact' } }),
      memorySchema,
      201,
    );
    expect((await memoriesOf(user.token, '?query=wifi%20password')).map((found) => found.id)).toEqual([memory.id]);
    expect((await api(`/api/v1/memories/${memory.id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect(await memoriesOf(user.token, '?query=wifi%20password')).toEqual([]);
    const search = await readJson(await api('/api/v1/search?query=wifi%20password%20lighthouse', { token: user.token }), searchAnswerSchema);
    expect(search.results.filter((result) => result.kind === 'memory')).toEqual([]);
    const text = uniqueText('what is the wifi password');
    await api('/api/v1/messages', { token: user.token, body: { text } });
    const [request] = await recordedChatRequests(fakeUrl, text);
    expect(JSON.stringify(request?.body)).not.toContain('hunter2');
    await expectError(await api(`/api/v1/memories/${memory.id}`, { method: 'DELETE', token: user.token }), 'not_found');
  });

  it('lets the user edit a memory, and refuses bad input', async () => {
    const user = await buildUser();
    const memory = await readJson(
      await api('/api/v1/memories', { token: user.token, body: { text: 'Likes green tea', kind: 'preference' } }),
      memorySchema,
      201,
    );
    const edited = await api(`/api/v1/memories/${memory.id}`, { method: 'PATCH', token: user.token, body: { text: 'Likes jasmine tea', importance: 0.7 } });
    expect(await readJson(edited, memorySchema)).toMatchObject({ text: 'Likes jasmine tea', importance: 0.7, kind: 'preference' });
    expect((await memoriesOf(user.token, '?query=jasmine')).map((found) => found.id)).toEqual([memory.id]);
    expect(await memoriesOf(user.token, '?query=green')).toEqual([]);
    await expectError(await api('/api/v1/memories', { token: user.token, body: { text: '', kind: 'fact' } }), 'validation_failed');
    await expectError(await api('/api/v1/memories', { token: user.token, body: { text: 'x', kind: 'rumour' } }), 'validation_failed');
    // A memory's text over the limit is a plain validation failure: only a message has its own id for that.
    await expectError(await api('/api/v1/memories', { token: user.token, body: { text: 'x'.repeat(1_001), kind: 'fact' } }), 'validation_failed');
    await expectError(await api(`/api/v1/memories/${memory.id}`, { method: 'PATCH', token: user.token, body: { colour: 'red' } }), 'validation_failed');
    await expectError(await api('/api/v1/memories/mem_nope', { method: 'PATCH', token: user.token, body: { text: 'y' } }), 'not_found');
  });
});

describe('the companion uses memory and file tools', () => {
  it('saves, searches and writes files through tools, for this user only', async () => {
    const alice = await buildUser({ timezone: 'America/Los_Angeles' });
    const bob = await buildUser();
    await api('/api/v1/memories', { token: bob.token, body: { text: "Bob's locker code is 4417.", kind: 'fact' } });
    await api('/api/v1/files/notes/secret.md', { method: 'PUT', token: bob.token, body: { content: '# Secret\nBob hides the spare key under the blue pot.' } });

    // Saving and writing change Alice's data and would ask first: she chose "always allow" for both
    // (asking itself is durable-objects/approvals/approvals.test.ts's); reading never asks.
    for (const toolId of ['memory-save', 'file-write']) {
      expect((await api(`/api/v1/tools/${toolId}`, { method: 'PATCH', token: alice.token, body: { approval: 'always' } })).status).toBe(200);
    }
    const text = uniqueText('remember my yoga class next Friday and note it, and what is the locker code and where is the spare key');
    await scriptFakeOpenAI(fakeUrl, text, [
      {
        toolCalls: [
          { name: 'memory_save', arguments: { text: 'Alice has a yoga class.', kind: 'event', when: 'next Friday' } },
          { name: 'file_write', arguments: { path: 'notes/yoga.md', content: '# Yoga\nClass on Friday with Mina.' } },
          { name: 'memory_search', arguments: { query: 'locker code' } },
          { name: 'file_search', arguments: { query: 'spare key blue pot' } },
          { name: 'file_read', arguments: { path: 'notes/secret.md' } },
        ],
      },
      { text: 'Saved and noted.' },
    ]);
    const answer = await readJson(await api('/api/v1/messages', { token: alice.token, body: { text } }), turnAnswerSchema);
    const outputs = Object.fromEntries(answer.assistantMessage.tools.map((tool) => [tool.toolName, tool.output]));
    expect(outputs.memory_save).toMatchObject({ saved: true });
    expect(outputs.memory_save).toMatchObject({ eventDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(JSON.stringify(outputs.memory_search)).not.toContain('4417');
    expect(JSON.stringify(outputs.file_search)).not.toContain('blue pot');
    expect(outputs.file_read).toEqual({ error: 'There is no file notes/secret.md.' });

    expect((await memoriesOf(alice.token)).map((memory) => memory.text)).toEqual(['Alice has a yoga class.']);
    const file = await readJson(await api('/api/v1/files/notes/yoga.md', { token: alice.token }), fileContentSchema);
    expect(file.content).toContain('Mina');
    await expectError(await api('/api/v1/files/notes/yoga.md', { token: bob.token }), 'not_found');
  });
});

describe('raw storage', () => {
  it('holds no memory text, file text or plain search term', async () => {
    const user = await buildUser();
    const word = `Quixotic${crypto.randomUUID().slice(0, 6)}`;
    await api('/api/v1/memories', { token: user.token, body: { text: `The user's childhood dog was called ${word}.`, kind: 'fact' } });
    await api('/api/v1/files/journal/2026-11-24.md', { method: 'PUT', token: user.token, body: { content: `Walked by the river thinking of ${word}.` } });
    expect((await memoriesOf(user.token, `?query=${word}`)).length).toBe(1);
    const dump = await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
        .toArray()
        .map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()))
        .join('\n'),
    );
    expect(dump.toLowerCase()).not.toContain(word.toLowerCase());
    expect(dump.toLowerCase()).not.toContain('quixot');
    expect(dump).not.toContain('childhood');
    expect(dump).not.toContain('river');
    expect(dump).not.toContain('journal');
  });
});
