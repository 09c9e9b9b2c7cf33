import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { importReportSchema } from '../common/import.ts';
import { exportDocumentSchema, exportFormatVersion } from '../common/protocol.ts';
import type { CompanionAgent } from '../durable-objects/companion-agent.ts';
import { wrapFilesBucketForTests } from '../durable-objects/files/files-bucket.ts';
import { api, buildUser, expectError, readJson } from '../test-support/api.ts';
import { base64, tone } from '../test-support/fake-speech.ts';

/*
 * An import (POST /me/import) under faults. Every capability prepares its part first (seals, puts
 * what lives in R2), then one storage transaction writes every row: so whatever fails, the account
 * is either as it was or holds the whole import, and the same import can be sent again. Voice
 * recordings are the section here that writes to R2 (files and their versions, imported on another
 * branch, go through the same seam).
 */

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent>; FILES: R2Bucket };

afterEach(() => wrapFilesBucketForTests(undefined));

const recordingIds = ['rec_00000001aaaaaaaaaaaaaa', 'rec_00000002bbbbbbbbbbbbbb', 'rec_00000003cccccccccccccc'];

/** An export with sections of its own in the object (care, HTTP tools) and three recordings in R2. */
function exportDocument(overrides: Record<string, unknown> = {}) {
  return {
    formatVersion: exportFormatVersion,
    exportedAt: '2026-11-20T09:00:00.000Z',
    user: { id: 'old-account', email: 'old@example.com', displayName: 'Maren', timezone: 'Europe/Berlin', createdAt: '2026-01-01T00:00:00.000Z' },
    companion: { name: 'Wren', personaId: 'calm-coach', voiceId: 'soft-calm', avatarId: 'night-owl' },
    care: {
      settings: { country: 'DE' },
      flagged: [
        {
          conversationId: 'conv_old',
          category: 'suicide-self-harm',
          channel: 'app',
          flaggedAt: '2026-11-01T08:00:00.000Z',
          followedUpAt: '2026-11-02T08:00:00.000Z',
        },
      ],
    },
    httpTools: [
      {
        id: 'htt_0000000100000000000000',
        name: 'order_status',
        title: 'Order status',
        description: 'Looks up an order.',
        inputSchema: { type: 'object', properties: { orderId: { type: 'string' } } },
        request: { method: 'GET', url: `${inject('httpToolServiceUrl')}/faults/orders/{orderId}`, headerNames: [] },
        shared: false,
        tool: {
          id: 'http:htt_0000000100000000000000',
          name: 'order_status',
          title: 'Order status',
          description: 'Looks up an order.',
          enabled: true,
          risk: 'read',
          defaultRisk: 'read',
          approval: 'ask',
          source: { kind: 'http', httpToolId: 'htt_0000000100000000000000', shared: false },
          available: true,
        },
        createdAt: '2026-10-01T10:00:00.000Z',
      },
    ],
    voice: {
      settings: { keepAudio: true },
      recordings: recordingIds.map((id, index) => ({
        id,
        messageId: null,
        createdAt: `2026-11-0${index + 1}T10:00:00.000Z`,
        durationMs: 500,
        format: 'pcm16',
        sampleRate: 16_000,
        audio: base64(tone(300 + 100 * index, 0.5)),
      })),
    },
    ...overrides,
  };
}

const stubOf = (userId: string) => testEnv.COMPANION.getByName(userId);

const importInto = (token: string, document: unknown) => api('/api/v1/me/import', { token, body: document });

/** What the account holds of the import: its export's sections, and the recordings' objects in R2. */
async function stored(user: { token: string; user: { id: string } }) {
  const document = await readJson(await api('/api/v1/me/export', { token: user.token }), exportDocumentSchema);
  const objects = (await testEnv.FILES.list({ prefix: `users/${user.user.id}/voice/` })).objects.map((object) => object.key);
  return {
    companion: document.companion.name,
    care: document.care,
    httpTools: document.httpTools.filter((tool) => !tool.shared).map((tool) => tool.id),
    voice: { settings: document.voice.settings, recordings: document.voice.recordings.map((recording) => recording.id) },
    objects: objects.sort(),
  };
}

