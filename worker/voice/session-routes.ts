import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { voiceSettingsSchema } from '../../common/voice.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, jsonBody, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's voice settings; the spoken conversation itself runs over `/api/v1/realtime`. */
export const voiceSessionRoutes = new OpenAPIHono<AppEnv>();
voiceSessionRoutes.use('/voice/settings', requireSession());

voiceSessionRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/voice/settings',
    summary: 'Whether what the person says aloud is kept',
    description: '`keepAudio` is off by default: an utterance is transcribed and its audio forgotten; only the transcript is stored, sealed, as the message.',
    tags: ['voice'],
    responses: { 200: jsonAnswer(voiceSettingsSchema, 'The voice settings.'), ...errorAnswers(...sessionErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.voice.settings(), 200);
  },
);

voiceSessionRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/voice/settings',
    summary: 'Keep the audio of what the person says, or not',
    description:
      'With `keepAudio` on, each spoken utterance from now on is sealed with the person’s key, kept in storage under their account, and listed in `GET /me/export` (section `voice`). Turning it off keeps nothing more; utterances already kept stay until the account is deleted.',
    tags: ['voice'],
    request: jsonBody(voiceSettingsSchema),
    responses: { 200: jsonAnswer(voiceSettingsSchema, 'The voice settings as saved.'), ...errorAnswers(...sessionErrors, ...bodyErrors) },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.voice.saveSettings(context.req.valid('json')), 200);
  },
);
