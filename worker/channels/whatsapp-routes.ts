import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { whatsAppConfirmBodySchema, whatsAppLinkBodySchema, whatsAppLinkSchema } from '../../common/outreach.ts';
import { readConfig } from '../../server/config/config.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { whatsAppSettings } from '../../server/whatsapp/settings.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, noContent, sessionErrors } from '../openapi/route-helpers.ts';
import { whatsAppDirectory } from './whatsapp-directory.ts';

/** Linking the person's WhatsApp number: a code goes to it over WhatsApp, and comes back here. */
export const whatsAppChannelRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/channels/whatsapp', '/channels/whatsapp/*']) whatsAppChannelRoutes.use(path, requireSession());

const numberTaken = () => new AppError('phone_number_taken', 'That number is already linked to another Kindred account.');

function requireConfigured(env: AppEnv['Bindings']) {
  const config = readConfig(env);
  if (!whatsAppSettings(config)) throw new AppError('feature_not_configured', 'WhatsApp is not configured on this server.');
  return whatsAppDirectory(env.DB, config.MASTER_KEY, config.MASTER_KEY_PREVIOUS);
}

whatsAppChannelRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/channels/whatsapp',
    summary: 'Whether a WhatsApp number is linked (shown masked), and whether this server has WhatsApp at all',
    tags: ['channels'],
    responses: { 200: jsonAnswer(whatsAppLinkSchema, 'The link.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.whatsapp.link(), 200);
  },
);

whatsAppChannelRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/channels/whatsapp',
    summary: 'Send a six-digit code to the number over WhatsApp, to link it',
    description: 'The code is valid for 10 minutes and 5 tries. A new request replaces the pending one.',
    tags: ['channels'],
    request: jsonBody(whatsAppLinkBodySchema),
    responses: {
      200: jsonAnswer(whatsAppLinkSchema, 'The link, now pending.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_phone_number', 'phone_number_taken', 'source_unreachable', 'feature_not_configured'),
    },
  }),
  async (context) => {
    const directory = requireConfigured(context.env);
    const userId = context.get('account').id;
    const { phoneNumber } = context.req.valid('json');
    const owner = await directory.ownerOf(phoneNumber);
    if (owner !== undefined && owner !== userId) throw numberTaken();
    const companion = await companionOf(context.env, userId);
    return context.json(await companion.whatsapp.startLink(phoneNumber), 200);
  },
);

whatsAppChannelRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/channels/whatsapp/confirm',
    summary: 'Confirm the code sent over WhatsApp: the number is linked',
    tags: ['channels'],
    request: jsonBody(whatsAppConfirmBodySchema),
    responses: {
      200: jsonAnswer(whatsAppLinkSchema, 'The link, now linked.'),
      ...errorAnswers(...sessionErrors, ...bodyErrors, 'invalid_code', 'phone_number_taken', 'feature_not_configured'),
    },
  }),
  async (context) => {
    const directory = requireConfigured(context.env);
    const userId = context.get('account').id;
    const companion = await companionOf(context.env, userId);
    const { phoneNumber } = await companion.whatsapp.checkCode(context.req.valid('json').code);
    // Someone else may have linked the number since the code went out.
    if (!(await directory.claim(phoneNumber, userId, new Date()))) {
      await companion.whatsapp.abandonLink();
      throw numberTaken();
    }
    return context.json(await companion.whatsapp.completeLink(), 200);
  },
);

whatsAppChannelRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/channels/whatsapp',
    summary: 'Unlink the WhatsApp number: nothing more goes to it, and what it sends is no longer answered as this person',
    tags: ['channels'],
    responses: { 204: noContent, ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const config = readConfig(context.env);
    const userId = context.get('account').id;
    // The directory first: from then on no webhook reaches this person's object for that number.
    await whatsAppDirectory(context.env.DB, config.MASTER_KEY, config.MASTER_KEY_PREVIOUS).release(userId);
    const companion = await companionOf(context.env, userId);
    await companion.whatsapp.unlink();
    return context.body(null, 204);
  },
);
