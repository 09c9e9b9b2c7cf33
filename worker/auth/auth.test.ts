import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { authAnswerSchema, userSchema } from '../../common/protocol.ts';
import { api, buildUser, expectError, readJson } from '../../test-support/api.ts';
import { hashPassword, verifyPassword } from './password.ts';

const testEnv = env as unknown as { DB: D1Database };

describe('signup', () => {
  it('creates the account, answers with a token and sets an httpOnly session cookie', async () => {
    const email = `Ada-${crypto.randomUUID()}@Example.com`;
    const response = await api('/api/v1/auth/signup', { body: { email, password: 'a long enough secret', displayName: 'Ada', timezone: 'Europe/London' } });
    const body = await readJson(response, authAnswerSchema, 201);
    expect(body.user).toMatchObject({ email: email.toLowerCase(), displayName: 'Ada', timezone: 'Europe/London' });
    expect(body.token.length).toBeGreaterThanOrEqual(40);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`kindred_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });

  it('stores a scrypt hash of the password, and no session in D1 (it is kept in the user’s object: signed-sessions.test.ts)', async () => {
    const user = await buildUser({ password: 'my very own password' });
    const row = await testEnv.DB.prepare('SELECT password_hash FROM users WHERE id = ?').bind(user.user.id).first<{ password_hash: string }>();
    // At the cost this project configures (wrangler.test.toml); production's default, 2^15, is in config.test.ts.
    expect(row?.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(row?.password_hash).not.toContain('my very own password');
    const sessions = await testEnv.DB.prepare('SELECT token_hash FROM sessions WHERE user_id = ?').bind(user.user.id).all<{ token_hash: string }>();
    expect(sessions.results).toHaveLength(0);
  });

  it('refuses a taken email, whatever its case', async () => {
    const email = `taken-${crypto.randomUUID()}@example.com`;
    await buildUser({ email });
    const response = await api('/api/v1/auth/signup', { body: { email: email.toUpperCase(), password: 'another password' } });
    await expectError(response, 'email_taken');
  });

  it.each([
    ['malformed JSON', '{"email": ', 'invalid_json'],
    ['a missing password', { email: 'x@example.com' }, 'validation_failed'],
    ['a short password', { email: 'x@example.com', password: 'short' }, 'validation_failed'],
    ['one of the most common passwords', { email: 'x@example.com', password: 'password' }, 'weak_password'],
    ['a sequence of digits', { email: 'x@example.com', password: '12345678' }, 'weak_password'],
    ['eight spaces', { email: 'x@example.com', password: '        ' }, 'weak_password'],
    ['the email itself', { email: 'someone.special@example.com', password: 'someone.special@example.com' }, 'weak_password'],
    ['the email’s name with a suffix', { email: 'someone.special@example.com', password: 'Someone.Special!2026' }, 'weak_password'],
    ['a common password with digits added', { email: 'x@example.com', password: 'Sunshine2024' }, 'weak_password'],
    ['one character repeated', { email: 'x@example.com', password: 'aaaaaaaaaaaa' }, 'weak_password'],
    ['a bad email', { email: 'not-an-email', password: 'long enough password' }, 'validation_failed'],
    ['an unknown time zone', { email: 'tz@example.com', password: 'long enough password', timezone: 'Mars/Olympus' }, 'validation_failed'],
  ] as const)('answers %s with a stable error', async (_label, body, id) => {
    await expectError(await api('/api/v1/auth/signup', { body }), id);
  });

  it('refuses a body over the size limit', async () => {
    const response = await api('/api/v1/auth/signup', { body: { email: 'big@example.com', password: 'x'.repeat(1_100_000) } });
    await expectError(response, 'payload_too_large');
  });
});

describe('login and logout', () => {
  it('signs in with the right password, case-insensitively on the email', async () => {
    const user = await buildUser();
    const response = await api('/api/v1/auth/login', { body: { email: user.user.email.toUpperCase(), password: user.password } });
    const body = await readJson(response, authAnswerSchema);
    expect(body.user.id).toBe(user.user.id);
    await readJson(await api('/api/v1/me', { token: body.token }), userSchema);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const user = await buildUser();
    const wrong = await api('/api/v1/auth/login', { body: { email: user.user.email, password: 'wrong password' } });
    const unknown = await api('/api/v1/auth/login', { body: { email: `nobody-${crypto.randomUUID()}@example.com`, password: 'wrong password' } });
    expect(await expectError(wrong, 'invalid_credentials')).toEqual(await expectError(unknown, 'invalid_credentials'));
  });

  it('ends the session on logout, for the token and the cookie alike', async () => {
    const user = await buildUser();
    const logout = await api('/api/v1/auth/logout', { method: 'POST', token: user.token });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/kindred_session=;/);
    await expectError(await api('/api/v1/me', { token: user.token }), 'unauthenticated');
    await expectError(await api('/api/v1/me', { headers: { cookie: `kindred_session=${user.token}` } }), 'unauthenticated');
  });

  it('accepts the session cookie as the web client sends it', async () => {
    const user = await buildUser();
    const me = await readJson(await api('/api/v1/me', { headers: { cookie: `kindred_session=${user.token}` } }), userSchema);
    expect(me.id).toBe(user.user.id);
  });

  it('refuses missing and wrong tokens (expired ones: signed-sessions.test.ts)', async () => {
    await expectError(await api('/api/v1/me'), 'unauthenticated');
    await expectError(await api('/api/v1/me', { token: 'not-a-real-token' }), 'unauthenticated');
    await expectError(await api('/api/v1/me', { token: 'v2.not.a.real.token.at-all' }), 'unauthenticated');
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
