import { createExecutionContext, listDurableObjectIds, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { authAnswerSchema, realtimeTicketSchema, userSchema } from '../../common/protocol.ts';
import { sessionsAnswerSchema } from '../../common/sessions.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { bytesToBase64Url, createId, randomBytes, sha256Hex } from '../../server/crypto/encoding.ts';
import { api, buildUser, expectError, openRealtime, origin, randomAddress, readJson } from '../../test-support/api.ts';
import worker from '../index.ts';
import { sessionLifetimeMs } from './accounts.ts';
import { type SignedToken, signToken, tokenSigningKeys, verifyToken } from './signed-tokens.ts';

const testEnv = env as unknown as { DB: D1Database; COMPANION: DurableObjectNamespace<CompanionAgent>; MASTER_KEY: string };

/** The rows of the user's own object, read inside it. */
function objectRows<Row extends Record<string, SqlStorageValue>>(userId: string, query: string, ...bindings: unknown[]): Promise<Row[]> {
  return runInDurableObject(testEnv.COMPANION.getByName(userId), (_instance, state) => state.storage.sql.exec<Row>(query, ...bindings).toArray());
}

/** The token's parts, as `signed-tokens.ts` lays them out. */
function partsOf(token: string) {
  const [kind = '', userId = '', id = '', expiry = '', secret = '', signature = ''] = token.split('.');
  return { kind, userId, id, expiry, secret, signature };
}

/** Signs a token with the running configuration's key, as the Worker does: what an attacker holding the master key could make. */
async function signedWithTheRealKey(token: SignedToken): Promise<string> {
  return signToken(await tokenSigningKeys({ current: testEnv.MASTER_KEY }), token);
}

/**
 * Runs the Worker's own fetch handler with a D1 binding on which every call fails and is counted, for
 * this request alone: the other test files, which share the runtime, keep their database.
 */
async function withD1Unavailable(request: Request): Promise<{ response: Response; d1Calls: string[] }> {
  const d1Calls: string[] = [];
  const failing = (what: string) => {
    d1Calls.push(what);
    throw new Error('D1_ERROR: Network connection lost. (injected by a test)');
  };
  const unavailable = {
    prepare: (sql: string) => failing(`prepare ${sql}`),
    batch: () => failing('batch'),
    exec: (sql: string) => failing(`exec ${sql}`),
    withSession: () => failing('withSession'),
    dump: () => failing('dump'),
  } as unknown as D1Database;
  const context = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...(env as object), DB: unavailable } as never, context);
  await waitOnExecutionContext(context);
  return { response, d1Calls };
}

