import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { speechBodySchema } from '../../common/protocol.ts';
import { maxTranscriptionBytes, speechQuerySchema, type TranscriptionAnswer, transcriptionAnswerSchema, voiceAudioFormatSchema } from '../../common/voice.ts';
import { findVoice } from '../../server/catalog/catalog.ts';
import { readConfig } from '../../server/config/config.ts';
import { sha256Hex } from '../../server/crypto/encoding.ts';
import { AppError } from '../../server/errors/app-error.ts';
import { validationError } from '../../server/errors/error-handler.ts';
import { speechToTextFromConfig, textToSpeechFromConfig } from '../../server/providers/from-config.ts';
import { transcribableMediaTypes } from '../../server/providers/speech/speech-support.ts';
import { SpeechError } from '../../server/providers/speech/speech-to-text.ts';
import type { AppEnv } from '../app-env.ts';
import { guardRequests } from '../auth/attempt-limits.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { bodyErrors, errorAnswers, jsonAnswer, sessionErrors } from '../openapi/route-helpers.ts';

/**
 * Speech for clients outside a realtime voice session: `POST /speech` speaks a text in the
 * companion's voice (the settings preview, reading a message aloud), `POST /transcriptions` turns a
 * recorded file into words (dictation). Both answer `feature_not_configured` when the server has no
 * provider for it; `GET /catalog` says which are there, so clients rarely ask in vain.
 */
export const voiceRoutes = new OpenAPIHono<AppEnv>();
voiceRoutes.use('/speech', requireSession());
voiceRoutes.use('/transcriptions', requireSession());

/**
 * Speech and transcription requests one person may make per 15 minutes, together: each costs the
 * server's provider money, and a voice conversation uses the realtime socket, not these routes.
 */
export const speechRequestsPerWindow = 300;

/** Counts the request against the person's speech allowance, or answers `rate_limited`. */
async function guardSpeech(db: D1Database, userId: string): Promise<void> {
  await guardRequests(db, `speech:${await sha256Hex(userId)}`, speechRequestsPerWindow, 'Too many speech requests.');
}

/** A provider's failure as the API's error: its kind decides between a gateway error and a timeout. */
function speechFailure(error: unknown): unknown {
  if (!(error instanceof SpeechError)) return error;
  if (error.kind === 'unsupported-audio') return new AppError('unsupported_media_type', error.message, { cause: error });
  if (error.kind === 'timeout') return new AppError('speech_timeout', 'The speech provider took too long to answer.', { cause: error });
  return new AppError('speech_provider_error', 'The speech provider failed; please try again.', { cause: error });
}

voiceRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/speech',
  summary: "Speak a text in the companion's voice, or in a catalog voice",
  description:
    'The audio streams as the provider makes it, with its Content-Type: `wav` unless `?format=` asks for another voice format (a provider that cannot give it answers its nearest, and the Content-Type says which). `audio/wav` from the local eSpeak NG server.',
  tags: ['voice'],
  request: { query: speechQuerySchema, body: { content: { 'application/json': { schema: speechBodySchema } }, required: true } },
  responses: {
    200: {
      description: 'The audio.',
      content: {
        'audio/wav': { schema: z.string() },
        'audio/mpeg': { schema: z.string() },
        'audio/ogg': { schema: z.string() },
        'audio/pcm': { schema: z.string() },
      },
    },
    ...errorAnswers(...sessionErrors, ...bodyErrors, 'unknown_voice', 'feature_not_configured', 'rate_limited', 'speech_provider_error', 'speech_timeout'),
  },
});
voiceRoutes.post('/speech', async (context) => {
  const config = readConfig(context.env);
  const textToSpeech = textToSpeechFromConfig(config, context.env);
  if (textToSpeech === undefined) throw new AppError('feature_not_configured', 'This server has no text-to-speech provider (TTS_PROVIDER).');
  await guardSpeech(context.env.DB, context.get('account').id);
  const query = speechQuerySchema.safeParse({ format: context.req.query('format') });
  if (!query.success) throw validationError(query.error, 'query');
  let raw: unknown;
  try {
    raw = await context.req.json();
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.');
  }
  const body = speechBodySchema.safeParse(raw);
  if (!body.success) throw validationError(body.error);
  const voiceId = body.data.voiceId ?? (await (await companionOf(context.env, context.get('account').id)).companion.getCompanion()).voiceId;
  const voice = findVoice(voiceId);
  if (voice === undefined) throw new AppError('unknown_voice', `There is no voice ${voiceId} in the catalog.`);
  const format = query.data.format ?? voiceAudioFormatSchema.enum.wav;
  const signal = context.req.raw.signal;
  let iterator: AsyncIterator<Uint8Array>;
  let first: IteratorResult<Uint8Array>;
  let contentType: string;
  try {
    const audio = await textToSpeech.synthesize({ text: body.data.text, voice, format, signal });
    contentType = audio.contentType;
    iterator = audio.chunks[Symbol.asyncIterator]();
    // The first chunk is awaited before answering, so a provider that fails at once gets a proper error answer.
    first = await iterator.next();
  } catch (error) {
    throw speechFailure(error);
  }
  let pending: IteratorResult<Uint8Array> | undefined = first;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = pending ?? (await iterator.next());
        pending = undefined;
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        // Halfway through there is no status left to change: the answer is cut, which the client hears.
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return context.body(stream, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
});

voiceRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/transcriptions',
  summary: 'The words in a recorded audio file',
  description: `A multipart form with the audio as \`file\` (WAV, WebM, Ogg, MP3, M4A or FLAC, at most ${maxTranscriptionBytes / 1024 / 1024} MiB) and an optional BCP 47 \`language\` hint. Silence gives empty text.`,
  tags: ['voice'],
  request: {
    body: {
      content: { 'multipart/form-data': { schema: z.object({ file: z.string().describe('The audio file'), language: z.string().optional() }) } },
      required: true,
    },
  },
  responses: {
    200: jsonAnswer(transcriptionAnswerSchema, 'The transcript.'),
    ...errorAnswers(
      ...sessionErrors,
      'validation_failed',
      'payload_too_large',
      'unsupported_media_type',
      'feature_not_configured',
      'speech_provider_error',
      'speech_timeout',
    ),
  },
});
voiceRoutes.post('/transcriptions', async (context) => {
  const speechToText = speechToTextFromConfig(readConfig(context.env), context.env);
  if (speechToText === undefined) throw new AppError('feature_not_configured', 'This server has no speech-to-text provider (STT_PROVIDER).');
  await guardSpeech(context.env.DB, context.get('account').id);
  const mediaType = (context.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'multipart/form-data') throw new AppError('unsupported_media_type', 'Send the audio as multipart/form-data with a `file` field.');
  let form: FormData;
  try {
    form = await context.req.raw.formData();
  } catch {
    throw new AppError('validation_failed', 'The multipart form could not be read.');
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') throw new AppError('validation_failed', 'The form needs the audio as a `file` field.');
  if (file.size > maxTranscriptionBytes) throw new AppError('payload_too_large', `The audio is over ${maxTranscriptionBytes / 1024 / 1024} MiB.`);
  const fileType = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!transcribableMediaTypes.includes(fileType)) {
    throw new AppError('unsupported_media_type', `Audio of type ${fileType || 'unknown'} cannot be transcribed; send WAV, WebM, Ogg, MP3, M4A or FLAC.`);
  }
  const language = form.get('language');
  const languageHint = z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/)
    .optional()
    .safeParse(typeof language === 'string' && language.length > 0 ? language : undefined);
  if (!languageHint.success) throw validationError(languageHint.error);
  try {
    const transcript = await speechToText.transcribe(
      { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type },
      { language: languageHint.data, signal: context.req.raw.signal },
    );
    const answer: TranscriptionAnswer =
      transcript.language === undefined ? { text: transcript.text } : { text: transcript.text, language: transcript.language };
    return context.json(answer, 200);
  } catch (error) {
    throw speechFailure(error);
  }
});
