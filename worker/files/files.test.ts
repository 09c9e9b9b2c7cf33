import { describe, expect, it } from 'vitest';
import {
  fileContentSchema,
  fileEntrySchema,
  filesAnswerSchema,
  fileVersionContentSchema,
  fileVersionsAnswerSchema,
  searchAnswerSchema,
} from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';

describe('the files API', () => {
  it('writes, reads, keeps versions, refuses stale writes and deletes', async () => {
    const user = await buildUser();
    const first = await api('/api/v1/files/journal/2026-11-24.md', { method: 'PUT', token: user.token, body: { content: '# Tuesday\nA long walk.' } });
    const { versionId } = await readJson(first, fileEntrySchema);
    const second = await api('/api/v1/files/journal/2026-11-24.md', {
      method: 'PUT',
      token: user.token,
      body: { content: '# Tuesday\nA long walk, then soup.', expectedVersionId: versionId },
    });
    expect(await readJson(second, fileEntrySchema)).toMatchObject({ path: 'journal/2026-11-24.md', versionCount: 2 });
    const stale = await api('/api/v1/files/journal/2026-11-24.md', {
      method: 'PUT',
      token: user.token,
      body: { content: 'overwrite', expectedVersionId: versionId },
    });
    await expectError(stale, 'version_conflict');

    const current = await readJson(await api('/api/v1/files/journal/2026-11-24.md', { token: user.token }), fileContentSchema);
    expect(current.content).toContain('soup');
    const versions = await readJson(await api('/api/v1/files/journal/2026-11-24.md?versions', { token: user.token }), fileVersionsAnswerSchema);
    expect(versions.versions.map((version) => [version.author, version.current])).toEqual([
      ['user', true],
      ['user', false],
    ]);
    expect(versions.versions[1]?.versionId).toBe(versionId);
    const old = await readJson(await api(`/api/v1/files/journal/2026-11-24.md?version=${versionId}`, { token: user.token }), fileVersionContentSchema);
    expect(old.content).toBe('# Tuesday\nA long walk.');
    const listing = await readJson(await api('/api/v1/files', { token: user.token }), filesAnswerSchema);
    expect(listing.files.map((file) => [file.path, file.versionId])).toEqual([['journal/2026-11-24.md', current.versionId]]);

    expect((await api('/api/v1/files/journal/2026-11-24.md', { method: 'DELETE', token: user.token })).status).toBe(204);
    await expectError(await api('/api/v1/files/journal/2026-11-24.md', { token: user.token }), 'not_found');
    const search = await readJson(await api('/api/v1/search?query=soup&kinds=file-chunk', { token: user.token }), searchAnswerSchema);
    expect(search.results).toEqual([]);
  });

  it.each(['../escape.md', 'notes/%2e%2e/%2e%2e/escape.md'])('never lets %s climb out of the files', async (path) => {
    const user = await buildUser();
    // URL parsing resolves dot segments before routing, so such a request is no longer a file path at all.
    await expectError(await api(`/api/v1/files/${path}`, { method: 'PUT', token: user.token, body: { content: 'x' } }), 'not_found');
    expect((await readJson(await api('/api/v1/files', { token: user.token }), filesAnswerSchema)).files).toEqual([]);
  });

  it.each(['notes/picture.png', 'notes/.hidden.md', `users/${'x'.repeat(10)}/..%5Cwindows.md`])('refuses the path %s', async (path) => {
    const user = await buildUser();
    await expectError(await api(`/api/v1/files/${path}`, { method: 'PUT', token: user.token, body: { content: 'x' } }), 'invalid_path');
  });

  it('refuses oversized files and malformed bodies, and keeps what was stored', async () => {
    const user = await buildUser();
    await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { content: 'precious' } });
    const big = await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { content: 'x'.repeat(300 * 1024) } });
    await expectError(big, 'file_too_large');
    await expectError(await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: '{"content": ' }), 'invalid_json');
    await expectError(await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { text: 'wrong field' } }), 'validation_failed');
    expect((await readJson(await api('/api/v1/files/notes/keep.md', { token: user.token }), fileContentSchema)).content).toBe('precious');
  });

  it('takes the content itself as text/markdown or text/plain, and refuses any other type', async () => {
    const user = await buildUser();
    const markdown = await api('/api/v1/files/notes/raw.md', {
      method: 'PUT',
      token: user.token,
      body: '# Raw\nStraight from a script.',
      headers: { 'content-type': 'text/markdown; charset=utf-8' },
    });
    expect(await readJson(markdown, fileEntrySchema)).toMatchObject({ path: 'notes/raw.md', versionCount: 1 });
    await readJson(
      await api('/api/v1/files/notes/raw.txt', {
        method: 'PUT',
        token: user.token,
        body: '{"content": "kept as text"}',
        headers: { 'content-type': 'text/plain' },
      }),
      fileEntrySchema,
    );
    expect((await readJson(await api('/api/v1/files/notes/raw.txt', { token: user.token }), fileContentSchema)).content).toBe('{"content": "kept as text"}');
    const binary = await api('/api/v1/files/notes/raw.md', {
      method: 'PUT',
      token: user.token,
      body: 'bytes',
      headers: { 'content-type': 'application/octet-stream' },
    });
    await expectError(binary, 'unsupported_media_type');
    expect((await readJson(await api('/api/v1/files/notes/raw.md', { token: user.token }), fileContentSchema)).content).toBe('# Raw\nStraight from a script.');
  });

  it("never shows one user another user's file", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    await api('/api/v1/files/notes/diary.md', { method: 'PUT', token: alice.token, body: { content: 'Only for Alice.' } });
    await expectError(await api('/api/v1/files/notes/diary.md', { token: bob.token }), 'not_found');
    expect((await readJson(await api('/api/v1/files', { token: bob.token }), filesAnswerSchema)).files).toEqual([]);
    await expectError(await api('/api/v1/files/notes/diary.md', { method: 'DELETE', token: bob.token }), 'not_found');
    await readJson(await api('/api/v1/files/notes/diary.md', { token: alice.token }), fileContentSchema);
  });
});