/** As a new account holds it: nothing of the import. */
function expectUntouched(actual: Awaited<ReturnType<typeof stored>>) {
  expect(actual).toEqual({
    companion: 'Kindred',
    care: { settings: { country: null }, flagged: [] },
    httpTools: [],
    voice: { settings: { keepAudio: false }, recordings: [] },
    objects: [],
  });
}

function expectWhole(actual: Awaited<ReturnType<typeof stored>>, userId: string) {
  expect(actual).toEqual({
    companion: 'Wren',
    care: exportDocument().care,
    httpTools: ['htt_0000000100000000000000'],
    voice: { settings: { keepAudio: true }, recordings: recordingIds },
    objects: recordingIds.map((id) => `users/${userId}/voice/${id}`),
  });
}

/**
 * R2 for one person: the chosen `put` (by its order among their puts) fails or waits for the test to
 * let it through, as R2 does when it is unavailable or slow. `reached` is awaited and `release` called
 * inside the object (`runInDurableObject`): a promise continues in the context of whoever settled it,
 * so the test's own steps must not continue in the object's, nor the object's in the test's. Other people.s keys pass, so files running
 * beside this one are untouched.
 */
function interceptPuts(userId: string, rule: { failAt?: number; holdAt?: number }) {
  const seen = { puts: 0, failed: 0 };
  let reachedHold: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    reachedHold = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  wrapFilesBucketForTests((bucket) => ({
    head: (key) => bucket.head(key),
    get: ((key: string, ...rest: [never]) => bucket.get(key, ...rest)) as R2Bucket['get'],
    list: (options) => bucket.list(options),
    delete: (keys) => bucket.delete(keys),
    createMultipartUpload: (...args) => bucket.createMultipartUpload(...args),
    resumeMultipartUpload: (...args) => bucket.resumeMultipartUpload(...args),
    put: (async (key: string, ...rest: [never, never]) => {
      if (key.startsWith(`users/${userId}/`)) {
        seen.puts++;
        if (seen.puts === rule.failAt) {
          seen.failed++;
          throw new Error('R2 is unavailable (injected by a test)');
        }
        if (seen.puts === rule.holdAt) {
          reachedHold();
          await released;
        }
      }
      return bucket.put(key, ...rest);
    }) as R2Bucket['put'],
  }));
  return { seen, reached, release };
}

describe('R2 failing part way through an import', () => {
  it('answers internal_error, keeps nothing of it (no rows, no objects), and the same import lands whole once R2 is back', async () => {
    const user = await buildUser();
    const r2 = interceptPuts(user.user.id, { failAt: 2 });

    const failed = await expectError(await importInto(user.token, exportDocument()), 'internal_error');
    expect(failed.error.message).not.toMatch(/R2|injected|\bat\b.*\.ts/);
    expect(r2.seen).toEqual({ puts: 2, failed: 1 });
    // The first recording had reached R2: it was taken away again, and no row was written.
    expectUntouched(await stored(user));

    wrapFilesBucketForTests(undefined);
    const report = await readJson(await importInto(user.token, exportDocument()), importReportSchema);
    expect(report.imported).toMatchObject({ voice: 4, care: 2, httpTools: 1 });
    expectWhole(await stored(user), user.user.id);
  });
});

