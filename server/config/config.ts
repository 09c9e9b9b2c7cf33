import { z } from 'zod';
import { createHttpToolBodySchema } from '../../common/tools.ts';
import { AppError } from '../errors/app-error.ts';
import { checkHttpToolDefinition } from '../http-tools/http-tool-definition.ts';
import { outboundPolicyFromConfig } from '../net/outbound-fetch.ts';

/** Unset or blank means "not configured", never an error. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.url().optional());
const provider = <const Names extends readonly [string, ...string[]]>(names: Names) =>
  z.preprocess((value) => (value === '' || value === undefined ? 'none' : value), z.enum(names));

const configSchema = z.object({
  MASTER_KEY: z
    .string({ error: 'is not set: run `npm start` once to create .dev.vars, or `wrangler secret put MASTER_KEY`' })
    .refine((value) => base64ByteLength(value) === 32, 'must be the base64 of 32 random bytes'),
  /**
   * During a master key rotation: the keys `MASTER_KEY` replaces, comma-separated. Data keys still
   * wrapped by one of them are opened and re-wrapped by `MASTER_KEY` (docs/operations.md, "Rotating the
   * master key"); remove it once the sweep has finished.
   */
  MASTER_KEY_PREVIOUS: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((key) => key.trim())
            .filter(Boolean)
        : value === undefined
          ? []
          : value,
    z.array(z.string().refine((value) => base64ByteLength(value) === 32, 'must hold the base64 of 32 random bytes each, comma-separated')).max(4),
  ),
  LLM_PROVIDER: provider(['workers-ai', 'openai-compatible', 'none'] as const),
  LLM_BASE_URL: optionalUrl,
  LLM_API_KEY: optionalText,
  LLM_MODEL: optionalText,
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
  /** How long a tool call that needs the person's approval waits for an answer before it expires and the model is told. */
  TOOL_APPROVAL_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  MEMORY_EXTRACTION_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  /** How often each person's object writes an encrypted snapshot of their data to the BACKUPS bucket (docs/backups.md); none when nothing changed. */
  BACKUP_INTERVAL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** How many of a person's snapshots are kept: the newest ones; older ones are deleted after each new snapshot. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(100).default(7),
  EMBEDDINGS_PROVIDER: provider(['workers-ai', 'openai-compatible', 'none'] as const),
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_API_KEY: optionalText,
  EMBEDDINGS_MODEL: optionalText,
  STT_PROVIDER: provider(['workers-ai', 'openai-compatible', 'none'] as const),
  STT_BASE_URL: optionalUrl,
  STT_API_KEY: optionalText,
  STT_MODEL: optionalText,
  TTS_PROVIDER: provider(['workers-ai', 'openai-compatible', 'elevenlabs', 'none'] as const),
  /** For `elevenlabs`, defaults to https://api.elevenlabs.io. */
  TTS_BASE_URL: optionalUrl,
  TTS_API_KEY: optionalText,
  TTS_MODEL: optionalText,
  /** WhatsApp Business Cloud API: all four of the first set, or WhatsApp is not configured (see `server/whatsapp/settings.ts`). */
  WHATSAPP_PHONE_NUMBER_ID: optionalText,
  WHATSAPP_ACCESS_TOKEN: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_GRAPH_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().default('https://graph.facebook.com/v21.0')),
  /** The optional model-based risk classifier beside the local care screen (`server/care/classifier.ts`). */
  CARE_CLASSIFIER: provider(['llama-guard', 'chat-model', 'none'] as const),
  /** How long the turn waits, at the end of its reply, for the classifier's verdict before going on without it. */
  CARE_CLASSIFIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_500),
  VECTOR_INDEX: z.preprocess((value) => (value === '' || value === undefined ? 'local' : value), z.enum(['local', 'vectorize'])),
  /** Sign-ups one address may make per 15 minutes; benchmarks that sign up hundreds of users raise it. */
  SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /**
   * scrypt's cost as log2(N) for new password hashes (`worker/auth/password.ts`). Only the test suite
   * and the benchmarks lower it, where thousands of sign-ups would otherwise spend minutes hashing;
   * every hash records its own cost, so a hash made at one cost verifies after the setting changes.
   */
  PASSWORD_HASH_LOG2_COST: z.coerce.number().int().min(10).max(20).default(15),
  /** Web Push (RFC 8292): the server's P-256 key pair, base64url, from `npm run vapid-keys`. All three or none. */
  VAPID_PUBLIC_KEY: optionalText,
  VAPID_PRIVATE_KEY: optionalText,
  /** Who the push services may contact about our messages: `mailto:` or `https:`. */
  VAPID_SUBJECT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^(mailto:|https:)/, 'must be a mailto: or https: URL')
      .optional(),
  ),
  /**
   * Native push to the mobile app through Firebase Cloud Messaging (HTTP v1): the Firebase project and
   * a service account allowed to send (from its JSON key file). All three or none; unset = the app is
   * reached by Web Push, the app's socket and WhatsApp only.
   */
  FCM_PROJECT_ID: optionalText,
  FCM_CLIENT_EMAIL: optionalText,
  /** The service account's private key (PKCS #8 PEM; `\n` for line breaks is fine). A secret. */
  FCM_PRIVATE_KEY: optionalText,
  FCM_API_URL: z.preprocess((value) => (value === '' || value === undefined ? 'https://fcm.googleapis.com' : value), z.url()),
  FCM_TOKEN_URL: z.preprocess((value) => (value === '' || value === undefined ? 'https://oauth2.googleapis.com/token' : value), z.url()),
  /**
   * Other origins whose pages may make cookie-authenticated changes (comma-separated), for a web app
   * served from another host than the API. The API's own origin is always allowed.
   */
  /** Google Calendar as a connected source: an OAuth client of type "Web application". Unset = Google is not offered. */
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_OAUTH_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().default('https://accounts.google.com/o/oauth2/v2/auth')),
  GOOGLE_TOKEN_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().default('https://oauth2.googleapis.com/token')),
  GOOGLE_CALENDAR_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().default('https://www.googleapis.com/calendar/v3')),
  /** Calls to URLs people supply (HTTP tools, MCP servers): plain http as well as https. Only for local runs and tests. */
  OUTBOUND_ALLOW_HTTP: z
    .preprocess((value) => (value === '' || value === undefined ? 'false' : value), z.enum(['true', 'false']))
    .transform((value) => value === 'true'),
  /** Which non-public addresses those calls may reach: none, loopback (tests, local fakes) or all (a self-hosted network). */
  OUTBOUND_ALLOW_PRIVATE: z.preprocess((value) => (value === '' || value === undefined ? 'none' : value), z.enum(['none', 'loopback', 'all'])),
  OUTBOUND_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(100 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /**
   * HTTP tools the operator gives everyone: a JSON array of `POST /tools/http` bodies. A header value
   * may name a Worker secret as `{{secret:NAME}}`, so no secret sits in this text.
   */
  SHARED_HTTP_TOOLS: z.preprocess(
    (value) => {
      if (value === '' || value === undefined) return [];
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    },
    z.array(createHttpToolBodySchema, { error: 'must be a JSON array of HTTP tools' }),
  ),
  APP_ORIGINS: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((origin) => origin.trim())
            .filter(Boolean)
        : [],
    z.array(z.url().transform((origin) => new URL(origin).origin)),
  ),
});

