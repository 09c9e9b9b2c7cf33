import { describe, expect, it } from 'vitest';
import { api, buildUser } from '../../test-support/api.ts';

describe('the files API', () => {
  it('writes, reads, keeps versions, refuses stale writes and deletes', async () => {
    const user = await buildUser();
    const first = await api('/api/v1/files/journal/2026-11-24.md', { method: 'PUT', token: user.token, body: { content: '# Tuesday\nA long walk.' } });
    expect(first.status).toBe(200);
    const { versionId } = (await first.json()) as { versionId: string };
    const second = await api('/api/v1/files/journal/2026-11-24.md', {
      method: 'PUT',
      token: user.token,
      body: { content: '# Tuesday\nA long walk, then soup.', expectedVersionId: versionId },
    });
    expect(second.status).toBe(200);
    const stale = await api('/api/v1/files/journal/2026-11-24.md', {
      method: 'PUT',
      token: user.token,
      body: { content: 'overwrite', expectedVersionId: versionId },
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { id: string } }).error.id).toBe('version_conflict');

    expect(((await (await api('/api/v1/files/journal/2026-11-24.md', { token: user.token })).json()) as { content: string }).content).toContain('soup');
    const versions = (await (await api('/api/v1/files/journal/2026-11-24.md?versions', { token: user.token })).json()) as { versions: { versionId: string }[] };
    expect(versions.versions).toHaveLength(2);
    const old = (await (await api(`/api/v1/files/journal/2026-11-24.md?version=${versionId}`, { token: user.token })).json()) as { content: string };
    expect(old.content).toBe('# Tuesday\nA long walk.');
    const listing = (await (await api('/api/v1/files', { token: user.token })).json()) as { files: { path: string }[] };
    expect(listing.files.map((file) => file.path)).toEqual(['journal/2026-11-24.md']);

    expect((await api('/api/v1/files/journal/2026-11-24.md', { method: 'DELETE', token: user.token })).status).toBe(204);
    expect((await api('/api/v1/files/journal/2026-11-24.md', { token: user.token })).status).toBe(404);
    const search = (await (await api('/api/v1/search?query=soup&kinds=file-chunk', { token: user.token })).json()) as { results: unknown[] };
    expect(search.results).toEqual([]);
  });

  it.each(['../escape.md', 'notes/%2e%2e/%2e%2e/escape.md'])('never lets %s climb out of the files', async (path) => {
    const user = await buildUser();
    // URL parsing resolves dot segments before routing, so such a request is no longer a file path at all.
    const response = await api(`/api/v1/files/${path}`, { method: 'PUT', token: user.token, body: { content: 'x' } });
    expect(response.status).toBe(404);
    expect(((await (await api('/api/v1/files', { token: user.token })).json()) as { files: unknown[] }).files).toEqual([]);
  });

  it.each([
    ['notes/picture.png', 'invalid_path'],
    ['notes/.hidden.md', 'invalid_path'],
    [`users/${'x'.repeat(10)}/..%5Cwindows.md`, 'invalid_path'],
  ])('refuses the path %s', async (path, id) => {
    const user = await buildUser();
    const response = await api(`/api/v1/files/${path}`, { method: 'PUT', token: user.token, body: { content: 'x' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { id: string } }).error.id).toBe(id);
  });

  it('refuses oversized files and malformed bodies, and keeps what was stored', async () => {
    const user = await buildUser();
    await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { content: 'precious' } });
    const big = await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { content: 'x'.repeat(300 * 1024) } });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { id: string } }).error.id).toBe('file_too_large');
    const malformed = await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: '{"content": ' });
    expect(((await malformed.json()) as { error: { id: string } }).error.id).toBe('invalid_json');
    const missing = await api('/api/v1/files/notes/keep.md', { method: 'PUT', token: user.token, body: { text: 'wrong field' } });
    expect(missing.status).toBe(400);
    expect(((await (await api('/api/v1/files/notes/keep.md', { token: user.token })).json()) as { content: string }).content).toBe('precious');
  });

  it("never shows one user another user's file", async () => {
    const alice = await buildUser();
    const bob = await buildUser();
    await api('/api/v1/files/notes/diary.md', { method: 'PUT', token: alice.token, body: { content: 'Only for Alice.' } });
    const read = await api('/api/v1/files/notes/diary.md', { token: bob.token });
    expect(read.status).toBe(404);
    expect(((await (await api('/api/v1/files', { token: bob.token })).json()) as { files: unknown[] }).files).toEqual([]);
    expect((await api('/api/v1/files/notes/diary.md', { method: 'DELETE', token: bob.token })).status).toBe(404);
    expect((await api('/api/v1/files/notes/diary.md', { token: alice.token })).status).toBe(200);
  });
});