describe('an import whose document fails late', () => {
  it('a value that passed the schema but is refused while preparing (an unknown persona) stores nothing, so sending it again corrected is not account_not_empty', async () => {
    const user = await buildUser();
    const wrongPersona = exportDocument({ companion: { name: 'Wren', personaId: 'no-such-persona', voiceId: 'soft-calm', avatarId: 'night-owl' } });
    await expectError(await importInto(user.token, wrongPersona), 'unknown_persona');
    expectUntouched(await stored(user));

    await readJson(await importInto(user.token, exportDocument()), importReportSchema);
    expectWhole(await stored(user), user.user.id);
  });

  it('a recording refused after the others were prepared leaves no object in R2 and no row', async () => {
    const user = await buildUser();
    const document = exportDocument();
    const badAudio = { ...document.voice.recordings[2], audio: 'not base64 at all!' };
    const refused = { ...document, voice: { ...document.voice, recordings: [...document.voice.recordings.slice(0, 2), badAudio] } };
    const answer = await expectError(await importInto(user.token, refused), 'validation_failed');
    expect(answer.error.message).toContain('voice.recordings[2].audio');
    expectUntouched(await stored(user));

    await readJson(await importInto(user.token, document), importReportSchema);
    expectWhole(await stored(user), user.user.id);
  });

  it('a write refused inside the transaction (two tools with one id) rolls every section back and takes the recordings out of R2', async () => {
    const user = await buildUser();
    const document = exportDocument();
    const [tool] = document.httpTools;
    const twice = { ...document, httpTools: [tool, { ...tool, name: 'order_status_again', tool: { ...tool?.tool, name: 'order_status_again' } }] };
    await expectError(await importInto(user.token, twice), 'validation_failed');
    expectUntouched(await stored(user));

    await readJson(await importInto(user.token, document), importReportSchema);
    expectWhole(await stored(user), user.user.id);
  });
});

describe('the object restarting in the middle of an import', () => {
  /*
   * The restart lands while the recordings are being put in R2 (the second put is held): the rows,
   * written only in the transaction after every part is prepared, were never written. The first
   * recording's object was already in R2; it is sealed and belongs to no row, and the import sent
   * again puts it under the same key, so it is never doubled (deleting the account removes the
   * person's whole prefix in any case).
   */
  it('leaves the account untouched, and the same import sent again lands whole, once', async () => {
    const user = await buildUser();
    const r2 = interceptPuts(user.user.id, { holdAt: 2 });
    const inFlight = importInto(user.token, exportDocument()).then(
      (response) => response.status,
      (error: unknown) => error,
    );
    // The held put is let go and the object restarts at once, before that put can go on: what the
    // import does next runs in an instance that is gone.
    await runInDurableObject(stubOf(user.user.id), async (_instance, state) => {
      await r2.reached;
      r2.release();
      state.abort('restart under test');
    }).catch(() => undefined);
    wrapFilesBucketForTests(undefined);
    const interrupted = await inFlight;
    expect(interrupted === 200).toBe(false);

    const afterRestart = await stored(user);
    expectUntouched({ ...afterRestart, objects: [] });
    expect(afterRestart.objects).toEqual([`users/${user.user.id}/voice/${recordingIds[0]}`]);

    await readJson(await importInto(user.token, exportDocument()), importReportSchema);
    expectWhole(await stored(user), user.user.id);
  });
});

describe('the same import sent twice', () => {
  it('after the first landed: account_not_empty, and nothing is doubled', async () => {
    const user = await buildUser();
    await readJson(await importInto(user.token, exportDocument()), importReportSchema);
    const first = await stored(user);
    expectWhole(first, user.user.id);

    await expectError(await importInto(user.token, exportDocument()), 'account_not_empty');
    expect(await stored(user)).toEqual(first);
  });

  it('two at once: one answers import_in_progress, the other lands whole', async () => {
    const user = await buildUser();
    const r2 = interceptPuts(user.user.id, { holdAt: 1 });
    const first = importInto(user.token, exportDocument());
    await runInDurableObject(stubOf(user.user.id), () => r2.reached);

    await expectError(await importInto(user.token, exportDocument()), 'import_in_progress');
    // Let go from inside the object: the rest of the first import must run in the object's own context.
    await runInDurableObject(stubOf(user.user.id), () => r2.release());
    await readJson(await first, importReportSchema);
    expectWhole(await stored(user), user.user.id);
    // The refused one put nothing: each recording went to R2 once.
    expect(r2.seen.puts).toBe(recordingIds.length);
  });
});
