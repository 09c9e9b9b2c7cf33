import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { importReportSchema } from '../../common/import.ts';
import { exportDocumentSchema, exportFormatVersion } from '../../common/protocol.ts';
import { api, buildUser, expectError } from '../../test-support/api.ts';
import type { CompanionAgent } from '../companion-agent.ts';
import { UserVault } from '../host/user-vault.ts';
import { seedDefaultFiles } from './default-files.ts';
import { type FileChange, FileStore, type FileStoreLimits } from './file-store.ts';
import { wrapFilesBucketForTests } from './files-bucket.ts';
import { createPathHasher } from './path-hash.ts';

const testEnv = env as unknown as { FILES: R2Bucket; COMPANION: DurableObjectNamespace<CompanionAgent>; MASTER_KEY: string };

interface UserFiles {
  store: FileStore;
  userId: string;
  sql: SqlStorage;
  hashPath: (path: string) => Promise<string>;
  changes: FileChange[];
}

interface StoreSettings {
  limits?: Partial<FileStoreLimits>;
  onChange?: (change: FileChange) => Promise<void>;
}

const newUserId = () => `user_${crypto.randomUUID().replaceAll('-', '')}`;

/**
 * Runs `action` inside the user's own companion object, with a FileStore wired as the object will
 * wire it: the real UserVault over the object's SQLite, and path hashes under the user's blind-index key.
 */
function asUser<Result>(userId: string, action: (files: UserFiles) => Promise<Result>, settings: StoreSettings = {}): Promise<Result> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), async (_instance, state) => {
    const sql = state.storage.sql;
    const vault = new UserVault(sql, userId, () => ({ current: testEnv.MASTER_KEY }));
    const hashPath = createPathHasher(async () => (await vault.keys()).blindIndex);
    const changes: FileChange[] = [];
    const store = new FileStore({
      bucket: testEnv.FILES,
      userId,
      vault,
      sql,
      hashPath,
      limits: settings.limits,
      onChange:
        settings.onChange ??
        (async (change) => {
          changes.push(change);
        }),
    });
    return action({ store, userId, sql, hashPath, changes });
  });
}

async function r2Keys(prefix: string): Promise<string[]> {
  const listed = await testEnv.FILES.list({ prefix });
  return listed.objects.map((object) => object.key);
}

/** Every R2 key under the user's prefix with its body and metadata, and every row of the object's tables, as one string. */
async function dumpEverything(userId: string, sql: SqlStorage): Promise<string> {
  const parts: string[] = [];
  for (const key of await r2Keys(`users/${userId}/`)) {
    const object = await testEnv.FILES.get(key);
    parts.push(key, JSON.stringify(object?.customMetadata ?? {}), (await object?.text()) ?? '');
  }
  const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'").toArray();
  for (const { name } of tables) parts.push(JSON.stringify(sql.exec(`SELECT * FROM "${name}"`).toArray()));
  return parts.join('\n');
}

