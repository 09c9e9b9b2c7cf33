import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import { importDocumentSchema, importReportSchema, maxImportBytes } from '../../common/import.ts';
import { type ExportDocument, type ExportHead, exportDocumentSchema, exportFormatVersion, updateMeBodySchema, userSchema } from '../../common/protocol.ts';
import { sessionsAnswerSchema } from '../../common/sessions.ts';
import type { UserDataExport } from '../../durable-objects/companion-agent.ts';
import { AppError, notFound } from '../../server/errors/app-error.ts';
import type { AppEnv } from '../app-env.ts';
import { deleteAccount } from '../auth/accounts.ts';
import { requireSession, sessionCookieName } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';
import { presentUser } from './present-user.ts';

export const accountRoutes = new OpenAPIHono<AppEnv>();
accountRoutes.use('/me', requireSession());
accountRoutes.use('/me/*', requireSession());

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/me',
    summary: 'The signed-in user',
    tags: ['account'],
    responses: { 200: jsonAnswer(userSchema, 'The user.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const account = context.get('account');
    const profile = await (await companionOf(context.env, account.id)).companion.getProfile();
    return context.json(presentUser(account, profile), 200);
  },
);

accountRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/me',
    summary: 'Change the display name or time zone',
    tags: ['account'],
    request: jsonBody(updateMeBodySchema),
    responses: { 200: jsonAnswer(userSchema, 'The updated user.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const account = context.get('account');
    const companion = await companionOf(context.env, account.id);
    const profile = { ...(await companion.companion.getProfile()), ...context.req.valid('json') };
    await companion.companion.updateProfile(profile);
    return context.json(presentUser(account, profile), 200);
  },
);

accountRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/me',
    summary: 'Delete the account and everything about the user',
    description: "Destroys the user's data key (crypto-shredding, so backups become unreadable too), their companion object, their files and their account.",
    tags: ['account'],
    responses: { 204: noContent, ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const account = context.get('account');
    await (await companionOf(context.env, account.id)).destroyUserData();
    await deleteUserFiles(context.env.FILES, account.id);
    await deleteAccount(context.env.DB, account.id);
    deleteCookie(context, sessionCookieName, { path: '/' });
    return context.body(null, 204);
  },
);

const sessionIdParam = z.object({ id: z.string().min(1).max(64) });

accountRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/me/sessions',
    summary: 'The devices signed in',
    description:
      'Every live session, newest first, with the device that signed in and whether it is this one. Sessions signed in before signed tokens (an opaque token of the old format) are not listed: they end on their own within 30 days of that change, or by signing out on that device.',
    tags: ['account'],
    responses: { 200: jsonAnswer(sessionsAnswerSchema, 'The live sessions.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const current = context.get('session');
    const sessions = await (await companionOf(context.env, current.account.id)).sessions.list();
    return context.json(
      {
        sessions: sessions.map((session) => ({
          id: session.id,
          createdAt: new Date(session.createdAt).toISOString(),
          expiresAt: new Date(session.expiresAt).toISOString(),
          device: session.label,
          current: current.store === 'object' && session.id === current.key,
        })),
      },
      200,
    );
  },
);

accountRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/me/sessions/{id}',
    summary: 'Sign a device out',
    description: 'Ends the session at once: its next request is refused, and its realtime sockets close. Signing out this very session works too.',
    tags: ['account'],
    request: { params: sessionIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'not_found') },
  }),
  async (context) => {
    const { id } = context.req.valid('param');
    const current = context.get('session');
    const companion = await companionOf(context.env, current.account.id);
    if (!(await companion.sessions.revoke(id))) throw notFound('session');
    await companion.endSession(id);
    if (current.store === 'object' && current.key === id) deleteCookie(context, sessionCookieName, { path: '/' });
    return context.body(null, 204);
  },
);

accountRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/me/export',
  summary: 'Everything Kindred holds about the user, decrypted',
  description:
    `One JSON document, \`formatVersion\` ${exportFormatVersion} (see docs/export-format.md): the account and profile, the companion, ` +
    'every conversation with every message, every memory with its history, every file with the content of each kept version, ' +
    'the tool switches, and whatever later capabilities add. It is streamed as it is read, so a large account downloads without being held in memory.',
  tags: ['account'],
  responses: { 200: jsonAnswer(exportDocumentSchema, 'The export, as a JSON download.'), ...errorAnswers(...sessionErrors) },
});
// A plain route: the export's recursive JSON types are too deep for the typed OpenAPI handler.
accountRoutes.get('/me/export', async (context) => {
  const account = context.get('account');
  const companion = await companionOf(context.env, account.id);
  const head: ExportHead = {
    formatVersion: exportFormatVersion,
    exportedAt: new Date().toISOString(),
    user: presentUser(account, await companion.companion.getProfile()),
  };
  // The rest of the document is each capability's part, written by the user's object; none is named here.
  return new Response(await companion.exportDocument(head), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': 'attachment; filename="kindred-export.json"' },
  });
});

accountRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/me/import',
  summary: 'Bring an export back into this (empty) account',
  description:
    `Takes the document \`GET /me/export\` gave — format version ${exportFormatVersion}, or an older one (see docs/export-format.md) — ` +
    'and brings everything in it into this account: conversations and messages, memories with their history, files with every version, ' +
    'the calendar, reminders, goals, moods, settings and tools. The account keeps its own id, email and password. Secrets are never in an ' +
    'export, so what needs one (connected calendars, MCP servers with keys, push devices, the WhatsApp link) is listed in `notImported` ' +
    `with what to do. The account must hold nothing of its own yet (\`account_not_empty\`); at most ${maxImportBytes / 1024 / 1024} MiB. ` +
    'It lands whole or not at all.',
  tags: ['account'],
  request: jsonBody(importDocumentSchema),
  responses: {
    200: jsonAnswer(importReportSchema, 'What was imported, by section, and what was not, with why.'),
    ...errorAnswers(...sessionErrors, ...bodyErrors, 'unsupported_media_type', 'account_not_empty', 'import_in_progress'),
  },
});
// A plain route, like the export's: the document's recursive JSON types are too deep for the typed handler,
// and the document is read and checked by the user's object, so the Worker never holds it parsed.
accountRoutes.post('/me/import', async (context) => {
  const account = context.get('account');
  if (context.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
    throw new AppError('unsupported_media_type', 'Send the export document as application/json.');
  }
  const body = context.req.raw.body;
  if (!body) throw new AppError('validation_failed', 'The import has no body: send the export document.');
  const companion = await companionOf(context.env, account.id);
  return context.json(await companion.importDocument(body), 200);
});

/**
 * Fails to compile when what the capabilities export and what the document declares disagree, so a
 * capability that adds a part must declare its member in `exportDocumentSchema` too.
 */
type ExportMatchesItsSchema = [ExportHead & UserDataExport] extends [ExportDocument]
  ? [ExportDocument] extends [ExportHead & UserDataExport]
    ? true
    : false
  : false;
export const exportMatchesItsSchema: ExportMatchesItsSchema = true;

/** R2 keeps each user's files under their own prefix; delete them a listing page at a time. */
async function deleteUserFiles(bucket: R2Bucket, userId: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix: `users/${userId}/`, cursor, limit: 1000 });
    if (listing.objects.length > 0) await bucket.delete(listing.objects.map((object) => object.key));
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
}
