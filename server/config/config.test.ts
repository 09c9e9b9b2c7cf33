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
});
