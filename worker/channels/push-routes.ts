import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { pushPublicKeyAnswerSchema, pushSubscriptionBodySchema, pushSubscriptionSchema, pushSubscriptionsAnswerSchema } from '../../common/outreach.ts';
import { readConfig } from '../../server/config/config.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, serverErrors, sessionErrors } from '../openapi/route-helpers.ts';

/** Web Push and the app's native push: the server's VAPID key, and the devices of the person that receive notifications. */
export const pushRoutes = new OpenAPIHono<AppEnv>();
pushRoutes.use('/push/subscriptions', requireSession());
pushRoutes.use('/push/subscriptions/*', requireSession());

const subscriptionIdParam = z.object({ id: z.string().min(1).max(64) });

pushRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/push/public-key',
    summary: "The server's VAPID public key, for `PushManager.subscribe({ applicationServerKey })`",
    description: 'Public, like any `applicationServerKey`. `null` when Web Push is not configured: then no device should offer notifications.',
    tags: ['push'],
    responses: { 200: jsonAnswer(pushPublicKeyAnswerSchema, 'The key, base64url, or null.'), ...errorAnswers(...serverErrors) },
  }),
  (context) => context.json({ publicKey: readConfig(context.env).VAPID_PUBLIC_KEY ?? null }, 200),
);

pushRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/push/subscriptions',
    summary: 'The devices registered for notifications, oldest first',
    tags: ['push'],
    responses: { 200: jsonAnswer(pushSubscriptionsAnswerSchema, 'Each device, without its endpoint, keys or token.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ subscriptions: await companion.push.list() }, 200);
  },
);

pushRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/push/subscriptions',
    summary: "Register this device: a browser's PushSubscription, or the app's native token",
    description:
      'The same endpoint (or token) again updates that device rather than adding another: 201 when it is new, 200 when it was known. Native tokens are kept and listed; only web subscriptions are sent to until FCM and APNs are configured.',
    tags: ['push'],
    request: jsonBody(pushSubscriptionBodySchema),
    responses: {
      201: jsonAnswer(pushSubscriptionSchema, 'The new device.'),
      200: jsonAnswer(pushSubscriptionSchema, 'The device, already registered, updated.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_subscription'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    const { subscription, created } = await companion.push.save(context.req.valid('json'));
    return created ? context.json(subscription, 201) : context.json(subscription, 200);
  },
);

pushRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/push/subscriptions/{id}',
    summary: 'Stop notifications to a device',
    tags: ['push'],
    request: { params: subscriptionIdParam },
    responses: { 204: noContent, ...errorAnswers(...sessionErrors, 'validation_failed', 'not_found') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    await companion.push.delete(context.req.valid('param').id);
    return context.body(null, 204);
  },
);
