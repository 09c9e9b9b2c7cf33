import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import type { ProvidedContext } from 'vitest';
import { defineConfig } from 'vitest/config';
import { testFcm } from './test-support/fake-fcm/control.ts';
import { testWhatsApp } from './test-support/fake-whatsapp-graph/control.ts';
import { sharedHttpToolsFor, sharedToolToken } from './test-support/shared-http-tools.ts';

const wranglerConfig = { configPath: './wrangler.test.toml' };
// The web client's tests are of its pure modules (no DOM), so they run in workerd like the rest.
const alwaysExcluded = ['node_modules/**', 'web/dist/**'];
const unconfiguredTests = '**/*.unconfigured.test.ts';
// A care classifier reads every message beside the reply, asking the fake model too: its own project,
// so the other files' recorded requests and scripts see only their turns.
const classifierTests = '**/*.classifier.test.ts';
// A master key rotation under way: a new MASTER_KEY, the tests' usual one as MASTER_KEY_PREVIOUS.
const rotationTests = '**/*.rotation.test.ts';
const rotatedToMasterKey = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=';
// Applied to D1 by test-support/apply-migrations.ts before each test file.
const migrations = await readD1Migrations('./migrations');
const setupFiles = ['./test-support/apply-migrations.ts'];
// Password hashing is deliberately slow (scrypt, 32 MiB), and the suite runs files side by side on two cores.
const testTimeout = 30_000;
// Files share their runtime (workerd, D1, the objects) instead of starting one each: that start was
// over 40% of the suite's time. Every test makes its own users and names its own addresses
// (test-support/api.ts), so no file depends on storage another has not touched.
const isolate = false;

/** The configured runtime's bindings: every provider through a fake on a loopback port. */
function configuredBindings(inject: <Key extends keyof ProvidedContext>(key: Key) => ProvidedContext[Key]) {
  return {
    TEST_MIGRATIONS: migrations,
    LLM_PROVIDER: 'openai-compatible',
    LLM_BASE_URL: inject('fakeOpenAIUrl'),
    LLM_MODEL: 'fake-model',
    LLM_API_KEY: 'test-key',
    LLM_TIMEOUT_MS: '2000',
    // Background work waits an hour: tests run it when they mean to (test-support/scheduled-work.ts).
    MEMORY_EXTRACTION_DELAY_SECONDS: '3600',
    // Hybrid retrieval here; the `unconfigured` project covers lexical-only.
    EMBEDDINGS_PROVIDER: 'openai-compatible',
    EMBEDDINGS_BASE_URL: inject('fakeOpenAIUrl'),
    EMBEDDINGS_MODEL: 'fake-embedding',
    // Speech both ways through the fake OpenAI server; the `unconfigured` project has none.
    STT_PROVIDER: 'openai-compatible',
    STT_BASE_URL: inject('fakeOpenAIUrl'),
    STT_MODEL: 'whisper-1',
    TTS_PROVIDER: 'openai-compatible',
    TTS_BASE_URL: inject('fakeOpenAIUrl'),
    TTS_MODEL: 'gpt-4o-mini-tts',
    // Web Push on, signed with a pair made per run; the `unconfigured` project has none.
    VAPID_PUBLIC_KEY: inject('vapidPublicKey'),
    VAPID_PRIVATE_KEY: inject('vapidPrivateKey'),
    VAPID_SUBJECT: 'mailto:push-tests@kindred.test',
    // Native push through the fake FCM (test-support/fake-fcm), as a service account made per run.
    FCM_PROJECT_ID: testFcm.projectId,
    FCM_CLIENT_EMAIL: testFcm.clientEmail,
    FCM_PRIVATE_KEY: inject('fcmPrivateKey'),
    FCM_API_URL: inject('fakeFcmUrl'),
    FCM_TOKEN_URL: `${inject('fakeFcmUrl')}/token`,
    WHATSAPP_GRAPH_URL: inject('fakeWhatsAppUrl'),
    WHATSAPP_PHONE_NUMBER_ID: testWhatsApp.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: testWhatsApp.accessToken,
    WHATSAPP_APP_SECRET: testWhatsApp.appSecret,
    WHATSAPP_VERIFY_TOKEN: testWhatsApp.verifyToken,
    // Google Calendar through its fake (test-support/fake-google-calendar).
    GOOGLE_CLIENT_ID: 'kindred-test-client',
    GOOGLE_CLIENT_SECRET: 'kindred-test-secret',
    GOOGLE_OAUTH_URL: `${inject('fakeGoogleUrl')}/o/oauth2/v2/auth`,
    GOOGLE_TOKEN_URL: `${inject('fakeGoogleUrl')}/token`,
    GOOGLE_CALENDAR_URL: `${inject('fakeGoogleUrl')}/calendar/v3`,
    // One HTTP tool the operator gives everyone, its token a Worker secret (durable-objects/http-tools).
    SHARED_HTTP_TOOLS: JSON.stringify(sharedHttpToolsFor(inject('httpToolServiceUrl'))),
    SHARED_TOOL_TOKEN: sharedToolToken,
  };
}

export default defineConfig({
  test: {
    // Runs once for all projects; the fake's URL reaches each project through `inject`.
    globalSetup: ['./test-support/global-setup.ts'],
    // The companion's scheduled background work (memory extraction, summaries) can write a log line
    // just as a test file's runtime closes; that line arriving late is not a failure of any test.
    // Every other unhandled error still fails the run.
    onUnhandledError: (error) => !(error.name === 'EnvironmentTeardownError' && error.message.includes('onUserConsoleLog')),
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: wranglerConfig,
            miniflare: { bindings: configuredBindings(inject) },
          })),
        ],
        test: {
          name: 'kindred',
          include: ['**/*.test.ts'],
          exclude: [...alwaysExcluded, unconfiguredTests, classifierTests, rotationTests],
          setupFiles,
          testTimeout,
          isolate,
        },
      },
      {
        // The configured runtime with the chat model also classifying each message for care.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: wranglerConfig,
            miniflare: { bindings: { ...configuredBindings(inject), CARE_CLASSIFIER: 'chat-model', CARE_CLASSIFIER_TIMEOUT_MS: '1000' } },
          })),
        ],
        test: {
          name: 'care-classifier',
          include: [classifierTests],
          exclude: alwaysExcluded,
          setupFiles,
          testTimeout,
          isolate,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: wranglerConfig,
            miniflare: {
              bindings: {
                ...configuredBindings(inject),
                MASTER_KEY: rotatedToMasterKey,
                // wrangler.test.toml's MASTER_KEY, which every other project runs with.
                MASTER_KEY_PREVIOUS: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
              },
            },
          })),
        ],
        test: {
          name: 'key-rotation',
          include: [rotationTests],
          exclude: alwaysExcluded,
          setupFiles,
          testTimeout,
          isolate,
        },
      },
      {
        // wrangler.test.toml's own vars: `LLM_PROVIDER = "none"`.
        plugins: [cloudflareTest({ wrangler: wranglerConfig, miniflare: { bindings: { TEST_MIGRATIONS: migrations } } })],
        test: {
          name: 'unconfigured',
          include: [unconfiguredTests],
          exclude: alwaysExcluded,
          setupFiles,
          testTimeout,
          isolate,
        },
      },
    ],
  },
});