describe('signed sessions', () => {
  it('signs in with a token naming its user, kept in the user’s object as a hash of its secret only', async () => {
    const user = await buildUser();
    const token = partsOf(user.token);
    expect(token.kind).toBe('v2');
    expect(token.userId).toBe(user.user.id);
    const me = await readJson(await api('/api/v1/me', { token: user.token, headers: { 'user-agent': 'test' } }), userSchema);
    expect(me).toEqual(user.user);

    const rows = await objectRows<{ id: string; secret_hash: string; expires_at: number }>(user.user.id, 'SELECT id, secret_hash, expires_at FROM sessions');
    expect(rows).toEqual([{ id: token.id, secret_hash: await sha256Hex(token.secret), expires_at: Number.parseInt(token.expiry, 36) }]);
    const stored = JSON.stringify(await objectRows(user.user.id, 'SELECT * FROM sessions'));
    expect(stored).not.toContain(token.secret);
    // Nothing of it in D1: the session lives only in the object.
    const d1 = await testEnv.DB.prepare('SELECT count(*) AS count FROM sessions WHERE user_id = ?').bind(user.user.id).first<{ count: number }>();
    expect(d1?.count).toBe(0);
  });

  it('checks the session in an object that has just restarted, before anything else has started it', async () => {
    const user = await buildUser();
    const stub = testEnv.COMPANION.getByName(user.user.id);
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);
    expect(await readJson(await api('/api/v1/me', { token: user.token }), userSchema)).toEqual(user.user);
    await runInDurableObject(stub, (_instance, state) => state.abort('restart under test')).catch(() => undefined);
    const connection = await openRealtime(user.token);
    connection.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await connection.next('pong')).toEqual({ type: 'pong' });
    connection.socket.close();
  });

  it('signs out at once: the next request with that token is refused, the user’s other sessions go on', async () => {
    const user = await buildUser();
    const other = await readJson(await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } }), authAnswerSchema);
    expect((await api('/api/v1/auth/logout', { method: 'POST', token: user.token })).status).toBe(204);
    await expectError(await api('/api/v1/me', { token: user.token }), 'unauthenticated');
    await expectError(await api('/api/v1/me', { headers: { cookie: `kindred_session=${user.token}` } }), 'unauthenticated');
    await readJson(await api('/api/v1/me', { token: other.token }), userSchema);
    expect(await objectRows(user.user.id, 'SELECT id FROM sessions')).toEqual([{ id: partsOf(other.token).id }]);
  });

  it('refuses a session its object has expired, and a token whose own expiry has passed without asking anyone', async () => {
    const user = await buildUser();
    await objectRows(user.user.id, 'UPDATE sessions SET expires_at = ?', Date.now() - 1);
    await expectError(await api('/api/v1/me', { token: user.token }), 'unauthenticated');

    // A token signed with the real key for a live session, but whose signed expiry is past: the Worker refuses it by its signature alone.
    const live = await buildUser();
    const parts = partsOf(live.token);
    const expired = await signedWithTheRealKey({ kind: 'v2', userId: live.user.id, id: parts.id, secret: parts.secret, expiresAt: Date.now() - 1 });
    const { response, d1Calls } = await withD1Unavailable(new Request(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${expired}` } }));
    await expectError(response, 'unauthenticated');
    expect(d1Calls).toEqual([]);
    await readJson(await api('/api/v1/me', { token: live.token }), userSchema);
  });

  it('refuses forged, garbled and swapped tokens, touching neither D1 nor any object', async () => {
    const victim = await buildUser();
    const attacker = await buildUser();
    const parts = partsOf(attacker.token);
    const nobody = createId('user');
    const nobodyObject = testEnv.COMPANION.idFromName(nobody);
    const flipped = parts.signature.startsWith('A') ? `B${parts.signature.slice(1)}` : `A${parts.signature.slice(1)}`;
    const refusedUnseen = [
      // The attacker's own token with the victim's id swapped in: the signature no longer matches.
      [parts.kind, victim.user.id, parts.id, parts.expiry, parts.secret, parts.signature].join('.'),
      // Someone who was never a user, with a copied signature.
      [parts.kind, nobody, parts.id, parts.expiry, parts.secret, parts.signature].join('.'),
      // One changed character of the signature.
      [parts.kind, parts.userId, parts.id, parts.expiry, parts.secret, flipped].join('.'),
      // A later expiry than was signed.
      [parts.kind, parts.userId, parts.id, (Number.parseInt(parts.expiry, 36) + 60_000).toString(36), parts.secret, parts.signature].join('.'),
      'v2.garbled',
      `v2.${nobody}....`,
      `${attacker.token}.`,
      // A realtime ticket's kind is not a session's.
      ['rt2', parts.userId, parts.id, parts.expiry, parts.secret, parts.signature].join('.'),
    ];
    for (const token of refusedUnseen) {
      const { response, d1Calls } = await withD1Unavailable(new Request(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
      await expectError(response, 'unauthenticated');
      expect(d1Calls, token).toEqual([]);
    }
    // No object was made for the made-up user: the Worker never asked for one. (The listing does show
    // the objects that were made, the attacker's among them.)
    const objects = await listDurableObjectIds(testEnv.COMPANION);
    expect(objects.some((id) => id.equals(testEnv.COMPANION.idFromName(attacker.user.id)))).toBe(true);
    expect(objects.some((id) => id.equals(nobodyObject))).toBe(false);
    await readJson(await api('/api/v1/me', { token: attacker.token }), userSchema);
  });

  it('never lets one user’s session act as another’s, even in a token signed with the real key', async () => {
    const victim = await buildUser();
    const attacker = await buildUser();
    const parts = partsOf(attacker.token);
    // Only someone holding the master key could sign this: the attacker's live session under the victim's id.
    const swapped = await signedWithTheRealKey({ kind: 'v2', userId: victim.user.id, id: parts.id, secret: parts.secret, expiresAt: Date.now() + 60_000 });
    await expectError(await api('/api/v1/me', { token: swapped }), 'unauthenticated');
    // And the victim's object, asked directly for a session of another user's name, answers nothing.
    const answer = await runInDurableObject(testEnv.COMPANION.getByName(victim.user.id), (instance) =>
      instance.invoke('sessions', 'check', [{ userId: attacker.user.id, id: partsOf(victim.token).id, secretHash: 'x' }]),
    );
    expect(answer).toEqual({ success: true, value: null });
    const victimParts = partsOf(victim.token);
    const victimSessionElsewhere = await runInDurableObject(testEnv.COMPANION.getByName(attacker.user.id), async (instance) =>
      instance.invoke('sessions', 'check', [{ userId: victim.user.id, id: victimParts.id, secretHash: await sha256Hex(victimParts.secret) }]),
    );
    expect(victimSessionElsewhere).toEqual({ success: true, value: null });
    // A made-up secret for the victim's real session, signed with the real key, is refused by the object.
    const guessed = await signedWithTheRealKey({
      kind: 'v2',
      userId: victim.user.id,
      id: victimParts.id,
      secret: bytesToBase64Url(randomBytes(32)),
      expiresAt: Date.now() + 60_000,
    });
    await expectError(await api('/api/v1/me', { token: guessed }), 'unauthenticated');
    await readJson(await api('/api/v1/me', { token: victim.token }), userSchema);
  });

  it('answers an authenticated request with every D1 call failing, while signing in answers internal_error', async () => {
    const user = await buildUser();
    const me = await withD1Unavailable(new Request(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${user.token}` } }));
    expect(await readJson(me.response, userSchema)).toEqual(user.user);
    expect(me.d1Calls).toEqual([]);
    const signIn = await withD1Unavailable(
      new Request(`${origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': randomAddress() },
        body: JSON.stringify({ email: user.user.email, password: user.password }),
      }),
    );
    await expectError(signIn.response, 'internal_error');
    expect(signIn.d1Calls.length).toBeGreaterThan(0);
  });

  it('keeps a session of the old format (a D1 row) working until it expires', async () => {
    const user = await buildUser();
    // As sign-in made them before signed tokens: 32 random bytes, only their SHA-256 stored in D1.
    const legacy = bytesToBase64Url(randomBytes(32));
    await testEnv.DB.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .bind(await sha256Hex(legacy), user.user.id, Date.now(), Date.now() + sessionLifetimeMs)
      .run();
    expect(await readJson(await api('/api/v1/me', { token: legacy }), userSchema)).toEqual(user.user);
    // Its realtime ticket is of the old kind too, and opens the socket.
    const { ticket } = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: legacy }), realtimeTicketSchema, 201);
    expect(ticket).not.toContain('.');
    const socket = await api(`/api/v1/realtime?ticket=${ticket}`, { headers: { upgrade: 'websocket' } });
    expect(socket.status).toBe(101);
    socket.webSocket?.accept();
    socket.webSocket?.close();
    // It depends on D1, as before.
    const { response, d1Calls } = await withD1Unavailable(new Request(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${legacy}` } }));
    await expectError(response, 'internal_error');
    expect(d1Calls.length).toBeGreaterThan(0);
    // Signing it out removes its row, and it is refused from then on.
    expect((await api('/api/v1/auth/logout', { method: 'POST', token: legacy })).status).toBe(204);
    await expectError(await api('/api/v1/me', { token: legacy }), 'unauthenticated');
    await readJson(await api('/api/v1/me', { token: user.token }), userSchema);
  });

  it('refuses, without asking D1, a token of neither format', async () => {
    for (const token of ['not-a-real-token', 'x'.repeat(44), `${'x'.repeat(42)}!`]) {
      const { response, d1Calls } = await withD1Unavailable(new Request(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
      await expectError(response, 'unauthenticated');
      expect(d1Calls, token).toEqual([]);
    }
    const ticket = await withD1Unavailable(new Request(`${origin}/api/v1/realtime?ticket=not-a-ticket`, { headers: { upgrade: 'websocket' } }));
    await expectError(ticket.response, 'unauthenticated');
    expect(ticket.d1Calls).toEqual([]);
  });

  it('refuses an old-format token once its D1 row has expired', async () => {
    const user = await buildUser();
    const legacy = bytesToBase64Url(randomBytes(32));
    await testEnv.DB.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .bind(await sha256Hex(legacy), user.user.id, Date.now() - sessionLifetimeMs, Date.now() - 1)
      .run();
    await expectError(await api('/api/v1/me', { token: legacy }), 'unauthenticated');
  });

  it('ends every session with the account: a deleted user’s token is refused', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/me', { method: 'DELETE', token: user.token, headers: { origin } });
    expect(response.status).toBe(204);
    await expectError(await api('/api/v1/me', { token: user.token }), 'unauthenticated');
    expect(await objectRows(user.user.id, 'SELECT id FROM sessions')).toEqual([]);
  });
});