export type Config = z.infer<typeof configSchema>;

const cache = new WeakMap<object, Config>();

/**
 * Validates the environment the first time a request needs it (not at start-up, so a bad optional
 * value cannot stop the Worker from serving health checks). A wrong value names the variable.
 */
export function readConfig(env: object): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new AppError('configuration_invalid', `Kindred is misconfigured: ${problems}.`);
  }
  const config = result.data;
  if (config.LLM_PROVIDER === 'openai-compatible' && !config.LLM_BASE_URL) {
    throw new AppError('configuration_invalid', 'Kindred is misconfigured: LLM_BASE_URL must be set when LLM_PROVIDER is openai-compatible.');
  }
  if (config.EMBEDDINGS_PROVIDER === 'openai-compatible' && !config.EMBEDDINGS_BASE_URL) {
    throw new AppError('configuration_invalid', 'Kindred is misconfigured: EMBEDDINGS_BASE_URL must be set when EMBEDDINGS_PROVIDER is openai-compatible.');
  }
  const vapidSet = [config.VAPID_PUBLIC_KEY, config.VAPID_PRIVATE_KEY, config.VAPID_SUBJECT].filter(Boolean).length;
  if (vapidSet !== 0 && vapidSet !== 3) {
    throw new AppError(
      'configuration_invalid',
      'Kindred is misconfigured: VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT are set together or not at all.',
    );
  }
  const fcmSet = [config.FCM_PROJECT_ID, config.FCM_CLIENT_EMAIL, config.FCM_PRIVATE_KEY].filter(Boolean).length;
  if (fcmSet !== 0 && fcmSet !== 3) {
    throw new AppError(
      'configuration_invalid',
      'Kindred is misconfigured: FCM_PROJECT_ID, FCM_CLIENT_EMAIL and FCM_PRIVATE_KEY are set together or not at all.',
    );
  }
  const sharedToolNames = new Set<string>();
  for (const tool of config.SHARED_HTTP_TOOLS) {
    if (sharedToolNames.has(tool.name)) throw new AppError('configuration_invalid', `Kindred is misconfigured: SHARED_HTTP_TOOLS names ${tool.name} twice.`);
    sharedToolNames.add(tool.name);
    try {
      checkHttpToolDefinition(tool, outboundPolicyFromConfig(config), { secretsAllowed: true });
    } catch (error) {
      throw new AppError(
        'configuration_invalid',
        `Kindred is misconfigured: SHARED_HTTP_TOOLS ${tool.name}: ${error instanceof Error ? error.message : 'invalid'}`,
      );
    }
  }
  cache.set(env, config);
  return config;
}

/** Which providers are configured, for `/readyz` and the logs. */
export function describeProviders(config: Config) {
  return {
    chat: config.LLM_PROVIDER,
    embeddings: config.EMBEDDINGS_PROVIDER,
    speechToText: config.STT_PROVIDER,
    textToSpeech: config.TTS_PROVIDER,
    vectorIndex: config.VECTOR_INDEX,
    // Without an embedder, retrieval is lexical (the blind index alone): a supported mode, said plainly.
    retrieval: config.EMBEDDINGS_PROVIDER === 'none' ? 'lexical' : 'hybrid',
  };
}

function base64ByteLength(value: string): number {
  try {
    return atob(value).length;
  } catch {
    return -1;
  }
}
