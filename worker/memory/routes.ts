import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  createMemoryBodySchema,
  importConversationAnswerSchema,
  importConversationBodySchema,
  listMemoriesQuerySchema,
  memoriesAnswerSchema,
  memorySchema,
  recallAnswerSchema,
  recallBodySchema,
  searchAnswerSchema,
  searchQuerySchema,
  updateMemoryBodySchema,
} from '../../common/protocol.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';

/** What the companion remembers, searching everything the user has, and bringing histories in. */
export const memoryRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/memories', '/memories/*', '/search', '/recall', '/conversations/import']) memoryRoutes.use(path, requireSession());

const memoryIdParam = z.object({ id: z.string().min(1).max(64) });

memoryRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/memories',
    summary: 'What the companion remembers, newest first, or the best matches for a query',
    tags: ['memory'],
    request: { query: listMemoriesQuerySchema },
    responses: {
      200: jsonAnswer(memoriesAnswerSchema, 'The memories; `score` is set for a query.'),
      ...errorAnswers(...sessionErrors, 'validation_failed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ memories: await companion.memory.list(context.req.valid('query')) }, 200);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/memories',
    summary: 'Tell the companion something to remember',
    tags: ['memory'],
    request: jsonBody(createMemoryBodySchema),
    responses: { 201: jsonAnswer(memorySchema, 'The new memory.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.memory.create(context.req.valid('json')), 201);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/memories/{id}',
    summary: 'Correct a memory',
    tags: ['memory'],
    request: { params: memoryIdParam, ...jsonBody(updateMemoryBodySchema) },
    responses: { 200: jsonAnswer(memorySchema, 'The memory as stored.'), ...errorAnswers(...sessionErrors, ...bodyErrors, 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.memory.update(context.req.valid('param').id, context.req.valid('json')), 200);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/memories/{id}',
    summary: 'Forget a memory, at once and for good',
    tags: ['memory'],
    request: { params: memoryIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.memory.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/search',
    summary: 'Search everything the user has: memories, past conversations and files',
    tags: ['memory'],
    request: { query: searchQuerySchema },
    responses: {
      200: jsonAnswer(searchAnswerSchema, 'Ranked results and the time retrieval took in the object.'),
      ...errorAnswers(...sessionErrors, 'validation_failed'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    const answer = await companion.retrieval.search(context.req.valid('query'));
    context.header('Server-Timing', `retrieval;dur=${answer.tookMs}`);
    return context.json(answer, 200);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/recall',
    summary: "What the companion's prompt recalls for a message: memories, file excerpts and past turns, within its token budget",
    description:
      "The same retrieval a turn runs before it answers. With `conversationId`, the turns that conversation's prompt already holds verbatim are left out, as a turn leaves them out. Nothing is marked used.",
    tags: ['memory'],
    request: jsonBody(recallBodySchema),
    responses: {
      200: jsonAnswer(recallAnswerSchema, 'The recalled items, best first, and the estimated tokens of the block they make.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'not_found'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    const answer = await companion.memory.recall(context.req.valid('json'));
    context.header('Server-Timing', `retrieval;dur=${answer.tookMs}`);
    return context.json(answer, 200);
  },
);

memoryRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/conversations/import',
    summary: 'Import a conversation history (up to 200 messages a call), indexed like live turns',
    tags: ['conversations'],
    request: jsonBody(importConversationBodySchema),
    responses: {
      201: jsonAnswer(importConversationAnswerSchema, 'The new conversation and the ids its messages got.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.conversations.import(context.req.valid('json')), 201);
  },
);
