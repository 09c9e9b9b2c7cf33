import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { authAnswerSchema, conversationAnswerSchema, realtimeTicketSchema } from '../../common/protocol.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { bytesToBase64Url, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import { api, buildUser, expectError, openRealtime, origin, randomAddress, readJson } from '../../test-support/api.ts';
import { addressPrefix, attemptLimits, attemptWindowMs, slowDownMs } from './attempt-limits.ts';
import { passwordWeakness } from './password-policy.ts';

const testEnv = env as unknown as { DB: D1Database; COMPANION: DurableObjectNamespace<CompanionAgent> };

/** Waits for the socket to close and answers its close code. */
function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.addEventListener('close', (event) => resolve(event.code)));
}

const login = (email: string, password: string, address: string) =>
  api('/api/v1/auth/login', { body: { email, password }, headers: { 'cf-connecting-ip': address } });

describe('realtime tickets', () => {
  it('opens the socket once per ticket, and never with the session token in the URL', async () => {
    const user = await buildUser();
    const { ticket, expiresAt } = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(30_000);
    expect(ticket).not.toContain(user.token);
    const upgrade = { upgrade: 'websocket' };
    const first = await api(`/api/v1/realtime?ticket=${ticket}`, { headers: upgrade });
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close();
    await expectError(await api(`/api/v1/realtime?ticket=${ticket}`, { headers: upgrade }), 'unauthenticated');
    await expectError(await api(`/api/v1/realtime?token=${user.token}`, { headers: upgrade }), 'unauthenticated');
  });

  it('refuses an expired ticket, and a ticket whose session has signed out', async () => {
    const user = await buildUser();
    const expired = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    // Tickets of signed sessions are kept in the user's own object.
    await runInDurableObject(testEnv.COMPANION.getByName(user.user.id), (_instance, state) =>
      state.storage.sql.exec('UPDATE session_tickets SET expires_at = ?', Date.now() - 1),
    );
    await expectError(await api(`/api/v1/realtime?ticket=${expired.ticket}`, { headers: { upgrade: 'websocket' } }), 'unauthenticated');
    const orphan = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    await api('/api/v1/auth/logout', { method: 'POST', token: user.token });
    await expectError(await api(`/api/v1/realtime?ticket=${orphan.ticket}`, { headers: { upgrade: 'websocket' } }), 'unauthenticated');
  });
});

describe('sockets and sessions', () => {
  it('closes the sockets of a session that signs out, and only those', async () => {
    const user = await buildUser();
    const other = await readJson(await login(user.user.email, user.password, randomAddress()), authAnswerSchema);
    const signingOut = await openRealtime(user.token);
    const staying = await openRealtime(other.token);
    const closing = closed(signingOut.socket);
    expect((await api('/api/v1/auth/logout', { method: 'POST', token: user.token })).status).toBe(204);
    expect(await closing).toBe(4001);
    staying.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await staying.next('pong')).toEqual({ type: 'pong' });
    staying.socket.close();
  });

  it('refuses a frame once the socket’s session has expired, and closes it', async () => {
    const user = await buildUser();
    // A session that ends two seconds from now, opened by the bearer header: one of the old format, in
    // D1, whose expiry a test can set (a signed token's expiry is in its signature).
    const token = bytesToBase64Url(randomBytes(32));
    const tokenHash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))]
      .map((byte) => byte.toString(16).padStart(2, '0'))
      .join('');
    await testEnv.DB.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .bind(tokenHash, user.user.id, Date.now(), Date.now() + 2_000)
      .run();
    const connection = await openRealtime(token);
    connection.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await connection.next('pong')).toEqual({ type: 'pong' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const closing = closed(connection.socket);
    connection.socket.send(JSON.stringify({ type: 'message-send', text: 'are you still me?' }));
    expect(await connection.next('error')).toMatchObject({ id: 'session_ended' });
    expect(await closing).toBe(4001);
  });
});

describe('requests from other sites', () => {
  const cookieOf = (token: string) => `kindred_session=${token}`;

  it('refuses cookie-authenticated changes and upgrades from another origin', async () => {
    const user = await buildUser();
    const evil = { cookie: cookieOf(user.token), origin: 'http://localhost:5173' };
    await expectError(await api('/api/v1/conversations', { method: 'POST', headers: evil }), 'origin_not_allowed');
    await expectError(await api('/api/v1/auth/logout', { method: 'POST', headers: evil }), 'origin_not_allowed');
    await expectError(await api('/api/v1/realtime', { headers: { ...evil, upgrade: 'websocket' } }), 'origin_not_allowed');
    // A browser that names no origin still says another site made the request.
    await expectError(
      await api('/api/v1/conversations', { method: 'POST', headers: { cookie: cookieOf(user.token), 'sec-fetch-site': 'same-site' } }),
      'origin_not_allowed',
    );
    // Still signed in: the forged logout did nothing.
    expect((await api('/api/v1/me', { token: user.token })).status).toBe(200);
  });

  it('lets the app’s own origin, bearer clients and reads through', async () => {
    const user = await buildUser();
    const own = { cookie: cookieOf(user.token), origin };
    await readJson(await api('/api/v1/conversations', { method: 'POST', headers: own }), conversationAnswerSchema, 201);
    await readJson(
      await api('/api/v1/conversations', { method: 'POST', token: user.token, headers: { origin: 'capacitor://localhost' } }),
      conversationAnswerSchema,
      201,
    );
    expect((await api('/api/v1/me', { headers: { cookie: cookieOf(user.token), origin: 'https://elsewhere.example' } })).status).toBe(200);
    const socket = await api('/api/v1/realtime', { headers: { ...own, upgrade: 'websocket' } });
    expect(socket.status).toBe(101);
    socket.webSocket?.accept();
    socket.webSocket?.close();
  });
});

