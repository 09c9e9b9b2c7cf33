import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  conversationAnswerSchema,
  conversationsAnswerSchema,
  createConversationBodySchema,
  listMessagesQuerySchema,
  messagesPageSchema,
  sendMessageBodySchema,
  turnAnswerSchema,
} from '../../common/protocol.ts';
import { channelHeader, sessionExpiresHeader, sessionHeader, userIdHeader } from '../../durable-objects/companion-agent.ts';
import type { Channel } from '../../server/catalog/system-prompt.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { messageValidationError } from '../../server/errors/error-handler.ts';
import type { AppEnv } from '../app-env.ts';
import { requireRealtimeSession, requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

export const conversationRoutes = new OpenAPIHono<AppEnv>();
conversationRoutes.use('/conversations', requireSession());
conversationRoutes.use('/messages', requireSession());
conversationRoutes.use('/realtime', requireRealtimeSession());

/** The mobile app says so in a header; everything else is the web client. */
const channelOf = (header: string | undefined): Channel => (header === 'mobile' ? 'mobile' : 'web');

conversationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/conversations',
    summary: 'Start a new conversation',
    description:
      "The body is optional. With `{ \"greet\": true }` the companion's persona greeting is stored as the conversation's first (assistant) message: what a new account's first chat opens with.",
    tags: ['conversations'],
    request: { body: { content: { 'application/json': { schema: createConversationBodySchema } }, required: false } },
    responses: { 201: jsonAnswer(conversationAnswerSchema, 'The new conversation.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const conversation = await (await companionOf(context.env, context.get('account').id)).conversations.create(body);
    return context.json({ conversation }, 201);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/conversations',
    summary: "The user's conversations, newest first",
    tags: ['conversations'],
    responses: { 200: jsonAnswer(conversationsAnswerSchema, 'The conversations.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => context.json({ conversations: await (await companionOf(context.env, context.get('account').id)).conversations.list() }, 200),
);

conversationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/messages',
    summary: 'Say something to the companion',
    description:
      'With `Accept: text/event-stream` the reply streams as server-sent events (`message-start`, `text-delta`, `tool-call`, `tool-result`, `message-end`, `error`), and once the stream has started a failure arrives as an `error` event; otherwise the answer comes when the reply is complete. Without `conversationId` the newest conversation continues. When the model fails, the user message is kept.',
    tags: ['conversations'],
    request: { ...jsonBody(sendMessageBodySchema) },
    responses: {
      200: {
        content: {
          'application/json': { schema: turnAnswerSchema },
          'text/event-stream': { schema: z.string() },
        },
        description: 'The stored messages, or the event stream.',
      },
      ...errorAnswers(
        ...sessionErrors,
        ...bodyErrors,
        'not_found',
        'message_too_long',
        'llm_not_configured',
        'llm_provider_error',
        'llm_invalid_response',
        'llm_timeout',
        'tool_loop_limit',
      ),
    },
  }),
  async (context) => {
    const body = context.req.valid('json');
    const companion = await companionOf(context.env, context.get('account').id);
    const request = { text: body.text, conversationId: body.conversationId, channel: channelOf(context.req.header(channelHeader)) };
    if (context.req.header('accept')?.includes('text/event-stream')) {
      const stream = await companion.turn.stream(request);
      return new Response(stream, {
        headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' },
      });
    }
    return context.json(await companion.turn.send(request), 200);
  },
  // Unlike the app's default hook, a text over the limit answers `message_too_long`.
  (result) => {
    if (!result.success) throw messageValidationError(result.error);
    return undefined;
  },
);

conversationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/messages',
    summary: "A conversation's messages, newest first, a page at a time",
    tags: ['conversations'],
    request: { query: listMessagesQuerySchema },
    responses: {
      200: jsonAnswer(messagesPageSchema, 'A page; pass `nextCursor` as `before` for older ones.'),
      ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found'),
    },
  }),
  async (context) => {
    const query = context.req.valid('query');
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.conversations.listMessages(query), 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/realtime',
    summary: 'The realtime WebSocket',
    description:
      'Send `{ "type": "message-send", "text": "…", "conversationId"?: "…" }`, `{ "type": "confirmation-answer", "confirmationId": "…", "accept": true }` or `{ "type": "ping" }`; receive the turn events as `{ "type": "<event>", … }`, plus `user-message`, `reminder-due`, `confirmation-request` and `confirmation-resolved` frames pushed to every device of the user, and `pong`. An answer to a confirmation that is no longer waiting comes back as an `error` frame with `confirmation_not_found` and its `confirmationId`. Authenticate with the cookie (from the app’s own origin) or a single-use `?ticket=` from `POST /realtime/tickets`. Signing out closes the socket with code 4001. Voice mode adds `voice-start` (`binaryAudio`?), `voice-audio`, `voice-utterance-end`, `voice-interrupt` and `voice-stop`, answered by `voice-state`, `voice-transcript`, `voice-segment`, `voice-segment-audio` and `voice-reply-end` (docs/voice.md). Audio travels as base64 in JSON, or as a binary message: the header’s length (4 bytes, unsigned, big-endian), the frame as UTF-8 JSON without its audio field, then the audio bytes (`data` of `voice-audio`, `audio` of the segments); a binary message that is not that answers `invalid_frame`.',
    tags: ['conversations'],
    responses: {
      101: { description: 'Switching to the WebSocket protocol.' },
      ...errorAnswers(...sessionErrors, 'websocket_required'),
    },
  }),
  async (context) => {
    if (context.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new AppError('websocket_required', 'This endpoint speaks WebSocket only: connect with a WebSocket client.');
    }
    const account = context.get('account');
    const headers = new Headers(context.req.raw.headers);
    headers.set(userIdHeader, account.id);
    headers.set(sessionHeader, context.get('session').key);
    headers.set(sessionExpiresHeader, String(context.get('session').expiresAt.getTime()));
    // Browsers cannot set headers on a WebSocket: the app says what it is in the query (`?client=mobile`).
    headers.set(channelHeader, channelOf(context.req.query('client') ?? context.req.header(channelHeader)));
    const companion = await companionOf(context.env, account.id);
    // The object sees the path, never the query: the ticket has been spent and stays out of its logs.
    const url = new URL(context.req.raw.url);
    url.search = '';
    return companion.fetch(new Request(url, { method: 'GET', headers }));
  },
);
