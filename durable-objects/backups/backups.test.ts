import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { type Backup, backupsAnswerSchema, restoreAnswerSchema, type TakenBackup, takenBackupSchema } from '../../common/backups.ts';
import {
  type Companion,
  companionSchema,
  conversationAnswerSchema,
  exportFormatVersion,
  fileEntrySchema,
  memoriesAnswerSchema,
  memorySchema,
  userSchema,
} from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../../test-support/api.ts';
import { differences } from '../../test-support/round-trip/compare-exports.ts';
import { exportOf } from '../../test-support/round-trip/move-account.ts';
import { populators } from '../../test-support/round-trip/populate.ts';
import { settledDeliveries } from '../../test-support/round-trip/settled.ts';
import { runScheduledWork } from '../../test-support/scheduled-work.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { configuredMasterKeys, UserVault } from '../host/user-vault.ts';
import { sealBackup } from './backup-format.ts';
import { BackupStore, newBackupId } from './backup-store.ts';

const testEnv = env as unknown as { COMPANION: DurableObjectNamespace<CompanionAgent>; BACKUPS: R2Bucket };

async function backupsOf(token: string): Promise<Backup[]> {
  return (await readJson(await api('/api/v1/me/backups', { token }), backupsAnswerSchema)).backups;
}

async function backUpNow(token: string): Promise<TakenBackup> {
  return readJson(await api('/api/v1/me/backups', { token, method: 'POST' }), takenBackupSchema, 201);
}

async function storedKeys(userId: string): Promise<string[]> {
  return (await testEnv.BACKUPS.list({ prefix: `users/${userId}/` })).objects.map((object) => object.key);
}

async function setDisplayName(token: string, displayName: string): Promise<void> {
  await readJson(await api('/api/v1/me', { token, method: 'PATCH', body: { displayName } }), userSchema);
}

async function companionOf(token: string): Promise<Companion> {
  return readJson(await api('/api/v1/companion', { token }), companionSchema);
}

async function setCompanion(token: string, name: string): Promise<void> {
  const current = await companionOf(token);
  await readJson(await api('/api/v1/companion', { token, method: 'PUT', body: { ...current, name } }), companionSchema);
}

async function remember(token: string, text: string): Promise<void> {
  await readJson(await api('/api/v1/memories', { token, body: { text } }), memorySchema, 201);
}

async function memoryTexts(token: string): Promise<string[]> {
  return (await readJson(await api('/api/v1/memories', { token }), memoriesAnswerSchema)).memories.map((memory) => memory.text).sort();
}

async function displayNameOf(token: string): Promise<string | null> {
  return (await readJson(await api('/api/v1/me', { token }), userSchema)).displayName;
}

/**
 * Stores `document` as a backup of the user, sealed with their own key exactly as the capability
 * seals one: for documents the API cannot make (one that fails to import).
 */
async function plantBackup(userId: string, document: object): Promise<string> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    const vault = new UserVault(state.storage.sql, userId, configuredMasterKeys(env as never));
    const id = newBackupId(Date.now());
    const plaintext = new Response(JSON.stringify(document)).body as ReadableStream<Uint8Array>;
    const cipher = { seal: vault.sealBytes.bind(vault), open: vault.openBytes.bind(vault) };
    await new BackupStore(testEnv.BACKUPS, userId).write(id, sealBackup(plaintext, id, cipher), 'planted');
    return id;
  });
}

/** Rewrites a stored backup's bytes, keeping its metadata: what someone with access to the bucket could do. */
async function rewriteStored(userId: string, backupId: string, change: (bytes: Uint8Array) => Uint8Array): Promise<void> {
  const key = `users/${userId}/backups/${backupId}`;
  const object = await testEnv.BACKUPS.get(key);
  if (!object) throw new Error('no such backup');
  const bytes = new Uint8Array(await object.arrayBuffer());
  await testEnv.BACKUPS.put(key, change(bytes), { customMetadata: object.customMetadata });
}