describe('sign-in limits', () => {
  // Eleven deliberately slow password hashes (scrypt, 32 MiB): on two busy cores that takes longer than the default timeout.
  it('slows one address down without locking the owner out from another', async () => {
    const user = await buildUser();
    const attacker = randomAddress();
    for (let attempt = 0; attempt < attemptLimits.freeFailuresPerEmailAndAddress; attempt++) {
      await expectError(await login(user.user.email, `guess ${attempt}`, attacker), 'invalid_credentials');
    }
    const slowed = await login(user.user.email, 'one more guess', attacker);
    await expectError(slowed, 'rate_limited');
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    // Ten failures in all from the attacker's address, waiting out each slow-down by moving the clock back.
    for (let attempt = 0; attempt < 5; attempt++) {
      await testEnv.DB.prepare('UPDATE login_attempts SET last_failure_at = 0').run();
      await expectError(await login(user.user.email, `guess again ${attempt}`, attacker), 'invalid_credentials');
    }
    await readJson(await login(user.user.email, user.password, randomAddress()), authAnswerSchema);
  }, 120_000);

  it('stops an address that fails across many emails, and an email failed from very many addresses', async () => {
    const user = await buildUser();
    const windowStart = Math.floor(Date.now() / attemptWindowMs) * attemptWindowMs;
    const stuffing = randomAddress();
    await testEnv.DB.prepare('INSERT INTO login_attempts (key, window_start, failures, last_failure_at) VALUES (?, ?, ?, ?)')
      .bind(`address:${addressPrefix(stuffing)}`, windowStart, attemptLimits.maxFailuresPerAddress, Date.now())
      .run();
    await expectError(await login(user.user.email, user.password, stuffing), 'rate_limited');
    await readJson(await login(user.user.email, user.password, randomAddress()), authAnswerSchema);
    const besieged = await buildUser();
    await testEnv.DB.prepare('INSERT INTO login_attempts (key, window_start, failures, last_failure_at) VALUES (?, ?, ?, ?)')
      .bind(`email:${await sha256Hex(besieged.user.email)}`, windowStart, attemptLimits.maxFailuresPerEmail, Date.now())
      .run();
    await expectError(await login(besieged.user.email, besieged.password, randomAddress()), 'rate_limited');
  });

  it('doubles the slow-down after the free attempts, up to a ceiling', () => {
    expect([4, 5, 6, 7, 30].map(slowDownMs)).toEqual([0, 1000, 2000, 4000, attemptLimits.maxSlowDownMs]);
    expect(addressPrefix('2001:db8:1:2:3:4:5:6')).toBe(addressPrefix('2001:db8:1:2::9'));
    expect(addressPrefix('203.0.113.7')).toBe('203.0.113.7');
  });

  it('limits sign-ups per address, counting taken emails too', async () => {
    const address = randomAddress();
    const taken = await buildUser();
    for (let attempt = 0; attempt < 10; attempt++) {
      const email = attempt % 2 === 0 ? taken.user.email : `new-${attempt}-${crypto.randomUUID()}@example.com`;
      const response = await api('/api/v1/auth/signup', { body: { email, password: 'quiet river morning' }, headers: { 'cf-connecting-ip': address } });
      expect(response.status).toBe(attempt % 2 === 0 ? 409 : 201);
    }
    const limited = await api('/api/v1/auth/signup', {
      body: { email: `late-${crypto.randomUUID()}@example.com`, password: 'quiet river morning' },
      headers: { 'cf-connecting-ip': address },
    });
    await expectError(limited, 'rate_limited');
  }, 60_000);
});

describe('password policy', () => {
  it('accepts passphrases and says why it refuses the rest', async () => {
    expect(await passwordWeakness('correct horse battery staple', 'robin@example.com')).toBeUndefined();
    expect(await passwordWeakness('Zebra-Lantern-42', 'robin@example.com')).toBeUndefined();
    expect(await passwordWeakness('iloveyou', 'robin@example.com')).toMatch(/most common/);
    expect(await passwordWeakness('robin-is-great', 'robin@example.com')).toMatch(/email/);
    expect(await passwordWeakness('abcdefgh', 'robin@example.com')).toMatch(/sequence/);
  });
});
