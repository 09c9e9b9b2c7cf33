import { describe, expect, it } from 'vitest';
import { type ImportReport, importReportSchema, maxImportBytes } from '../../common/import.ts';
import { companionSchema, exportDocumentSchema, exportFormatVersion, userSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { buildMemory } from '../../test-support/factories.ts';
import { differences } from '../../test-support/round-trip/compare-exports.ts';
import { populators } from '../../test-support/round-trip/populate.ts';
import { settledDeliveries } from '../../test-support/round-trip/settled.ts';

/** The export's text as the person downloads it. */
async function exportText(token: string): Promise<string> {
  const response = await api('/api/v1/me/export', { token });
  expect(response.status).toBe(200);
  return response.text();
}

async function importInto(token: string, document: string): Promise<ImportReport> {
  return readJson(await api('/api/v1/me/import', { token, body: document }), importReportSchema);
}

/** What an account of its own keeps whatever it imports: its id, email, and when it was made. */
const accountOwn = ['exportedAt', 'user.id', 'user.email', 'user.createdAt'];

describe('POST /me/import', () => {
  it('brings back everything an export holds: export, delete the account, import into a new one, and the new export is the same field by field', async () => {
    const before = await buildUser({ displayName: 'Ilse', timezone: 'Europe/Vienna' });
    const companion = { name: 'Wren', personaId: 'calm-coach', voiceId: 'soft-calm', avatarId: 'night-owl' };
    await readJson(await api('/api/v1/companion', { method: 'PUT', token: before.token, body: companion }), companionSchema);
    for (const populator of populators) await populator.populate(before);
    await settledDeliveries(before.token);
    const exported = await exportText(before.token);
    expect((await api('/api/v1/me', { method: 'DELETE', token: before.token })).status).toBe(204);

    const after = await buildUser();
    const report = await importInto(after.token, exported);
    const reimported = await exportText(after.token);

    const ignore = [...accountOwn, ...populators.flatMap((populator) => Object.keys(populator.differsAfterImport ?? {}))];
    expect(differences(JSON.parse(exported), JSON.parse(reimported), { ignore })).toEqual([]);
    expect(report.formatVersion).toBe(exportFormatVersion);
    expect(report.imported).toMatchObject({ user: 1, companion: 1 });
    // The new account keeps its own email and id, and takes the profile.
    const me = await readJson(await api('/api/v1/me', { token: after.token }), userSchema);
    expect(me).toMatchObject({ id: after.user.id, email: after.user.email, displayName: 'Ilse', timezone: 'Europe/Vienna' });
  });

  it('takes an export of format version 1, which had no formatVersion', async () => {
    const user = await buildUser();
    const versionOne = {
      exportedAt: '2026-03-01T10:00:00.000Z',
      user: { id: 'old-id', email: 'old@example.com', displayName: 'Ravi', timezone: 'Asia/Kolkata', createdAt: '2025-01-01T00:00:00.000Z' },
      companion: { name: 'Juniper', personaId: 'calm-coach', voiceId: 'soft-calm', avatarId: 'night-owl' },
    };
    const report = await importInto(user.token, JSON.stringify(versionOne));
    expect(report).toMatchObject({ formatVersion: 1, imported: { user: 1, companion: 1 } });
    const document = exportDocumentSchema.parse(JSON.parse(await exportText(user.token)));
    expect(document.user).toMatchObject({ displayName: 'Ravi', timezone: 'Asia/Kolkata', email: user.user.email });
    expect(document.companion).toEqual(versionOne.companion);
  });

  it('brings back a format 1 export’s conversations, memories and files: a file’s one version is `imported-1`, by the person', async () => {
    const user = await buildUser();
    const message = {
      id: 'msg_v1_0001',
      conversationId: 'conv_v1_0001',
      role: 'user' as const,
      text: 'My brother Arjun is getting married in Pune.',
      status: 'complete' as const,
      errorId: null,
      tools: [],
      memoryIds: [],
      createdAt: '2025-06-01T08:00:00.000Z',
    };
    const reply = {
      ...message,
      id: 'msg_v1_0002',
      role: 'assistant' as const,
      text: 'Congratulations to Arjun!',
      memoryIds: ['mem_v1_0001'],
      createdAt: '2025-06-01T08:00:05.000Z',
    };
    const memory = {
      id: 'mem_v1_0001',
      text: 'Ravi’s brother Arjun is getting married in Pune.',
      kind: 'person' as const,
      importance: 0.8,
      eventDate: null,
      sourceMessageIds: ['msg_v1_0001'],
      createdAt: '2025-06-01T08:01:00.000Z',
      lastUsedAt: '2025-06-02T10:00:00.000Z',
      validTo: null,
      supersededBy: null,
    };
    const versionOne = {
      user: { displayName: 'Ravi', timezone: 'Asia/Kolkata' },
      conversations: [{ id: 'conv_v1_0001', title: 'Wedding', createdAt: message.createdAt, updatedAt: reply.createdAt, messages: [message, reply] }],
      memories: [memory],
      files: [{ path: 'notes/wedding.md', content: '# Wedding\n\nSarees for the sangeet.', updatedAt: '2025-06-03T12:00:00.000Z', versions: 3 }],
    };
    const report = await importInto(user.token, JSON.stringify(versionOne));
    expect(report).toMatchObject({ formatVersion: 1, imported: { conversations: 1, memories: 1, files: 1 } });
    const document = exportDocumentSchema.parse(JSON.parse(await exportText(user.token)));
    expect(document.conversations).toEqual([
      { ...versionOne.conversations[0], summary: null, messages: [message, reply].map((entry) => ({ ...entry, speaker: null, externalId: null })) },
    ]);
    // Format 1 had no `validFrom`: a memory held from when it was made.
    expect(document.memories).toEqual([{ ...memory, validFrom: memory.createdAt }]);
    expect(document.files).toEqual([
      {
        path: 'notes/wedding.md',
        currentVersionId: 'imported-1',
        updatedAt: '2025-06-03T12:00:00.000Z',
        versions: [
          {
            versionId: 'imported-1',
            content: '# Wedding\n\nSarees for the sangeet.',
            size: 34,
            author: 'user',
            createdAt: '2025-06-03T12:00:00.000Z',
            current: true,
          },
        ],
      },
    ]);
    // The version is stored as any other: read, and written over with it as the expected version.
    const written = await api('/api/v1/files/notes/wedding.md', {
      method: 'PUT',
      token: user.token,
      body: { content: 'Updated.', expectedVersionId: 'imported-1' },
    });
    expect(written.status).toBe(200);
  });

  it('refuses an account that already holds data of its own, and changes nothing in it', async () => {
    const user = await buildUser({ displayName: 'Kept' });
    await buildMemory(user, { text: 'I keep bees.', kind: 'fact' });
    const document = { formatVersion: exportFormatVersion, user: { displayName: 'Someone else', timezone: 'UTC' } };
    await expectError(await api('/api/v1/me/import', { token: user.token, body: document }), 'account_not_empty');
    const me = await readJson(await api('/api/v1/me', { token: user.token }), userSchema);
    expect(me.displayName).toBe('Kept');
  });

  it('goes into a new account whose app already asked for notifications and whose WhatsApp is linked: those are the account’s, and stay', async () => {
    const user = await buildUser();
    const links = populators.filter((populator) => populator.sections.some((section) => section === 'pushSubscriptions' || section === 'whatsapp'));
    expect(links).toHaveLength(2);
    for (const populator of links) await populator.populate(user);
    const document = {
      formatVersion: exportFormatVersion,
      user: { displayName: 'Moved in', timezone: 'UTC' },
      whatsapp: { status: 'linked', phoneNumber: '+15550000000' },
    };
    const report = await importInto(user.token, JSON.stringify(document));
    // This account's own number is linked already: nothing to link again.
    expect(report.notImported).toEqual([]);
    const after = exportDocumentSchema.parse(JSON.parse(await exportText(user.token)));
    expect(after.pushSubscriptions).toHaveLength(1);
    expect(after.whatsapp.status).toBe('linked');
    expect(after.whatsapp.phoneNumber).not.toBe('+15550000000');
  });

  it('answers a clear error for what is not an export, and stores nothing', async () => {
    const user = await buildUser({ displayName: 'Unchanged' });
    await expectError(await api('/api/v1/me/import', { token: user.token, body: '{"formatVersion": 2, "user": ' }), 'invalid_json');
    const wrongShape = await expectError(
      await api('/api/v1/me/import', { token: user.token, body: { formatVersion: exportFormatVersion, user: { displayName: 'X', timezone: 'Mars/Olympus' } } }),
      'validation_failed',
    );
    expect(wrongShape.error.message).toContain('user.timezone');
    await expectError(await api('/api/v1/me/import', { token: user.token, body: { formatVersion: 99, user: {} } }), 'validation_failed');
    await expectError(
      await api('/api/v1/me/import', { token: user.token, body: 'formatVersion=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      'unsupported_media_type',
    );
    const me = await readJson(await api('/api/v1/me', { token: user.token }), userSchema);
    expect(me.displayName).toBe('Unchanged');
  });

  it('refuses a document that names one item twice with validation_failed, and stores none of it', async () => {
    const user = await buildUser({ displayName: 'Before' });
    const mood = { id: 'mood-1', score: 4, note: 'A walk by the river.', at: '2026-11-20T18:00:00.000Z', localDate: '2026-11-20', source: 'app' };
    const document = { formatVersion: exportFormatVersion, user: { displayName: 'After', timezone: 'UTC' }, moods: [mood, mood] };
    const refused = await expectError(await api('/api/v1/me/import', { token: user.token, body: document }), 'validation_failed');
    expect(refused.error.message).toContain('twice');
    expect((await readJson(await api('/api/v1/me', { token: user.token }), userSchema)).displayName).toBe('Before');
    // Nothing of it landed, so the account is still empty and the document, put right, imports.
    await importInto(user.token, JSON.stringify({ ...document, moods: [mood] }));
    expect((await readJson(await api('/api/v1/me', { token: user.token }), userSchema)).displayName).toBe('After');
  });

  it('refuses a document over the limit with payload_too_large', async () => {
    const user = await buildUser();
    const oversized = JSON.stringify({ formatVersion: exportFormatVersion, user: { displayName: 'x'.repeat(maxImportBytes), timezone: 'UTC' } });
    await expectError(await api('/api/v1/me/import', { token: user.token, body: oversized }), 'payload_too_large');
  });

  it('needs a session', async () => {
    await expectError(await api('/api/v1/me/import', { body: { formatVersion: exportFormatVersion } }), 'unauthenticated');
  });
});
