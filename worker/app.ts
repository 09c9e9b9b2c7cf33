import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { maxImportBytes } from '../common/import.ts';
import { maxTranscriptionBytes } from '../common/voice.ts';
import { readConfig } from '../server/config/config.ts';
import { AppError } from '../server/errors/app-error.ts';
import { errorResponse, validationError } from '../server/errors/error-handler.ts';
import { log } from '../server/logging/log.ts';
import { metricsOf } from '../server/observability/metrics.ts';
import { accountRoutes } from './account/routes.ts';
import type { AppEnv } from './app-env.ts';
import { approvalRoutes } from './approvals/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { backupRoutes } from './backups/routes.ts';
import { bodyLimit } from './body-limit.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { calendarSourceRoutes } from './calendar/source-routes.ts';
import { careRoutes } from './care/routes.ts';
import { pushRoutes } from './channels/push-routes.ts';
import { whatsAppChannelRoutes } from './channels/whatsapp-routes.ts';
import { companionRoutes } from './companion/routes.ts';
import { confirmationRoutes } from './confirmations/routes.ts';
import { conversationRoutes } from './conversations/routes.ts';
import { fileRoutes } from './files/routes.ts';
import { goalRoutes } from './goals/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { httpToolRoutes } from './http-tools/routes.ts';
import { mcpServerRoutes } from './mcp/routes.ts';
import { memoryRoutes } from './memory/routes.ts';
import { moodRoutes } from './moods/routes.ts';
import { registerDocs } from './openapi/docs.ts';
import { outreachRoutes } from './outreach/routes.ts';
import { reflectionRoutes } from './reflection/routes.ts';
import { reminderRoutes } from './reminders/routes.ts';
import { securityHeaders } from './security-headers.ts';
import { voiceRoutes } from './voice/routes.ts';
import { voiceSessionRoutes } from './voice/session-routes.ts';
import { whatsAppWebhookRoutes } from './webhooks/whatsapp.ts';

/** The largest body the API reads: a file of 256 KiB of text, JSON-escaped, with room to spare. */
const maxBodyBytes = 1024 * 1024;

/** Builds the Worker's app: the single entry for the API, the docs and the static web client. */
export function createApp() {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : 'query');
    },
  });
  // Recorded audio for `/transcriptions` is larger than any other body, and gets its own limit.
  const jsonBodyLimit = bodyLimit(maxBodyBytes);
  const audioBodyLimit = bodyLimit(maxTranscriptionBytes + 64 * 1024);
  // An export brought back is a whole life's document.
  const importBodyLimit = bodyLimit(maxImportBytes, maxImportBytes * 2);
  api.use((context, next) => {
    if (context.req.path.endsWith('/transcriptions')) return audioBodyLimit(context, next);
    if (context.req.path.endsWith('/me/import')) return importBodyLimit(context, next);
    return jsonBodyLimit(context, next);
  });
  // Configuration is read when a request first needs it; a wrong value answers naming the variable.
  api.use(async (context, next) => {
    readConfig(context.env);
    await next();
  });
  api.route('/', authRoutes);
  api.route('/', accountRoutes);
  api.route('/', backupRoutes);
  // Before the companion's `/tools` routes: the MCP sign-in callback has no session and answers before their session check.
  api.route('/', mcpServerRoutes);
  api.route('/', httpToolRoutes);
  api.route('/', companionRoutes);
  api.route('/', memoryRoutes);
  api.route('/', conversationRoutes);
  api.route('/', fileRoutes);
  api.route('/', calendarSourceRoutes);
  api.route('/', calendarRoutes);
  api.route('/', reminderRoutes);
  api.route('/', goalRoutes);
  api.route('/', moodRoutes);
  api.route('/', careRoutes);
  api.route('/', outreachRoutes);
  api.route('/', reflectionRoutes);
  api.route('/', pushRoutes);
  api.route('/', confirmationRoutes);
  api.route('/', approvalRoutes);
  api.route('/', whatsAppChannelRoutes);
  api.route('/', voiceRoutes);
  api.route('/', voiceSessionRoutes);

  const app = new OpenAPIHono<AppEnv>();
  app.use(securityHeaders());
  app.use(requestId());
  app.use(async (context, next) => {
    const startedAt = Date.now();
    await next();
    // Route patterns, not raw paths: file paths and ids stay out of the logs.
    const durationMs = Date.now() - startedAt;
    log.info('request', {
      requestId: context.get('requestId'),
      method: context.req.method,
      route: context.req.routePath,
      status: context.res.status,
      durationMs,
    });
    metricsOf(context.env).record({ name: 'request', method: context.req.method, route: context.req.routePath, status: context.res.status, durationMs });
  });
  app.route('/', healthRoutes);
  app.route('/api/v1', api);
  // Outside the API: Meta calls it without a session, and it checks its own signature.
  app.route('/webhooks/whatsapp', whatsAppWebhookRoutes);
  registerDocs(app);
  app.onError(errorResponse);
  api.onError(errorResponse);
  app.notFound(async (context) => {
    // Only the web app's paths fall through to the static assets; an unknown API path is an API 404.
    const isApiPath = /^\/(api|webhooks)\//.test(new URL(context.req.url).pathname);
    if (context.env.ASSETS && !isApiPath) return context.env.ASSETS.fetch(context.req.raw);
    return errorResponse(new AppError('not_found', 'There is no such API path.'), context);
  });
  return app as unknown as Hono<AppEnv> & OpenAPIHono<AppEnv>;
}
