/**
 * A real HTTP push service (RFC 8030) for tests and demos. It does what Mozilla's and Google's do with
 * a message, with node:crypto rather than Kindred's own code, so a mistake in ours is not mirrored:
 * it checks the VAPID token (RFC 8292: ES256 signature with the `k=` key, audience, expiry, subject),
 * decrypts the aes128gcm body (RFC 8291, RFC 8188) with the subscription's private key, and records
 * the plaintext. Subscriptions are made through its control API, as a browser would make one, and
 * any of them can be told to answer 410, 404, 429, 500 (…) next.
 *
 * Runs in Node (Vitest global setup) with native type stripping: erasable TypeScript only.
 */

import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { readBodyBytes } from '../fake-http.ts';
import type { ReceivedPush, RejectedPush } from './control.ts';

export interface FakePushService {
  /** The origin endpoints live under: `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

interface Subscription {
  privateKey: Buffer;
  publicKey: Buffer;
  auth: Buffer;
  applicationServerKey?: Buffer;
  gone: boolean;
  failNext: number[];
  received: ReceivedPush[];
  rejected: RejectedPush[];
}

class Refusal extends Error {
  readonly status: number;
  constructor(status: number, reason: string) {
    super(reason);
    this.status = status;
  }
}

const maxBodyBytes = 4096;

export async function startFakePushService(options: { port?: number; host?: string } = {}): Promise<FakePushService> {
  const host = options.host ?? '127.0.0.1';
  const subscriptions = new Map<string, Subscription>();
  let origin = '';

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const body = await readBodyBytes(request);
    const parts = url.pathname.split('/').filter(Boolean);

    if (request.method === 'POST' && url.pathname === '/__control/subscriptions') {
      const options = body.length ? (JSON.parse(body.toString('utf8')) as { applicationServerKey?: string }) : {};
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = randomUUID();
      const subscription: Subscription = {
        privateKey: ecdh.getPrivateKey(),
        publicKey: ecdh.getPublicKey(),
        auth: randomBytes(16),
        applicationServerKey: options.applicationServerKey ? Buffer.from(options.applicationServerKey, 'base64url') : undefined,
        gone: false,
        failNext: [],
        received: [],
        rejected: [],
      };
      subscriptions.set(id, subscription);
      return json(response, 201, {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: subscription.publicKey.toString('base64url'), auth: subscription.auth.toString('base64url') },
      });
    }
    if (parts[0] === '__control' && parts[1] === 'subscriptions' && parts[2]) {
      const subscription = subscriptions.get(parts[2]);
      if (!subscription) return json(response, 404, { error: 'no such subscription' });
      if (request.method === 'GET' && parts.length === 3) return json(response, 200, { received: subscription.received, rejected: subscription.rejected });
      if (request.method === 'POST' && parts[3] === 'fail-next') {
        subscription.failNext.push((JSON.parse(body.toString('utf8')) as { status: number }).status);
        return json(response, 204, undefined);
      }
    }
    if (request.method === 'POST' && parts[0] === 'push' && parts[1] && parts.length === 2) {
      const subscription = subscriptions.get(parts[1]);
      if (!subscription || subscription.gone) return json(response, subscription ? 410 : 404, { error: 'no such subscription' });
      const failure = subscription.failNext.shift();
      if (failure !== undefined) {
        // RFC 8030 section 7.3: once a subscription is gone it stays gone.
        if (failure === 404 || failure === 410) subscription.gone = true;
        return json(response, failure, { error: 'told to fail' });
      }
      try {
        subscription.received.push(accept(request, body, subscription));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        subscription.rejected.push({ status: error.status, reason: error.message });
        return json(response, error.status, { error: error.message });
      }
      response.writeHead(201, { location: `${origin}/message/${randomUUID()}` }).end();
      return;
    }
    json(response, 404, { error: 'not found' });
  }

  /** Everything a push service checks before it takes a message, then the decryption a browser does. */
  function accept(request: IncomingMessage, body: Buffer, subscription: Subscription): ReceivedPush {
    const authorization = request.headers.authorization ?? '';
    const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+),\s*k=([\w-]+)$/.exec(authorization);
    if (!match) throw new Refusal(401, 'no vapid authorization');
    const [, encodedHeader = '', encodedClaims = '', signature = '', k = ''] = match;
    const publicKey = Buffer.from(k, 'base64url');
    if (subscription.applicationServerKey && !publicKey.equals(subscription.applicationServerKey)) throw new Refusal(403, 'k is not the applicationServerKey');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as { alg?: string };
    if (header.alg !== 'ES256') throw new Refusal(401, 'jwt alg is not ES256');
    const verifyKey = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: publicKey.subarray(1, 33).toString('base64url'), y: publicKey.subarray(33, 65).toString('base64url') },
      format: 'jwk',
    });
    const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
    if (!verify('sha256', signed, { key: verifyKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) {
      throw new Refusal(401, 'jwt signature does not verify');
    }
    const claims = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as { aud?: string; exp?: number; sub?: string };
    const nowSeconds = Date.now() / 1000;
    if (claims.aud !== origin) throw new Refusal(401, `jwt aud ${claims.aud} is not ${origin}`);
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds || claims.exp > nowSeconds + 24 * 3600)
      throw new Refusal(401, 'jwt exp is not within 24 hours');
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Refusal(401, 'jwt sub is not mailto: or https:');

    if (request.headers['content-encoding'] !== 'aes128gcm') throw new Refusal(415, 'content-encoding is not aes128gcm');
    const ttl = request.headers.ttl;
    if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) throw new Refusal(400, 'no TTL header');
    if (body.length > maxBodyBytes) throw new Refusal(413, 'body over 4096 bytes');
    const payload = decrypt(body, subscription);
    const urgency = request.headers.urgency;
    return {
      payload,
      ttl,
      ...(typeof urgency === 'string' ? { urgency } : {}),
      vapid: { aud: claims.aud, exp: claims.exp, sub: claims.sub, publicKey: k },
      receivedAt: Date.now(),
    };
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: error instanceof Error ? error.message : 'failed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fake push service did not get a port');
  origin = `http://${host}:${address.port}`;
  return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** RFC 8291 section 3.4 from the receiving side, and RFC 8188's one-record body. */
function decrypt(body: Buffer, subscription: Subscription): string {
  if (body.length < 21) throw new Refusal(400, 'body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body[20] ?? 0;
  const senderPublicKey = body.subarray(21, 21 + keyIdLength);
  const record = body.subarray(21 + keyIdLength);
  if (keyIdLength !== 65) throw new Refusal(400, 'key id is not a P-256 public key');
  if (record.length > recordSize) throw new Refusal(400, 'more than one record');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(subscription.privateKey);
  const sharedSecret = ecdh.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscription.publicKey, senderPublicKey]);
  const inputKeyingMaterial = Buffer.from(hkdfSync('sha256', sharedSecret, subscription.auth, keyInfo, 32));
  const contentKey = Buffer.from(hkdfSync('sha256', inputKeyingMaterial, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', inputKeyingMaterial, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  } catch {
    throw new Refusal(400, 'body does not decrypt with the subscription keys');
  }
  // The last record ends with 0x02, then only zero padding.
  let end = plaintext.length - 1;
  while (end >= 0 && plaintext[end] === 0) end--;
  if (plaintext[end] !== 2) throw new Refusal(400, 'no last-record delimiter');
  return plaintext.subarray(0, end).toString('utf8');
}

function json(response: ServerResponse, status: number, value: unknown): void {
  if (value === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