describe('realtime tickets of signed sessions', () => {
  it('are signed, name their user, are kept in the user’s object and open the socket once', async () => {
    const user = await buildUser();
    const { ticket } = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    const parts = partsOf(ticket);
    expect(parts.kind).toBe('rt2');
    expect(parts.userId).toBe(user.user.id);
    expect(await objectRows(user.user.id, 'SELECT session_id FROM session_tickets')).toEqual([{ session_id: partsOf(user.token).id }]);
    const upgrade = { upgrade: 'websocket' };
    const first = await api(`/api/v1/realtime?ticket=${ticket}`, { headers: upgrade });
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close();
    await expectError(await api(`/api/v1/realtime?ticket=${ticket}`, { headers: upgrade }), 'unauthenticated');
    // A session token is not a ticket.
    await expectError(await api(`/api/v1/realtime?ticket=${user.token}`, { headers: upgrade }), 'unauthenticated');
  });

  it('refuse an expired ticket and one whose session signed out', async () => {
    const user = await buildUser();
    const expired = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    await objectRows(user.user.id, 'UPDATE session_tickets SET expires_at = ?', Date.now() - 1);
    await expectError(await api(`/api/v1/realtime?ticket=${expired.ticket}`, { headers: { upgrade: 'websocket' } }), 'unauthenticated');
    const orphan = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    await api('/api/v1/auth/logout', { method: 'POST', token: user.token });
    await expectError(await api(`/api/v1/realtime?ticket=${orphan.ticket}`, { headers: { upgrade: 'websocket' } }), 'unauthenticated');
  });

  it('open the socket by ticket with every D1 call failing', async () => {
    const user = await buildUser();
    const { ticket } = await readJson(await api('/api/v1/realtime/tickets', { method: 'POST', token: user.token }), realtimeTicketSchema, 201);
    const { response, d1Calls } = await withD1Unavailable(new Request(`${origin}/api/v1/realtime?ticket=${ticket}`, { headers: { upgrade: 'websocket' } }));
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close();
    expect(d1Calls).toEqual([]);
  });
});

