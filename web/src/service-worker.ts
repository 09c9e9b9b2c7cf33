// The service worker: caches the app shell (the built scripts, styles, icons and avatars) so the
// app starts fast and installs as a PWA, and shows the offline page when a navigation finds no
// network. The API is never cached: conversations and memories must always be the server's truth.
// It also shows what the server pushes (reminders, check-ins) as notifications while no tab is open.

import { notificationFor, pathForNotification, readPushPayload } from './push-notifications.ts';

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

// --- notifications pushed by the server (Web Push) ---------------------------------------------

interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown } | null;
}

interface NotificationEvent extends ExtendableEvent {
  readonly notification: { readonly data: unknown; close(): void };
}

interface WindowClientLike {
  readonly url: string;
  focus(): Promise<unknown>;
  navigate(url: string): Promise<unknown>;
}

interface SubscriptionChangeEvent extends ExtendableEvent {
  readonly oldSubscription: PushSubscription | null;
  readonly newSubscription: PushSubscription | null;
}

interface NotifyingScope {
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'pushsubscriptionchange', listener: (event: SubscriptionChangeEvent) => void): void;
  registration: { showNotification(title: string, options: NotificationOptions): Promise<void>; pushManager: PushManager };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
}

const notifying = self as unknown as NotifyingScope;

notifying.addEventListener('push', (event) => {
  const payload = readPushPayload(() => event.data?.json());
  if (!payload) return;
  const { title, options } = notificationFor(payload);
  event.waitUntil(notifying.registration.showNotification(title, options));
});

notifying.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = pathForNotification(event.notification.data);
  event.waitUntil(
    (async () => {
      const target = new URL(path, worker.location.origin).href;
      // An open tab of the app is focused and taken to the conversation; otherwise one is opened there.
      const windows = await notifying.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === worker.location.origin);
      if (open) {
        await open.focus();
        if (open.url !== target) await open.navigate(target);
        return;
      }
      await notifying.clients.openWindow(target);
    })(),
  );
});

// The browser replaced the subscription (it expired, or the push service rotated it): register the new
// one, or make one with the same server key when the browser gave none. The old row is removed by the
// server the first time the push service answers 410 for it.
notifying.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const applicationServerKey = event.oldSubscription?.options.applicationServerKey;
      const renewed =
        event.newSubscription ??
        (applicationServerKey ? await notifying.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }) : null);
      if (!renewed) return;
      // The session cookie authenticates, and the request comes from the app's own origin.
      await fetch('/api/v1/push/subscriptions', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(renewed.toJSON()),
      });
    })(),
  );
});
