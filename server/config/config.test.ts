import { describe, expect, it } from 'vitest';
import { describeProviders, readConfig } from './config.ts';

const masterKey = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe('configuration', () => {
  it('reads unset providers as not configured, never as an error', () => {
    const config = readConfig({ MASTER_KEY: masterKey });
    expect(describeProviders(config)).toEqual({
      chat: 'none',
      embeddings: 'none',
      speechToText: 'none',
      textToSpeech: 'none',
      vectorIndex: 'local',
      retrieval: 'lexical',
    });
    expect(describeProviders(readConfig({ MASTER_KEY: masterKey, EMBEDDINGS_PROVIDER: 'workers-ai' })).retrieval).toBe('hybrid');
    expect(readConfig({ MASTER_KEY: masterKey, VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '', VAPID_SUBJECT: '' }).VAPID_PUBLIC_KEY).toBeUndefined();
  });

  it('reads the keys a master key rotation replaces as a list, and refuses one that is not a key', () => {
    expect(readConfig({ MASTER_KEY: masterKey }).MASTER_KEY_PREVIOUS).toEqual([]);
    const older = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
    expect(readConfig({ MASTER_KEY: masterKey, MASTER_KEY_PREVIOUS: ` ${older} , ${masterKey}` }).MASTER_KEY_PREVIOUS).toEqual([older, masterKey]);
    expect(() => readConfig({ MASTER_KEY: masterKey, MASTER_KEY_PREVIOUS: 'not-a-key' })).toThrow(/MASTER_KEY_PREVIOUS/);
  });

  it('hashes passwords at scrypt N = 2^15 unless told otherwise, and refuses a cost too low to protect anything', () => {
    expect(readConfig({ MASTER_KEY: masterKey }).PASSWORD_HASH_LOG2_COST).toBe(15);
    expect(readConfig({ MASTER_KEY: masterKey, PASSWORD_HASH_LOG2_COST: '10' }).PASSWORD_HASH_LOG2_COST).toBe(10);
    expect(() => readConfig({ MASTER_KEY: masterKey, PASSWORD_HASH_LOG2_COST: '8' })).toThrow(/PASSWORD_HASH_LOG2_COST/);
  });

  it("leaves Google unconfigured when unset, pointing at Google's own endpoints", () => {
    const config = readConfig({ MASTER_KEY: masterKey, GOOGLE_CLIENT_ID: '' });
    expect(config.GOOGLE_CLIENT_ID).toBeUndefined();
    expect(config.GOOGLE_CLIENT_SECRET).toBeUndefined();
    expect(config).toMatchObject({
      GOOGLE_OAUTH_URL: 'https://accounts.google.com/o/oauth2/v2/auth',
      GOOGLE_TOKEN_URL: 'https://oauth2.googleapis.com/token',
      GOOGLE_CALENDAR_URL: 'https://www.googleapis.com/calendar/v3',
    });
  });

  it.each([
    [{ MASTER_KEY: masterKey, GOOGLE_CALENDAR_URL: 'not a url' }, 'GOOGLE_CALENDAR_URL'],
    [{ MASTER_KEY: masterKey, LLM_PROVIDER: 'gpt-please' }, 'LLM_PROVIDER'],
    [{ MASTER_KEY: 'c2hvcnQ=' }, 'MASTER_KEY'],
    [{}, 'MASTER_KEY'],
    [{ MASTER_KEY: masterKey, LLM_PROVIDER: 'openai-compatible' }, 'LLM_BASE_URL'],
    [{ MASTER_KEY: masterKey, LLM_BASE_URL: 'not a url' }, 'LLM_BASE_URL'],
    [{ MASTER_KEY: masterKey, LLM_TIMEOUT_MS: '5' }, 'LLM_TIMEOUT_MS'],
    [{ MASTER_KEY: masterKey, EMBEDDINGS_PROVIDER: 'openai-compatible' }, 'EMBEDDINGS_BASE_URL'],
    [{ MASTER_KEY: masterKey, VECTOR_INDEX: 'pinecone' }, 'VECTOR_INDEX'],
    [{ MASTER_KEY: masterKey, VAPID_PUBLIC_KEY: 'BPublic' }, 'VAPID_PRIVATE_KEY'],
    [{ MASTER_KEY: masterKey, VAPID_PUBLIC_KEY: 'BPublic', VAPID_PRIVATE_KEY: 'private', VAPID_SUBJECT: 'ops@kindred.test' }, 'VAPID_SUBJECT'],
  ])('names the variable that is wrong: %j', (environment, variable) => {
    let thrown: unknown;
    try {
      readConfig(environment);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ id: 'configuration_invalid', status: 500 });
    expect((thrown as Error).message).toContain(variable);
  });

  it('keeps calls to URLs people supply on public https unless told otherwise', () => {
    expect(readConfig({ MASTER_KEY: masterKey })).toMatchObject({
      OUTBOUND_ALLOW_HTTP: false,
      OUTBOUND_ALLOW_PRIVATE: 'none',
      OUTBOUND_MAX_RESPONSE_BYTES: 2 * 1024 * 1024,
      OUTBOUND_TIMEOUT_MS: 15_000,
      SHARED_HTTP_TOOLS: [],
    });
    expect(readConfig({ MASTER_KEY: masterKey, OUTBOUND_ALLOW_HTTP: 'true', OUTBOUND_ALLOW_PRIVATE: 'loopback' })).toMatchObject({
      OUTBOUND_ALLOW_HTTP: true,
      OUTBOUND_ALLOW_PRIVATE: 'loopback',
    });
    expect(() => readConfig({ MASTER_KEY: masterKey, OUTBOUND_ALLOW_HTTP: 'yes' })).toThrow(/OUTBOUND_ALLOW_HTTP/);
    expect(() => readConfig({ MASTER_KEY: masterKey, OUTBOUND_ALLOW_PRIVATE: 'everything' })).toThrow(/OUTBOUND_ALLOW_PRIVATE/);
  });

  describe('SHARED_HTTP_TOOLS', () => {
    const tool = {
      name: 'status',
      description: 'Reads the status page.',
      inputSchema: { type: 'object', properties: {} },
      request: { method: 'GET', url: 'https://status.example.com/api', headers: { Authorization: 'Bearer {{secret:STATUS_TOKEN}}' } },
    };

    it('reads a JSON array of tools whose headers may name Worker secrets', () => {
      expect(readConfig({ MASTER_KEY: masterKey, SHARED_HTTP_TOOLS: JSON.stringify([tool]) }).SHARED_HTTP_TOOLS).toEqual([tool]);
    });

    it.each([
      ['not JSON', '[{'],
      ['not an array of tools', JSON.stringify({ name: 'status' })],
      ['a tool twice', JSON.stringify([tool, tool])],
      ['an address the policy refuses', JSON.stringify([{ ...tool, request: { method: 'GET', url: 'https://169.254.169.254/' } }])],
      ['a schema that is not of an object', JSON.stringify([{ ...tool, inputSchema: { type: 'string' } }])],
      ['a secret in the URL', JSON.stringify([{ ...tool, request: { method: 'GET', url: 'https://status.example.com/{{secret:STATUS_TOKEN}}' } }])],
    ])('refuses %s, naming the variable', (_case, value) => {
      expect(() => readConfig({ MASTER_KEY: masterKey, SHARED_HTTP_TOOLS: value })).toThrow(/SHARED_HTTP_TOOLS/);
    });
  });
});