describe('token signatures', () => {
  const token: SignedToken = { kind: 'v2', userId: 'user_abc', id: 'session_def', secret: 'c2VjcmV0', expiresAt: 2_000_000_000_000 };
  const keyA = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
  const keyB = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=';

  it('verify under the key that signed them, or a previous key during a rotation, and not after it ends', async () => {
    const signedByA = await signToken(await tokenSigningKeys({ current: keyA }), token);
    expect(await verifyToken(await tokenSigningKeys({ current: keyA }), 'v2', signedByA, 0)).toEqual(token);
    expect(await verifyToken(await tokenSigningKeys({ current: keyB, previous: [keyA] }), 'v2', signedByA, 0)).toEqual(token);
    expect(await verifyToken(await tokenSigningKeys({ current: keyB }), 'v2', signedByA, 0)).toBeUndefined();
  });

  it('expire at their signed time', async () => {
    const keys = await tokenSigningKeys({ current: keyA });
    const signed = await signToken(keys, token);
    expect(await verifyToken(keys, 'v2', signed, token.expiresAt - 1)).toEqual(token);
    expect(await verifyToken(keys, 'v2', signed, token.expiresAt)).toBeUndefined();
  });

  it('refuse parts a token cannot carry', async () => {
    const keys = await tokenSigningKeys({ current: keyA });
    await expect(signToken(keys, { ...token, userId: 'user.with.dots' })).rejects.toThrow(/cannot carry/);
    expect(await verifyToken(keys, 'v2', 'v2.a.b.c.d.%%%', 0)).toBeUndefined();
  });
});

describe('the list of sessions', () => {
  it('lists each device signed in, marks this one, and signs another out at once, closing its sockets', async () => {
    const user = await buildUser();
    const phone = await readJson(
      await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password }, headers: { 'user-agent': 'Kindred/1.0 (Android 15)' } }),
      authAnswerSchema,
    );
    const listed = await readJson(await api('/api/v1/me/sessions', { token: user.token }), sessionsAnswerSchema);
    expect(listed.sessions.map((session) => [session.id, session.device, session.current])).toEqual([
      [partsOf(phone.token).id, 'Kindred/1.0 (Android 15)', false],
      [partsOf(user.token).id, null, true],
    ]);
    // The label is sealed in the object, not kept in the clear.
    expect(JSON.stringify(await objectRows(user.user.id, 'SELECT * FROM sessions'))).not.toContain('Android');

    const phoneSocket = await openRealtime(phone.token);
    const closing = new Promise<number>((resolve) => phoneSocket.socket.addEventListener('close', (event) => resolve(event.code)));
    expect((await api(`/api/v1/me/sessions/${partsOf(phone.token).id}`, { method: 'DELETE', token: user.token })).status).toBe(204);
    expect(await closing).toBe(4001);
    await expectError(await api('/api/v1/me', { token: phone.token }), 'unauthenticated');
    await expectError(await api(`/api/v1/me/sessions/${partsOf(phone.token).id}`, { method: 'DELETE', token: user.token }), 'not_found');
    expect((await readJson(await api('/api/v1/me/sessions', { token: user.token }), sessionsAnswerSchema)).sessions).toHaveLength(1);
    await readJson(await api('/api/v1/me', { token: user.token }), userSchema);
  });

  it('cannot sign out another person’s session', async () => {
    const user = await buildUser();
    const other = await buildUser();
    await expectError(await api(`/api/v1/me/sessions/${partsOf(other.token).id}`, { method: 'DELETE', token: user.token }), 'not_found');
    await readJson(await api('/api/v1/me', { token: other.token }), userSchema);
  });
});
