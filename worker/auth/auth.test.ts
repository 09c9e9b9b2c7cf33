import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, buildUser } from '../../test-support/api.ts';
import { hashPassword, verifyPassword } from './password.ts';

const testEnv = env as unknown as { DB: D1Database };

describe('signup', () => {
  it('creates the account, answers with a token and sets an httpOnly session cookie', async () => {
    const email = `Ada-${crypto.randomUUID()}@Example.com`;
    const response = await api('/api/v1/auth/signup', { body: { email, password: 'a long enough secret', displayName: 'Ada', timezone: 'Europe/London' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { user: Record<string, unknown>; token: string };
    expect(body.user).toMatchObject({ email: email.toLowerCase(), displayName: 'Ada', timezone: 'Europe/London' });
    expect(body.token.length).toBeGreaterThanOrEqual(40);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`kindred_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });

  it('stores a scrypt hash of the password and only a hash of the session token', async () => {
    const user = await buildUser({ password: 'my very own password' });
    const row = await testEnv.DB.prepare('SELECT password_hash FROM users WHERE id = ?').bind(user.user.id).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row?.password_hash).not.toContain('my very own password');
    const sessions = await testEnv.DB.prepare('SELECT token_hash FROM sessions WHERE user_id = ?').bind(user.user.id).all<{ token_hash: string }>();
    expect(sessions.results).toHaveLength(1);
    expect(sessions.results[0]?.token_hash).not.toBe(user.token);
  });

  it('refuses a taken email, whatever its case', async () => {
    const email = `taken-${crypto.randomUUID()}@example.com`;
    await buildUser({ email });
    const response = await api('/api/v1/auth/signup', { body: { email: email.toUpperCase(), password: 'another password' } });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { id: 'email_taken', message: expect.any(String) } });
  });

  it.each([
    ['malformed JSON', '{"email": ', 400, 'invalid_json'],
    ['a missing password', { email: 'x@example.com' }, 400, 'validation_failed'],
    ['a short password', { email: 'x@example.com', password: 'short' }, 400, 'validation_failed'],
    ['a bad email', { email: 'not-an-email', password: 'long enough password' }, 400, 'validation_failed'],
    ['an unknown time zone', { email: 'tz@example.com', password: 'long enough password', timezone: 'Mars/Olympus' }, 400, 'validation_failed'],
  ])('answers %s with a stable error', async (_label, body, status, id) => {
    const response = await api('/api/v1/auth/signup', { body });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { id: string } }).error.id).toBe(id);
  });

  it('refuses a body over the size limit', async () => {
    const response = await api('/api/v1/auth/signup', { body: { email: 'big@example.com', password: 'x'.repeat(1_100_000) } });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { id: string } }).error.id).toBe('payload_too_large');
  });
});

describe('login and logout', () => {
  it('signs in with the right password, case-insensitively on the email', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/auth/login', { body: { email: user.user.email.toUpperCase(), password: user.password } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; user: { id: string } };
    expect(body.user.id).toBe(user.user.id);
    expect((await api('/api/v1/me', { token: body.token })).status).toBe(200);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await buildUser();
    const wrong = await api('/api/v1/auth/login', { body: { email: user.user.email, password: 'wrong password' } });
    const unknown = await api('/api/v1/auth/login', { body: { email: `nobody-${crypto.randomUUID()}@example.com`, password: 'wrong password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('rate-limits failed sign-ins per email, even with the right password afterwards', async () => {
    const user = await buildUser();
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await api('/api/v1/auth/login', { body: { email: user.user.email, password: `guess ${attempt}` } });
      expect(response.status).toBe(401);
    }
    const limited = await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { id: string } }).error.id).toBe('rate_limited');
  });

  it('ends the session on logout, for the token and the cookie alike', async () => {
    const user = await buildUser();
    const logout = await api('/api/v1/auth/logout', { method: 'POST', token: user.token });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/kindred_session=;/);
    const after = await api('/api/v1/me', { token: user.token });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { id: string } }).error.id).toBe('unauthenticated');
    const byCookie = await api('/api/v1/me', { headers: { cookie: `kindred_session=${user.token}` } });
    expect(byCookie.status).toBe(401);
  });

  it('accepts the session cookie as the web client sends it', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/me', { headers: { cookie: `kindred_session=${user.token}` } });
    expect(response.status).toBe(200);
  });

  it('refuses missing, wrong and expired tokens', async () => {
    expect((await api('/api/v1/me')).status).toBe(401);
    expect((await api('/api/v1/me', { token: 'not-a-real-token' })).status).toBe(401);
    const user = await buildUser();
    await testEnv.DB.prepare('UPDATE sessions SET expires_at = ? WHERE user_id = ?')
      .bind(Date.now() - 1000, user.user.id)
      .run();
    const expired = await api('/api/v1/me', { token: user.token });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { id: string } }).error.id).toBe('unauthenticated');
  });
});

describe('password hashing', () => {
  it('verifies the right password only, with parameters read from the stored hash', async () => {
    const cheap = { N: 2 ** 10, r: 8, p: 1, dkLen: 32 } as const;
    const stored = await hashPassword('open sesame', cheap);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('open sesame', stored)).toBe(true);
    expect(await verifyPassword('open sesame!', stored)).toBe(false);
    expect(await verifyPassword('open sesame', 'bcrypt$whatever')).toBe(false);
    expect(await hashPassword('open sesame', cheap)).not.toBe(stored);
  });
});
