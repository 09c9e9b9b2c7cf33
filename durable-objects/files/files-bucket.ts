type BucketWrapper = (bucket: R2Bucket) => R2Bucket;

let wrappedForTests: BucketWrapper | undefined;

/**
 * The test seam for R2 faults (faults/storage-faults.test.ts). R2 in the test runtime never fails on
 * its own, and the bucket is a binding, which cannot be swapped per test. Tests run the object in the
 * same isolate as the test file (Cloudflare's vitest pool), so a test puts a wrapper here that makes
 * chosen calls throw; nothing outside `*.test.ts` calls this, and `undefined` puts the real bucket back.
 */
export function wrapFilesBucketForTests(wrap: BucketWrapper | undefined): void {
  wrappedForTests = wrap;
}

/**
 * The files bucket as the file store (and the voice store, whose recordings share the bucket) uses it: each call goes to the real binding, or through the
 * test's wrapper when one is set at the time of the call (the store is made once per object, so the
 * wrapper is looked up per call, not when the store is made).
 */
export function filesBucket(bucket: R2Bucket): R2Bucket {
  const current = () => (wrappedForTests ? wrappedForTests(bucket) : bucket);
  return {
    head: (...args: Parameters<R2Bucket['head']>) => current().head(...args),
    get: ((...args: Parameters<R2Bucket['get']>) => current().get(...args)) as R2Bucket['get'],
    put: ((...args: Parameters<R2Bucket['put']>) => current().put(...args)) as R2Bucket['put'],
    delete: (...args: Parameters<R2Bucket['delete']>) => current().delete(...args),
    list: (...args: Parameters<R2Bucket['list']>) => current().list(...args),
    createMultipartUpload: (...args: Parameters<R2Bucket['createMultipartUpload']>) => current().createMultipartUpload(...args),
    resumeMultipartUpload: (...args: Parameters<R2Bucket['resumeMultipartUpload']>) => current().resumeMultipartUpload(...args),
  };
}
