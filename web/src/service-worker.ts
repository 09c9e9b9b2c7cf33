// The service worker: caches the app shell (the built scripts, styles, icons and avatars) so the
// app starts fast and installs as a PWA, and shows the offline page when a navigation finds no
// network. The API is never cached: conversations and memories must always be the server's truth.

/** Filled in at build time with the app shell's files and a version that changes with them. */
declare const __PRECACHE_URLS__: string[];
declare const __CACHE_VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}

interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const worker = self as unknown as WorkerScope;
const cacheName = `kindred-shell-${__CACHE_VERSION__}`;
const offlinePage = '/offline.html';

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      await cache.addAll(__PRECACHE_URLS__);
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('kindred-shell-') && name !== cacheName) await caches.delete(name);
      await worker.clients.claim();
    })(),
  );
});

const neverCached = /^\/(api|webhooks|docs|openapi\.json|healthz|readyz)(\/|$)/;

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin || neverCached.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(async () => (await caches.match(offlinePage)) ?? Response.error()));
    return;
  }
  // Built files carry a content hash in their names, so a cached copy is never stale.
  event.respondWith(
    (async () => {
      const cached = await caches.match(request);
      if (cached) return cached;
      return fetch(request);
    })(),
  );
});