describe('backups', () => {
  it("the scheduled job writes a snapshot sealed with the person's key: no word of theirs in the clear, in the key, the bytes or the metadata", async () => {
    const secret = uniqueText('Quetzal');
    const { token, user } = await buildUser({ displayName: `Ana ${secret}` });
    await setCompanion(token, `Pip ${secret}`);
    await remember(token, `My sister ${secret} lives in Lisbon`);
    expect(await backupsOf(token)).toEqual([]);

    expect(await runScheduledWork(user.id, { backups: true })).toBe(true);

    const [backup] = await backupsOf(token);
    expect(backup).toBeDefined();
    const keys = await storedKeys(user.id);
    expect(keys).toEqual([`users/${user.id}/backups/${backup?.id}`]);
    expect(backup?.id).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{16}$/);
    const object = await testEnv.BACKUPS.get(keys[0] as string);
    expect(object?.size).toBe(backup?.size);
    expect(Object.keys(object?.customMetadata ?? {}).sort()).toEqual(['digest', 'format']);
    expect(object?.customMetadata?.digest).toMatch(/^[0-9a-f]{64}$/);
    const stored = new TextDecoder('latin1').decode(await object?.arrayBuffer());
    // Words of five letters or more: a shorter one could turn up in that many random bytes by chance.
    for (const word of [secret, 'Quetzal', 'Lisbon', 'sister', 'displayName', 'companion', user.email]) expect(stored).not.toContain(word);
  });

  it('stores nothing new when nothing changed since the newest snapshot, and a new one once something did', async () => {
    const { token, user } = await buildUser({ displayName: 'Bea' });
    await runScheduledWork(user.id, { backups: true });
    const [first] = await backupsOf(token);
    // The job armed the next interval's backup itself: it runs, finds the same content, and stores nothing.
    expect(await runScheduledWork(user.id, { backups: true })).toBe(true);
    expect(await backupsOf(token)).toEqual([first]);
    expect(await backUpNow(token)).toEqual({ ...first, stored: false });
    expect(await storedKeys(user.id)).toHaveLength(1);

    await setDisplayName(token, 'Beatriz');
    expect(await runScheduledWork(user.id, { backups: true })).toBe(true);
    const backups = await backupsOf(token);
    expect(backups).toHaveLength(2);
    expect(backups[1]).toEqual(first);
  });

  it('keeps the newest BACKUP_KEEP (7) snapshots and deletes the older ones', async () => {
    const { token, user } = await buildUser();
    const taken: TakenBackup[] = [];
    for (let round = 1; round <= 9; round += 1) {
      await setDisplayName(token, `Name ${round}`);
      taken.push(await backUpNow(token));
    }
    expect(taken.every((backup) => backup.stored)).toBe(true);
    const kept = await backupsOf(token);
    expect(kept.map((backup) => backup.id)).toEqual(
      taken
        .slice(2)
        .map((backup) => backup.id)
        .reverse(),
    );
    expect(await storedKeys(user.id)).toHaveLength(7);
  });

  it('restores the profile and companion of a snapshot, after a snapshot of how things were that undoes it', async () => {
    const { token, user } = await buildUser({ displayName: 'Before' });
    await setCompanion(token, 'Robin');
    const snapshot = await backUpNow(token);
    await setDisplayName(token, 'After');
    await setCompanion(token, 'Wren');

    const restored = await readJson(await api(`/api/v1/me/backups/${snapshot.id}/restore`, { token, method: 'POST' }), restoreAnswerSchema);
    expect(restored.report.formatVersion).toBe(exportFormatVersion);
    expect(restored.report.imported).toMatchObject({ companion: 1 });
    expect(await displayNameOf(token)).toBe('Before');
    expect((await companionOf(token)).name).toBe('Robin');
    // Still the same account: the sign-in works, and the snapshots are all there.
    expect((await readJson(await api('/api/v1/me', { token }), userSchema)).id).toBe(user.id);
    expect((await backupsOf(token)).map((backup) => backup.id)).toEqual([restored.undoBackupId, snapshot.id]);

    // The restore undone: the snapshot taken just before it brings "After" and "Wren" back.
    await readJson(await api(`/api/v1/me/backups/${restored.undoBackupId}/restore`, { token, method: 'POST' }), restoreAnswerSchema);
    expect(await displayNameOf(token)).toBe('After');
    expect((await companionOf(token)).name).toBe('Wren');
  });

  it('restores the memories of a snapshot, and none made after it', async () => {
    const { token } = await buildUser();
    await remember(token, 'Likes green tea');
    const snapshot = await backUpNow(token);
    await remember(token, 'Moved to Porto');
    await readJson(await api(`/api/v1/me/backups/${snapshot.id}/restore`, { token, method: 'POST' }), restoreAnswerSchema);
    expect(await memoryTexts(token)).toEqual(['Likes green tea']);
  });

  it('restores a whole life as it was at the snapshot: the export after the restore is the snapshot’s, field by field, and the session goes on', async () => {
    const user = await buildUser({ displayName: 'Marta', timezone: 'Europe/Lisbon' });
    for (const populator of populators) await populator.populate(user);
    await settledDeliveries(user.token);
    const atSnapshot = await exportOf(user.token);
    const snapshot = await backUpNow(user.token);

    // Life goes on after the snapshot: a memory, a file, a conversation.
    await remember(user.token, 'Moved to Porto');
    await readJson(await api('/api/v1/files/notes/porto.md', { method: 'PUT', token: user.token, body: { content: 'New flat.' } }), fileEntrySchema);
    await readJson(await api('/api/v1/conversations', { method: 'POST', token: user.token }), conversationAnswerSchema, 201);

    const restored = await readJson(await api(`/api/v1/me/backups/${snapshot.id}/restore`, { token: user.token, method: 'POST' }), restoreAnswerSchema);
    expect(restored.undoBackupId).toBeTruthy();
    const afterRestore = await exportOf(user.token);
    // The same account: only the export's own time differs, and what an import cannot keep (the same list the import round trip allows).
    const ignore = ['exportedAt', ...populators.flatMap((populator) => Object.keys(populator.differsAfterImport ?? {}))];
    expect(differences(atSnapshot, afterRestore, { ignore })).toEqual([]);
    // Unlike an import into another account, a restore keeps the account's links: its devices and WhatsApp number.
    expect(afterRestore.pushSubscriptions).toEqual(atSnapshot.pushSubscriptions);
    expect(afterRestore.whatsapp).toEqual(atSnapshot.whatsapp);
    expect(atSnapshot.whatsapp).toMatchObject({ status: 'linked' });
  });

  for (const [damage, change] of [
    ['a changed byte', (bytes: Uint8Array) => bytes.map((byte, index) => (index === Math.floor(bytes.byteLength / 2) ? byte ^ 0x40 : byte))],
    ['cut short', (bytes: Uint8Array) => bytes.slice(0, bytes.byteLength - 20)],
  ] as const) {
    it(`refuses a snapshot with ${damage} and changes nothing`, async () => {
      const { token } = await buildUser({ displayName: 'Kept' });
      const snapshot = await backUpNow(token);
      await setDisplayName(token, 'Current');
      await rewriteStored((await readJson(await api('/api/v1/me', { token }), userSchema)).id, snapshot.id, change);

      await expectError(await api(`/api/v1/me/backups/${snapshot.id}/restore`, { token, method: 'POST' }), 'backup_unreadable');
      expect(await displayNameOf(token)).toBe('Current');
      // Not even the undo snapshot was taken: nothing happened.
      expect((await backupsOf(token)).map((backup) => backup.id)).toEqual([snapshot.id]);
    });
  }

  it("answers backup_not_found for another person's snapshot and for an id that names none", async () => {
    const alice = await buildUser({ displayName: 'Alice' });
    const bob = await buildUser({ displayName: 'Bob' });
    const alicesSnapshot = await backUpNow(alice.token);
    await expectError(await api(`/api/v1/me/backups/${alicesSnapshot.id}/restore`, { token: bob.token, method: 'POST' }), 'backup_not_found');
    await expectError(await api('/api/v1/me/backups/not-a-backup/restore', { token: bob.token, method: 'POST' }), 'backup_not_found');
    await expectError(await api('/api/v1/me/backups/..%2F..%2Fx/restore', { token: bob.token, method: 'POST' }), 'backup_not_found');
    expect(await displayNameOf(bob.token)).toBe('Bob');
    expect(await backupsOf(bob.token)).toEqual([]);
  });

  it('puts the account back as it was when the snapshot cannot be imported, and answers why', async () => {
    const { token, user } = await buildUser({ displayName: 'Steady' });
    await setCompanion(token, 'Juniper');
    const broken = await plantBackup(user.id, {
      formatVersion: exportFormatVersion,
      user: { id: user.id, displayName: 'Broken', timezone: 'UTC' },
      companion: { name: 'Ghost', personaId: 'no-such-persona', voiceId: 'no-such-voice', avatarId: 'no-such-avatar' },
    });
    await expectError(await api(`/api/v1/me/backups/${broken}/restore`, { token, method: 'POST' }), 'unknown_persona');
    expect(await displayNameOf(token)).toBe('Steady');
    expect((await companionOf(token)).name).toBe('Juniper');
  });

  it('takes no snapshot and starts no second restore while a restore runs (import_in_progress)', async () => {
    const { token, user } = await buildUser({ displayName: 'Once' });
    const snapshot = await backUpNow(token);
    await setDisplayName(token, 'Twice');
    const [during, second, restored] = await runInDurableObject(testEnv.COMPANION.getByName(user.id), async (instance) => {
      // The restore claims the account before its first wait, so the calls made next find it taken.
      const restoring = instance.invoke('backups', 'restore', [snapshot.id]);
      const taking = await instance.invoke('backups', 'take', []);
      const restoringAgain = await instance.invoke('backups', 'restore', [snapshot.id]);
      return [taking, restoringAgain, await restoring];
    });
    expect(during).toMatchObject({ success: false, error: { id: 'import_in_progress' } });
    expect(second).toMatchObject({ success: false, error: { id: 'import_in_progress' } });
    expect(restored).toMatchObject({ success: true });
    expect(await displayNameOf(token)).toBe('Once');
  });

  it("deleting the account deletes the person's snapshots", async () => {
    const { token, user } = await buildUser();
    await backUpNow(token);
    await runScheduledWork(user.id, { backups: true });
    expect(await storedKeys(user.id)).not.toEqual([]);
    expect((await api('/api/v1/me', { token, method: 'DELETE' })).status).toBe(204);
    expect(await storedKeys(user.id)).toEqual([]);
  });

  it('answers only with a session', async () => {
    await expectError(await api('/api/v1/me/backups'), 'unauthenticated');
    await expectError(await api('/api/v1/me/backups', { method: 'POST' }), 'unauthenticated');
  });
});