describe('FileStore', () => {
  it('writes, reads and lists a file', async () => {
    await asUser(newUserId(), async ({ store, changes, hashPath }) => {
      const written = await store.write('notes/books.md', '# Books\n\n- Middlemarch\n');
      expect(written).toMatchObject({ path: 'notes/books.md', size: 23, versionCount: 1 });
      expect(written.versionId).toMatch(/^ver_/);

      const read = await store.read('notes/books.md');
      expect(read).toEqual({
        path: 'notes/books.md',
        content: '# Books\n\n- Middlemarch\n',
        versionId: written.versionId,
        size: 23,
        updatedAt: written.updatedAt,
      });
      expect(await store.list()).toEqual([written]);
      expect(await store.read('notes/missing.md')).toBeNull();
      const pathHash = await hashPath('notes/books.md');
      expect(changes).toEqual([{ type: 'written', path: 'notes/books.md', pathHash, content: '# Books\n\n- Middlemarch\n', versionId: written.versionId }]);
      expect(await store.pathForHash(pathHash)).toBe('notes/books.md');
      expect(await store.pathForHash('unknown')).toBeNull();
    });
  });

  it('measures size in UTF-8 bytes and keeps any text intact', async () => {
    await asUser(newUserId(), async ({ store }) => {
      const content = 'Día feliz — 今日は 🌞\n';
      const written = await store.write('journal/día.md', content);
      expect(written.size).toBe(new TextEncoder().encode(content).byteLength);
      expect((await store.read('journal/día.md'))?.content).toBe(content);
      await store.write('notes/empty.txt', '');
      expect((await store.read('notes/empty.txt'))?.content).toBe('');
    });
  });

  it('lists by prefix, sorted by path', async () => {
    await asUser(newUserId(), async ({ store }) => {
      for (const path of ['notes/b.md', 'journal/2026-11-24.md', 'notes/a.md', 'profile.md']) await store.write(path, path);
      expect((await store.list()).map((file) => file.path)).toEqual(['journal/2026-11-24.md', 'notes/a.md', 'notes/b.md', 'profile.md']);
      expect((await store.list('notes/')).map((file) => file.path)).toEqual(['notes/a.md', 'notes/b.md']);
      expect(await store.list('nothing/')).toEqual([]);
    });
  });

  it('keeps the previous version on overwrite, readable and restorable', async () => {
    await asUser(newUserId(), async ({ store }) => {
      const first = await store.write('profile.md', 'I live in Lisbon.');
      const second = await store.write('profile.md', 'I live in Porto.', { author: 'companion' });
      expect(second.versionId).not.toBe(first.versionId);
      expect(second.versionCount).toBe(2);
      expect((await store.read('profile.md'))?.content).toBe('I live in Porto.');

      const versions = await store.versions('profile.md');
      expect(versions?.map((version) => [version.versionId, version.author, version.current])).toEqual([
        [second.versionId, 'companion', true],
        [first.versionId, 'user', false],
      ]);
      expect(await store.readVersion('profile.md', first.versionId)).toMatchObject({ content: 'I live in Lisbon.', author: 'user', size: 17 });
      expect(await store.readVersion('profile.md', 'ver_unknown')).toBeNull();
      expect(await store.readVersion('profile.md', '../../other')).toBeNull();
      expect(await store.versions('missing.md')).toBeNull();

      const restored = await store.restore('profile.md', first.versionId);
      expect(restored.versionCount).toBe(3);
      expect((await store.read('profile.md'))?.content).toBe('I live in Lisbon.');
      expect((await store.readVersion('profile.md', second.versionId))?.content).toBe('I live in Porto.');
      await expect(store.restore('profile.md', 'ver_unknown')).rejects.toMatchObject({ status: 404, id: 'not_found' });
    });
  });

  it('refuses a write based on a stale version', async () => {
    await asUser(newUserId(), async ({ store }) => {
      const created = await store.write('notes/plan.md', 'one', { expectedVersionId: null });
      await expect(store.write('notes/plan.md', 'again', { expectedVersionId: null })).rejects.toMatchObject({ status: 409, id: 'version_conflict' });
      const updated = await store.write('notes/plan.md', 'two', { expectedVersionId: created.versionId });
      await expect(store.write('notes/plan.md', 'lost', { expectedVersionId: created.versionId })).rejects.toMatchObject({
        status: 409,
        id: 'version_conflict',
        message: expect.stringContaining(updated.versionId),
      });
      await expect(store.write('notes/other.md', 'x', { expectedVersionId: created.versionId })).rejects.toMatchObject({ id: 'version_conflict' });
      expect((await store.read('notes/plan.md'))?.content).toBe('two');
      expect(await store.versions('notes/plan.md')).toHaveLength(2);
    });
  });

  it('deletes a file with all its versions', async () => {
    await asUser(newUserId(), async ({ store, userId, hashPath, changes }) => {
      await store.write('notes/old.md', 'first');
      await store.write('notes/old.md', 'second');
      await store.write('notes/keep.md', 'kept');
      const prefix = `users/${userId}/files/${await hashPath('notes/old.md')}/`;
      expect(await r2Keys(prefix)).toHaveLength(2);

      await store.delete('notes/old.md');
      expect(await store.read('notes/old.md')).toBeNull();
      expect(await store.versions('notes/old.md')).toBeNull();
      expect(await r2Keys(prefix)).toEqual([]);
      expect((await store.list()).map((file) => file.path)).toEqual(['notes/keep.md']);
      expect(changes.at(-1)).toEqual({ type: 'deleted', path: 'notes/old.md', pathHash: await hashPath('notes/old.md') });
      await expect(store.delete('notes/old.md')).rejects.toMatchObject({ status: 404, id: 'not_found' });

      // The same path can be used again, starting a fresh history.
      await store.write('notes/old.md', 'reborn');
      expect(await store.versions('notes/old.md')).toHaveLength(1);
    });
  });

  it('refuses path traversal and malformed paths before touching storage', async () => {
    await asUser(newUserId(), async ({ store, userId }) => {
      for (const path of ['../x.md', 'notes/../../x.md', '%2e%2e/x.md', 'a//b.md', '/profile.md', 'notes\\x.md', 'x\u0000.md', 'photo.png']) {
        await expect(store.write(path, 'x'), path).rejects.toMatchObject({ status: 400, id: 'invalid_path' });
        await expect(store.read(path), path).rejects.toMatchObject({ status: 400, id: 'invalid_path' });
        await expect(store.delete(path), path).rejects.toMatchObject({ status: 400, id: 'invalid_path' });
      }
      await expect(store.readVersion('../x.md', 'ver_x')).rejects.toMatchObject({ id: 'invalid_path' });
      expect(await r2Keys(`users/${userId}/`)).toEqual([]);
    });
  });

  it('refuses a file over the size limit, counting bytes', async () => {
    await asUser(newUserId(), async ({ store, userId }) => {
      const limit = 256 * 1024;
      await expect(store.write('notes/big.md', 'a'.repeat(limit + 1))).rejects.toMatchObject({
        status: 413,
        id: 'file_too_large',
        message: expect.stringContaining(String(limit)),
      });
      // 'é' is two bytes: half the limit in characters is already the whole limit in bytes.
      await expect(store.write('notes/big.md', `${'é'.repeat(limit / 2)}x`)).rejects.toMatchObject({ id: 'file_too_large' });
      expect(await r2Keys(`users/${userId}/`)).toEqual([]);
      expect((await store.write('notes/big.md', 'a'.repeat(limit))).size).toBe(limit);
    });
  });

  it('refuses new files beyond the file limit, but still updates existing ones', async () => {
    await asUser(
      newUserId(),
      async ({ store }) => {
        await store.write('a.md', '1');
        await store.write('b.md', '1');
        await expect(store.write('c.md', '1')).rejects.toMatchObject({ status: 409, id: 'too_many_files' });
        await store.write('a.md', '2');
      },
      { limits: { maxFiles: 2 } },
    );
  });

  it('prunes the oldest versions beyond the version limit, in R2 too', async () => {
    await asUser(
      newUserId(),
      async ({ store, userId, hashPath }) => {
        const written = [];
        for (let index = 0; index < 5; index++) written.push(await store.write('notes/draft.md', `draft ${index}`));
        const versions = await store.versions('notes/draft.md');
        expect(versions?.map((version) => version.versionId)).toEqual(
          written
            .slice(2)
            .map((file) => file.versionId)
            .reverse(),
        );
        expect(await r2Keys(`users/${userId}/files/${await hashPath('notes/draft.md')}/`)).toHaveLength(3);
        expect(await store.readVersion('notes/draft.md', written[0]?.versionId ?? '')).toBeNull();
      },
      { limits: { maxVersionsPerFile: 3 } },
    );
  });

  it('keeps every concurrent write as a version and applies racing changes in order', async () => {
    await asUser(newUserId(), async ({ store, userId, hashPath }) => {
      const [first, second] = await Promise.all([store.write('notes/race.md', 'from the phone'), store.write('notes/race.md', 'from the laptop')]);
      expect(await store.versions('notes/race.md')).toHaveLength(2);
      expect((await store.readVersion('notes/race.md', first.versionId))?.content).toBe('from the phone');
      expect((await store.read('notes/race.md'))?.versionId).toBe(second.versionId);

      const outcomes = await Promise.allSettled([store.write('notes/race.md', 'third'), store.delete('notes/race.md'), store.write('notes/race.md', 'fourth')]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      // Changes to one path apply in the order they were asked for, and the catalogue and R2 agree.
      const versions = (await store.versions('notes/race.md')) ?? [];
      expect(versions).toHaveLength(1);
      const keys = await r2Keys(`users/${userId}/files/${await hashPath('notes/race.md')}/`);
      expect(keys.map((key) => key.split('/').at(-1)).sort()).toEqual(versions.map((version) => version.versionId).sort());
      expect((await store.read('notes/race.md'))?.content).toBe('fourth');
    });
  });

  it("stores neither a file's content nor its path in the clear, in R2 or in the object's SQLite", async () => {
    await asUser(newUserId(), async ({ store, userId, sql }) => {
      const secret = `Quixotic${crypto.randomUUID().slice(0, 8)}`;
      const path = `journal/${secret}-diagnosis.md`;
      await store.write(path, `# ${secret}\n\nThe diagnosis came today.`);
      await store.write(path, `# ${secret}\n\nI told my sister about the diagnosis.`);

      const keys = await r2Keys(`users/${userId}/`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatch(new RegExp(`^users/${userId}/files/[A-Za-z0-9_-]{43}/ver_[A-Za-z0-9_-]+$`));
        const object = await testEnv.FILES.get(key);
        expect(object?.customMetadata).toEqual({});
        expect(await object?.text()).toMatch(/^v1\./);
      }
      const dump = await dumpEverything(userId, sql);
      expect(dump).not.toContain(secret);
      expect(dump.toLowerCase()).not.toContain('diagnosis');
      expect(dump).not.toContain('journal');
      expect(dump).not.toContain('sister');
      // And the owner reads it all back.
      expect((await store.list()).map((file) => file.path)).toEqual([path]);
      expect((await store.read(path))?.content).toContain('sister');
    });
  });

  it('keeps two users with the same path apart', async () => {
    const alice = newUserId();
    const bob = newUserId();
    const aliceHash = await asUser(alice, async ({ store, hashPath }) => {
      await store.write('profile.md', 'Alice likes tea.');
      return hashPath('profile.md');
    });
    const bobHash = await asUser(bob, async ({ store, hashPath }) => {
      expect(await store.read('profile.md')).toBeNull();
      expect(await store.list()).toEqual([]);
      await store.write('profile.md', 'Bob likes coffee.');
      return hashPath('profile.md');
    });
    // Each user's path hash is keyed by their own key, so the same path does not even hash alike.
    expect(aliceHash).not.toBe(bobHash);
    await asUser(alice, async ({ store }) => {
      expect((await store.read('profile.md'))?.content).toBe('Alice likes tea.');
    });
    await asUser(bob, async ({ store }) => {
      expect((await store.read('profile.md'))?.content).toBe('Bob likes coffee.');
    });
    expect(await r2Keys(`users/${alice}/files/${aliceHash}/`)).toHaveLength(1);
    expect(await r2Keys(`users/${bob}/files/${bobHash}/`)).toHaveLength(1);

    // Even a ciphertext copied into Bob's keys cannot be opened with Bob's key.
    const [aliceKey] = await r2Keys(`users/${alice}/files/`);
    const aliceCiphertext = (await (await testEnv.FILES.get(aliceKey ?? ''))?.text()) ?? '';
    await asUser(bob, async ({ store, userId }) => {
      const bobVersionId = (await store.read('profile.md'))?.versionId ?? '';
      await testEnv.FILES.put(`users/${userId}/files/${bobHash}/${bobVersionId}`, aliceCiphertext);
      await expect(store.read('profile.md')).rejects.toThrow();
    });
  });

  it('deletes everything of one user, orphans included, and nothing of anyone else', async () => {
    const other = newUserId();
    await asUser(other, async ({ store }) => {
      await store.write('profile.md', 'someone else');
    });
    await asUser(newUserId(), async ({ store, userId, sql }) => {
      await store.write('profile.md', 'one');
      await store.write('notes/a.md', 'two');
      await testEnv.FILES.put(`users/${userId}/files/orphan/ver_left_behind`, 'v1.x');
      await store.deleteAll();
      expect(await r2Keys(`users/${userId}/`)).toEqual([]);
      expect(await store.list()).toEqual([]);
      expect(sql.exec('SELECT COUNT(*) AS count FROM file_versions').one().count).toBe(0);
    });
    await asUser(other, async ({ store }) => {
      expect((await store.read('profile.md'))?.content).toBe('someone else');
    });
  });

  it('keeps a write when the change handler fails', async () => {
    await asUser(
      newUserId(),
      async ({ store }) => {
        await store.write('notes/a.md', 'saved anyway');
        expect((await store.read('notes/a.md'))?.content).toBe('saved anyway');
      },
      {
        onChange: async () => {
          throw new Error('index unavailable');
        },
      },
    );
  });

  it('exports every kept version of a file with its content, oldest first', async () => {
    await asUser(newUserId(), async ({ store }) => {
      await store.write('profile.md', 'v1');
      await store.write('profile.md', 'v2', { author: 'companion' });
      const exported = [];
      for await (const version of store.exportVersions('profile.md')) exported.push(version);
      expect(exported.map((version) => [version.path, version.content, version.author, version.current])).toEqual([
        ['profile.md', 'v1', 'user', false],
        ['profile.md', 'v2', 'companion', true],
      ]);
    });
  });
});

describe('seedDefaultFiles', () => {
  it('creates profile.md once and never overwrites it', async () => {
    await asUser(newUserId(), async ({ store }) => {
      expect(await seedDefaultFiles(store, { displayName: 'Mirela', timezone: 'Europe/Lisbon' })).toEqual(['profile.md']);
      const seeded = await store.read('profile.md');
      expect(seeded?.content).toContain('- Name: Mirela');
      expect(seeded?.content).toContain('- Time zone: Europe/Lisbon');
      expect((await store.versions('profile.md'))?.[0]?.author).toBe('companion');

      await store.write('profile.md', 'My own words.');
      expect(await seedDefaultFiles(store, { displayName: 'Mirela', timezone: 'Europe/Lisbon' })).toEqual([]);
      expect((await store.read('profile.md'))?.content).toBe('My own words.');
    });
  });
});

describe('importing files (POST /me/import)', () => {
  const version = (versionId: string, content: string, author: 'user' | 'companion', createdAt: string, current = false) => ({
    versionId,
    content,
    size: new TextEncoder().encode(content).byteLength,
    author,
    createdAt,
    current,
  });
  const garden = {
    path: 'notes/garden.md',
    currentVersionId: 'ver_garden_2',
    updatedAt: '2026-05-02T08:00:00.000Z',
    versions: [
      version('ver_garden_1', '# Garden\n\nTomatoes.', 'user', '2026-05-01T08:00:00.000Z'),
      version('ver_garden_2', '# Garden\n\nTomatoes and basil.', 'companion', '2026-05-02T08:00:00.000Z', true),
    ],
  };
  const documentWith = (files: unknown[], more: Record<string, unknown> = {}) => ({
    formatVersion: exportFormatVersion,
    user: { displayName: 'Mirela', timezone: 'Europe/Lisbon' },
    files,
    ...more,
  });
  const exportedFiles = async (token: string) => exportDocumentSchema.parse(await (await api('/api/v1/me/export', { token })).json()).files;

  afterEach(() => wrapFilesBucketForTests(undefined));

  it('replaces the profile.md a new account starts with, which is not yet the person’s own, and removes its objects', async () => {
    const user = await buildUser();
    await asUser(user.user.id, ({ store }) => seedDefaultFiles(store, { displayName: null, timezone: 'UTC' }));
    const [seededKey] = await r2Keys(`users/${user.user.id}/files/`);
    expect(seededKey).toBeDefined();
    const profile = {
      path: 'profile.md',
      currentVersionId: 'ver_profile_1',
      updatedAt: '2026-04-01T08:00:00.000Z',
      versions: [version('ver_profile_1', '# About me\n\nI grow tomatoes.', 'user', '2026-04-01T08:00:00.000Z', true)],
    };
    const report = importReportSchema.parse(await (await api('/api/v1/me/import', { token: user.token, body: documentWith([garden, profile]) })).json());
    expect(report.imported).toMatchObject({ files: 2 });
    expect(await exportedFiles(user.token)).toEqual([garden, profile]);
    const keys = await r2Keys(`users/${user.user.id}/files/`);
    expect(keys).toHaveLength(3);
    expect(keys).not.toContain(seededKey);
    // The imported version is the one a later write must name.
    expect(
      (await api('/api/v1/files/notes/garden.md', { method: 'PUT', token: user.token, body: { content: 'x', expectedVersionId: 'ver_garden_2' } })).status,
    ).toBe(200);
  });

  it('does not take an account whose profile.md the person has changed', async () => {
    const user = await buildUser();
    await asUser(user.user.id, ({ store }) => seedDefaultFiles(store, { displayName: null, timezone: 'UTC' }));
    await api('/api/v1/files/profile.md', { method: 'PUT', token: user.token, body: { content: 'Mine now.' } });
    await expectError(await api('/api/v1/me/import', { token: user.token, body: documentWith([garden]) }), 'account_not_empty');
  });

  it('leaves nothing behind when R2 fails half-way through the files, and the same import succeeds after', async () => {
    const user = await buildUser();
    let puts = 0;
    wrapFilesBucketForTests((bucket) => ({
      ...bucket,
      head: (key) => bucket.head(key),
      get: ((key: string) => bucket.get(key)) as R2Bucket['get'],
      list: (options) => bucket.list(options),
      delete: (keys) => bucket.delete(keys),
      createMultipartUpload: (...args) => bucket.createMultipartUpload(...args),
      resumeMultipartUpload: (...args) => bucket.resumeMultipartUpload(...args),
      put: ((key: string, ...rest: [never, never]) => {
        if (key.startsWith(`users/${user.user.id}/`) && ++puts === 2) return Promise.reject(new Error('R2 is unavailable (injected by a test)'));
        return bucket.put(key, ...rest);
      }) as R2Bucket['put'],
    }));
    const journal = {
      ...garden,
      path: 'journal/2026-05-03.md',
      currentVersionId: 'ver_journal_1',
      versions: [version('ver_journal_1', 'Rain.', 'user', '2026-05-03T08:00:00.000Z', true)],
    };
    await expectError(await api('/api/v1/me/import', { token: user.token, body: documentWith([garden, journal]) }), 'internal_error');
    expect(await r2Keys(`users/${user.user.id}/files/`)).toEqual([]);
    expect(await exportedFiles(user.token)).toEqual([]);
    wrapFilesBucketForTests(undefined);
    expect((await api('/api/v1/me/import', { token: user.token, body: documentWith([garden, journal]) })).status).toBe(200);
    expect(await exportedFiles(user.token)).toEqual([journal, garden]);
  });

  it('removes the objects it put when another part of the import fails', async () => {
    const user = await buildUser();
    const memory = {
      id: 'mem_twice',
      text: 'Grows tomatoes.',
      kind: 'fact',
      importance: 0.5,
      eventDate: null,
      sourceMessageIds: [],
      createdAt: '2026-05-01T08:00:00.000Z',
      lastUsedAt: null,
      validFrom: '2026-05-01T08:00:00.000Z',
      validTo: null,
      supersededBy: null,
    };
    const response = await api('/api/v1/me/import', { token: user.token, body: documentWith([garden], { memories: [memory, memory] }) });
    expect((await expectError(response, 'validation_failed')).error.message).toContain('mem_twice');
    expect(await r2Keys(`users/${user.user.id}/files/`)).toEqual([]);
    expect(await exportedFiles(user.token)).toEqual([]);
  });

  it('keeps the newest 50 versions of a file and says how many older ones were left out', async () => {
    const user = await buildUser();
    const versions = Array.from({ length: 52 }, (_, index) =>
      version(`ver_many_${index}`, `Draft ${index}`, 'user', new Date(Date.parse('2026-01-01T00:00:00Z') + index * 60_000).toISOString(), index === 51),
    );
    const many = { path: 'notes/drafts.md', currentVersionId: 'ver_many_51', updatedAt: versions[51]?.createdAt, versions };
    const report = importReportSchema.parse(await (await api('/api/v1/me/import', { token: user.token, body: documentWith([many]) })).json());
    expect(report.notImported).toEqual([expect.objectContaining({ section: 'files', count: 2 })]);
    const [file] = await exportedFiles(user.token);
    expect(file?.versions.map((entry) => entry.versionId)).toEqual(versions.slice(2).map((entry) => entry.versionId));
  });
});
