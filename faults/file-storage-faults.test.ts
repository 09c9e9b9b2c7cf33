import { afterEach, describe, expect, it } from 'vitest';
import { fileContentSchema, fileEntrySchema, filesAnswerSchema, fileVersionsAnswerSchema } from '../common/protocol.ts';
import { wrapFilesBucketForTests } from '../durable-objects/files/files-bucket.ts';
import { api, buildUser, expectError, readJson } from '../test-support/api.ts';

/**
 * R2 failing for one person: the next `put` or `get` of an object under their prefix throws, as R2
 * does when it is unavailable. Only their keys fail, so files running beside this one are untouched.
 */
function failNextR2Call(userId: string, operation: 'put' | 'get') {
  const injected = { remaining: 1, failed: 0 };
  const ours = (key: string) => key.startsWith(`users/${userId}/`);
  wrapFilesBucketForTests((bucket) => {
    const failing = (key: string) => {
      if (!ours(key) || injected.remaining === 0) return false;
      injected.remaining--;
      injected.failed++;
      return true;
    };
    const unavailable = () => Promise.reject(new Error('R2 is unavailable (injected by a test)'));
    return {
      head: (key) => bucket.head(key),
      list: (options) => bucket.list(options),
      delete: (keys) => bucket.delete(keys),
      createMultipartUpload: (...args) => bucket.createMultipartUpload(...args),
      resumeMultipartUpload: (...args) => bucket.resumeMultipartUpload(...args),
      put: ((key: string, ...rest: [never, never]) => (operation === 'put' && failing(key) ? unavailable() : bucket.put(key, ...rest))) as R2Bucket['put'],
      get: ((key: string, ...rest: [never]) => (operation === 'get' && failing(key) ? unavailable() : bucket.get(key, ...rest))) as R2Bucket['get'],
    };
  });
  return injected;
}

afterEach(() => wrapFilesBucketForTests(undefined));

const path = '/api/v1/files/journal/fault-day.md';

/** Everything stored about the person's files: the listing, and the one file's versions with their content. */
async function filesAsStored(token: string) {
  const listing = (await readJson(await api('/api/v1/files', { token }), filesAnswerSchema)).files;
  const versions = (await readJson(await api(`${path}?versions`, { token }), fileVersionsAnswerSchema)).versions;
  const contents = [];
  for (const version of versions) {
    const response = await api(`${path}?version=${version.versionId}`, { token });
    expect(response.status).toBe(200);
    contents.push(((await response.json()) as { content: string }).content);
  }
  return { listing, versions, contents };
}

/** The answer must say what went wrong in words for a person: no stack, no provider's message. */
async function expectPlainFailure(response: Response) {
  const body = await expectError(response, 'internal_error');
  expect(body.error.message).not.toMatch(/R2|injected|\bat\b.*\.ts/);
}

describe('R2 failing on write', () => {
  it('answers internal_error, keeps the file and its earlier versions as they were, and the write after succeeds once', async () => {
    const user = await buildUser();
    await readJson(await api(path, { method: 'PUT', token: user.token, body: { content: '# Monday\nFirst draft.' } }), fileEntrySchema);
    const before = await filesAsStored(user.token);
    expect(before.contents).toEqual(['# Monday\nFirst draft.']);

    const injected = failNextR2Call(user.user.id, 'put');
    await expectPlainFailure(await api(path, { method: 'PUT', token: user.token, body: { content: '# Monday\nSecond draft.' } }));
    expect(injected.failed).toBe(1);
    // Nothing half-written: no new version row pointing at a missing object, the listing unchanged.
    expect(await filesAsStored(user.token)).toEqual(before);
    expect((await readJson(await api(path, { token: user.token }), fileContentSchema)).content).toBe('# Monday\nFirst draft.');

    // The fault has cleared (it was one call): the same write now lands, as exactly one new version.
    const written = await readJson(await api(path, { method: 'PUT', token: user.token, body: { content: '# Monday\nSecond draft.' } }), fileEntrySchema);
    expect(written.versionCount).toBe(2);
    const after = await filesAsStored(user.token);
    expect(after.listing).toHaveLength(1);
    expect(after.versions).toHaveLength(2);
    expect(after.contents).toEqual(['# Monday\nSecond draft.', '# Monday\nFirst draft.']);
  });
});

describe('R2 failing on read', () => {
  it('answers internal_error while it fails, changes nothing, and the file reads fine afterwards', async () => {
    const user = await buildUser();
    expect((await api(path, { method: 'PUT', token: user.token, body: { content: 'Kept safe.' } })).status).toBe(200);
    const before = await filesAsStored(user.token);

    const injected = failNextR2Call(user.user.id, 'get');
    await expectPlainFailure(await api(path, { token: user.token }));
    expect(injected.failed).toBe(1);

    expect((await readJson(await api(path, { token: user.token }), fileContentSchema)).content).toBe('Kept safe.');
    expect(await filesAsStored(user.token)).toEqual(before);
  });
});
