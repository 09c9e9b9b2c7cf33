import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { authAnswerSchema, messagesPageSchema, turnAnswerSchema } from '../common/protocol.ts';
import { bytesToBase64Url, randomBytes, sha256Hex } from '../server/crypto/encoding.ts';
import { api, buildUser, expectError, readJson, uniqueText } from '../test-support/api.ts';
import { recordedChatRequests, scriptFakeOpenAI } from '../test-support/fake-openai/control.ts';
import { sessionLifetimeMs } from '../worker/auth/accounts.ts';
import { wrapDatabaseForTests } from '../worker/db/database.ts';

const fakeUrl = inject('fakeOpenAIUrl');
const testEnv = env as unknown as { DB: D1Database };

/**
 * D1 unavailable for one person: every statement bound to one of `faulted` (their email, their
 * session's hash) fails as D1 does when it cannot be reached. Statements about anyone else go through,
 * so the test files running beside this one never see the fault.
 */
function makeD1Unavailable(faulted: ReadonlySet<unknown>) {
  const failures: string[] = [];
  const unavailable = (sql: string) => {
    failures.push(sql);
    return Promise.reject(new Error('D1_ERROR: Network connection lost. (injected by a test)'));
  };
  const real = new WeakMap<object, D1PreparedStatement>();
  const statementOf = (statement: D1PreparedStatement, sql: string, isFaulted: boolean): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => statementOf(statement.bind(...values), sql, isFaulted || values.some((value) => faulted.has(value))),
      first: (column?: string) => (isFaulted ? unavailable(sql) : column === undefined ? statement.first() : statement.first(column)),
      run: () => (isFaulted ? unavailable(sql) : statement.run()),
      all: () => (isFaulted ? unavailable(sql) : statement.all()),
      raw: (options?: { columnNames?: boolean }) => (isFaulted ? unavailable(sql) : statement.raw(options as { columnNames: true })),
    } as unknown as D1PreparedStatement;
    real.set(wrapped, statement);
    if (isFaulted) faultedStatements.add(wrapped);
    return wrapped;
  };
  const faultedStatements = new WeakSet<object>();
  wrapDatabaseForTests(
    (db) =>
      ({
        prepare: (sql: string) => statementOf(db.prepare(sql), sql, false),
        batch: (statements: D1PreparedStatement[]) =>
          statements.some((statement) => faultedStatements.has(statement))
            ? unavailable('batch')
            : db.batch(statements.map((statement) => real.get(statement) ?? statement)),
        exec: (sql: string) => db.exec(sql),
        withSession: (constraint?: string) => db.withSession(constraint),
        dump: () => db.dump(),
      }) as unknown as D1Database,
  );
  return failures;
}

afterEach(() => wrapDatabaseForTests(undefined));

/** No stack, no statement, no D1 wording: the person is told something went wrong and to try again. */
async function expectPlainFailure(response: Response) {
  const body = await expectError(response, 'internal_error');
  expect(body.error.message).not.toMatch(/D1|SQL|select|injected|\bat\b.*\.ts/i);
}

const messagesOf = async (token: string) => (await readJson(await api('/api/v1/messages?limit=100', { token }), messagesPageSchema)).messages;

/**
 * A session of the old format, as sign-in made them before signed tokens: a D1 row holding the
 * token's hash. Those still in use are checked against D1 until they expire (worker/auth/accounts.ts).
 */
async function legacySessionOf(userId: string): Promise<string> {
  const token = bytesToBase64Url(randomBytes(32));
  await testEnv.DB.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
    .bind(await sha256Hex(token), userId, Date.now(), Date.now() + sessionLifetimeMs)
    .run();
  return token;
}

describe('D1 unavailable', () => {
  it('answers internal_error to a request signed in by an old-format session and to signing in, changes nothing in the object, and all works once D1 is back', async () => {
    const signedUp = await buildUser();
    const user = { ...signedUp, token: await legacySessionOf(signedUp.user.id) };
    const earlier = uniqueText('before the outage');
    await scriptFakeOpenAI(fakeUrl, earlier, [{ text: 'Noted.' }]);
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: earlier } }), turnAnswerSchema);
    const before = await messagesOf(user.token);

    const failures = makeD1Unavailable(new Set([user.user.email, await sha256Hex(user.token)]));
    const during = uniqueText('during the outage');
    await expectPlainFailure(await api('/api/v1/messages', { token: user.token, body: { text: during } }));
    await expectPlainFailure(await api('/api/v1/messages', { token: user.token }));
    await expectPlainFailure(await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } }));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    // The session could not be checked, so the message never reached the object or the model.
    expect(await recordedChatRequests(fakeUrl, during)).toEqual([]);

    wrapDatabaseForTests(undefined);
    // Back: the same session works, the object holds exactly what it held, and sending now stores it once.
    expect(await messagesOf(user.token)).toEqual(before);
    await scriptFakeOpenAI(fakeUrl, during, [{ text: 'Got it now.' }]);
    const sent = await readJson(await api('/api/v1/messages', { token: user.token, body: { text: during } }), turnAnswerSchema);
    const after = await messagesOf(user.token);
    expect(after.map((message) => message.id)).toEqual([sent.assistantMessage.id, sent.userMessage.id, ...before.map((message) => message.id)]);
    expect(after.filter((message) => message.text === during)).toHaveLength(1);
    const signedIn = await readJson(await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } }), authAnswerSchema);
    expect(signedIn.user.id).toBe(user.user.id);
  });

  it('answers internal_error to a sign-up it could not store, and the same sign-up later makes exactly one account', async () => {
    const email = `${uniqueText('outage')}@example.com`;
    const password = 'correct horse battery staple';
    makeD1Unavailable(new Set([email]));
    await expectPlainFailure(await api('/api/v1/auth/signup', { body: { email, password } }));
    wrapDatabaseForTests(undefined);

    // Nothing of the failed sign-up was kept: the email is free, signing in finds no account.
    await expectError(await api('/api/v1/auth/login', { body: { email, password } }), 'invalid_credentials');
    const account = await readJson(await api('/api/v1/auth/signup', { body: { email, password } }), authAnswerSchema, 201);
    // And not doubled: the account exists once, so a second sign-up is refused.
    await expectError(await api('/api/v1/auth/signup', { body: { email, password } }), 'email_taken');
    const signedIn = await readJson(await api('/api/v1/auth/login', { body: { email, password } }), authAnswerSchema);
    expect(signedIn.user.id).toBe(account.user.id);
  });

  it('answers a signed session’s requests with every statement about the person failing, while signing in answers internal_error', async () => {
    const user = await buildUser();
    const earlier = uniqueText('signed, before the outage');
    await scriptFakeOpenAI(fakeUrl, earlier, [{ text: 'Noted.' }]);
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: earlier } }), turnAnswerSchema);
    const before = await messagesOf(user.token);

    // The signed token is checked by its signature and the person's own object: D1 is never asked.
    const failures = makeD1Unavailable(new Set([user.user.email, user.user.id]));
    expect(await messagesOf(user.token)).toEqual(before);
    const during = uniqueText('signed, during the outage');
    await scriptFakeOpenAI(fakeUrl, during, [{ text: 'Still here.' }]);
    await readJson(await api('/api/v1/messages', { token: user.token, body: { text: during } }), turnAnswerSchema);
    expect(failures).toEqual([]);
    await expectPlainFailure(await api('/api/v1/auth/login', { body: { email: user.user.email, password: user.password } }));
    expect(failures.length).toBeGreaterThan(0);
  });
});
