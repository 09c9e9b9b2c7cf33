import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  type FileContent,
  type FileEntry,
  type FileVersionContent,
  type FileVersionsAnswer,
  fileContentSchema,
  fileEntrySchema,
  filesAnswerSchema,
  fileVersionContentSchema,
  fileVersionsAnswerSchema,
  listFilesQuerySchema,
  writeFileBodySchema,
} from '../../common/protocol.ts';
import { decodeFilePath } from '../../durable-objects/files/file-path.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { validationError } from '../../server/errors/error-handler.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/**
 * The user's persistent files. The path is the rest of the URL (`/files/notes/ideas.md`), checked
 * by the object's path rules after one percent-decoding; `?versions` lists earlier versions and
 * `?version=<id>` reads one.
 */
export const fileRoutes = new OpenAPIHono<AppEnv>();
fileRoutes.use('/files', requireSession());
fileRoutes.use('/files/*', requireSession());

function pathOf(url: string): string {
  const raw = new URL(url).pathname.replace(/^.*?\/files\//, '');
  const parsed = decodeFilePath(raw);
  if (!parsed.success) throw new AppError('invalid_path', `That file path is not allowed: ${parsed.error}`);
  return parsed.value;
}

/** A write's body: JSON as it came, or the raw text as if it had come as `{ content }`. */
async function writeBodyOf(request: Request): Promise<unknown> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'text/markdown' || mediaType === 'text/plain') return { content: await request.text() };
  if (mediaType !== 'application/json') {
    throw new AppError('unsupported_media_type', 'Send the file as JSON `{ content, expectedVersionId? }`, or as text/markdown or text/plain.');
  }
  try {
    return await request.json();
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.');
  }
}

const pathParam = z.object({ path: z.string().describe('The file path, such as notes/ideas.md or journal/2026-11-24.md') });

fileRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/files',
    summary: "The user's files",
    tags: ['files'],
    request: { query: listFilesQuerySchema },
    responses: { 200: jsonAnswer(filesAnswerSchema, 'The files, by path.'), ...errorAnswers(...sessionErrors, 'validation_failed') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ files: await companion.files.list(context.req.valid('query').prefix) }, 200);
  },
);

fileRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/files/{path}',
  summary: 'Read a file, list its earlier versions (`?versions`), or read one (`?version=<id>`)',
  tags: ['files'],
  request: { params: pathParam, query: z.object({ versions: z.string().optional(), version: z.string().optional() }) },
  responses: {
    200: jsonAnswer(
      z.union([fileContentSchema, fileVersionsAnswerSchema, fileVersionContentSchema]),
      'The file; with `?versions`, its versions, newest first; with `?version=<id>`, that version.',
    ),
    ...errorAnswers(...sessionErrors, 'invalid_path', 'not_found'),
  },
});
fileRoutes.get('/files/*', async (context) => {
  const path = pathOf(context.req.url);
  const companion = await companionOf(context.env, context.get('account').id);
  const version = context.req.query('version');
  if (context.req.query('versions') !== undefined) {
    return context.json({ versions: await companion.files.versions(path) } satisfies FileVersionsAnswer, 200);
  }
  if (version) return context.json((await companion.files.readVersion(path, version)) satisfies FileVersionContent, 200);
  return context.json((await companion.files.read(path)) satisfies FileContent, 200);
});

fileRoutes.openAPIRegistry.registerPath({
  method: 'put',
  path: '/files/{path}',
  summary: 'Write a file; the previous version is kept. Pass `expectedVersionId` to refuse overwriting a newer version',
  description: 'The body is JSON, or the content itself as `text/markdown` or `text/plain`; any other type is refused.',
  tags: ['files'],
  request: {
    params: pathParam,
    body: {
      content: { 'application/json': { schema: writeFileBodySchema }, 'text/markdown': { schema: z.string() }, 'text/plain': { schema: z.string() } },
      required: true,
    },
  },
  responses: {
    200: jsonAnswer(fileEntrySchema, 'The file as stored.'),
    ...errorAnswers(...sessionErrors, ...bodyErrors, 'unsupported_media_type', 'invalid_path', 'version_conflict', 'too_many_files', 'file_too_large'),
  },
});
fileRoutes.put('/files/*', async (context) => {
  const path = pathOf(context.req.url);
  const parsed = writeFileBodySchema.safeParse(await writeBodyOf(context.req.raw));
  if (!parsed.success) throw validationError(parsed.error);
  const companion = await companionOf(context.env, context.get('account').id);
  return context.json((await companion.files.write(path, parsed.data.content, parsed.data.expectedVersionId)) satisfies FileEntry, 200);
});

fileRoutes.openAPIRegistry.registerPath({
  method: 'delete',
  path: '/files/{path}',
  summary: 'Delete a file and all its versions',
  tags: ['files'],
  request: { params: pathParam },
  responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'invalid_path', 'not_found') },
});
fileRoutes.delete('/files/*', async (context) => {
  const path = pathOf(context.req.url);
  const companion = await companionOf(context.env, context.get('account').id);
  await companion.files.delete(path);
  return context.body(null, 204);
});
