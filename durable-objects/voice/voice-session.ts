import { type ApprovalWord, spokenApprovalQuestion, spokenApprovalWordOf } from '../../common/approval-words.ts';
import { encodeBinaryFrame } from '../../common/binary-frame.ts';
import type { Voice } from '../../common/catalog.ts';
import type { Message, StreamEvent } from '../../common/protocol.ts';
import {
  type Emotion,
  maxUtteranceSeconds,
  maxVoiceChunkBytes,
  type VoiceAudioFormat,
  type VoiceServerFrame,
  type VoiceState,
  voiceInputSampleRate,
} from '../../common/voice.ts';
import { log } from '../../server/logging/log.ts';
import type { SpeechToText } from '../../server/providers/speech/speech-to-text.ts';
import type { SpeechAlignment, TextToSpeech } from '../../server/providers/speech/text-to-speech.ts';
import { sentToEverySocketByApprovals } from '../approvals/approvals-capability.ts';
import type { ClientConnection } from '../host/capability.ts';
import { frameError } from '../host/connections.ts';
import { letRequestsLeave } from '../host/requests-leave.ts';
import type { TurnAnswer, TurnObserver, TurnRequest } from '../turn/turn-capability.ts';
import {
  alignmentEnvelope,
  concatBytes,
  envelopeStepMs,
  fromBase64,
  heardPart,
  normalisedEnvelope,
  pcm16DurationMs,
  pcm16Levels,
  pcm16Samples,
  rms,
  silenceRms,
  toBase64,
} from './audio.ts';
import { chooseEmotion } from './emotion.ts';
import { PcmParts } from './pcm-parts.ts';
import { SpokenSentences } from './spoken-sentences.ts';

// `agents/voice/text` rather than `agents/voice`: the index also loads the SDK's whole voice pipeline
// (its SFU transport, protobuf framing and Workers AI clients), none of which this session uses.

/** The most PCM bytes one utterance keeps: longer speech is cut here and transcribed as is. */
export const maxUtteranceBytes = maxUtteranceSeconds * voiceInputSampleRate * 2;
/** The sample rate asked of synthesis: what browsers play without resampling artefacts and what lip sync needs. */
const synthesisSampleRate = 24_000;
/** For compressed audio without timings, a duration from the text: about 15 characters a second of speech. */
const estimatedMsPerCharacter = 65;

/** What the session needs of the rest of the object. */
export interface VoiceSessionDependencies {
  speechToText: () => SpeechToText | undefined;
  textToSpeech: () => TextToSpeech | undefined;
  /** The companion's catalog voice, read per reply (the person may change it between turns). */
  voice: () => Promise<Voice | undefined>;
  runTurn: (request: TurnRequest, observer: TurnObserver) => Promise<TurnAnswer>;
  /** Every open client of the user: the text of a spoken turn shows on each, as a typed one does. */
  devices: () => ClientConnection[];
  replaceAssistantText: (messageId: string, text: string) => Promise<Message | undefined>;
  /** Seals and keeps the utterance's audio when the person turned that on; does nothing otherwise. */
  keepAudio: (pcm: Uint8Array, messageId: string) => Promise<void>;
  /** Answers a request to approve a tool call; false when it no longer waits (answered elsewhere, expired). */
  answerApproval: (approvalId: string, answer: ApprovalWord) => Promise<boolean>;
  track: (work: Promise<unknown>) => void;
}

interface Utterance {
  id: string;
  chunks: Uint8Array[];
  nextSeq: number;
  bytes: number;
  capped: boolean;
  rejected: boolean;
}

/**
 * When each stage of one spoken turn was reached, in ms since `voice-utterance-end` arrived: logged
 * once per turn (numbers only, never what was said) so a benchmark or an operator can see where the
 * time goes. The object's clock only moves on I/O, so CPU work shows inside the next I/O stage.
 */
type StageName =
  | 'transcribeStarted'
  | 'transcribed'
  | 'turnStarted'
  | 'userStored'
  | 'replyStarted'
  | 'firstDelta'
  | 'firstSentence'
  | 'synthesisAnswered'
  | 'synthesisComplete'
  | 'firstSegmentSent';

class StageTimings {
  readonly #startedAt = Date.now();
  readonly #reached: Partial<Record<StageName, number>> = {};

  mark(stage: StageName): void {
    this.#reached[stage] ??= Date.now() - this.#startedAt;
  }

  /** One flat log line; a stage never reached is left out. */
  log(fields: { turnOfSession: number; interrupted: boolean }): void {
    const stages: Record<string, number> = {};
    for (const [stage, reachedMs] of Object.entries(this.#reached)) stages[`ms_${stage}`] = reachedMs;
    log.info('voice turn timings', { ...fields, ...stages });
  }
}

interface SpokenSegment {
  text: string;
  /** The audio sent so far; the whole sentence's once `complete`. */
  durationMs: number;
  complete: boolean;
  alignment?: SpeechAlignment;
  /** Said around the reply, not part of it (the question before a tool runs): a cut reply's text leaves it out. */
  aside?: boolean;
}

/** One reply being spoken, or the last one spoken (a client may still be playing it when the person cuts in). */
interface Reply {
  messageId?: string;
  readonly controller: AbortController;
  /** Segments sent, in order. */
  readonly sent: SpokenSegment[];
  /** Set once the reply is fully sent or stopped: no segment goes out after it. */
  stopped: boolean;
  finished: boolean;
  /** Settles once the turn has stored the reply. */
  stored: Promise<TurnAnswer | undefined>;
  /** Settles once every segment was sent (or dropped). */
  spoken: Promise<void>;
  /** The request to approve a tool call the reply waits on: the person's next words answer it. */
  approvalId?: string;
}

/**
 * The voice mode of one realtime connection: collects an utterance's audio, gates silence,
 * transcribes, runs the turn as a typed message would run, and speaks the reply sentence by sentence
 * as it streams. Barge-in stops generation and synthesis at once and cuts the stored reply to what
 * was heard.
 */
export class VoiceSession {
  #utterance: Utterance | undefined;
  #reply: Reply | undefined;
  #conversationId: string | undefined;
  #outputNoticeSent = false;
  /** The last `voice-state` sent. */
  #state: VoiceState = 'idle';
  /** The client asked for the reply's audio as binary frames (`voice-start`'s `binaryAudio`). */
  #binaryAudio = false;
  #closed = false;
  #turnsHeard = 0;

  constructor(
    private readonly connection: ClientConnection,
    private readonly dependencies: VoiceSessionDependencies,
  ) {}

  /** `voice-start`: false when no transcriber is configured (the client listens itself then). */
  start(conversationId: string | undefined, binaryAudio = false): boolean {
    if (conversationId !== undefined) this.#conversationId = conversationId;
    this.#binaryAudio = binaryAudio;
    if (!this.dependencies.speechToText()) {
      this.#send(frameError('voice_input_not_configured', 'No speech recognition is configured on this server; use the device to listen and send the text.'));
      return false;
    }
    this.#setState('listening');
    this.#noticeMissingOutput();
    return true;
  }

  /** One `voice-audio` chunk. Synchronous up to the barge-in, so chunks are taken strictly in the order they arrive. */
  audio(frame: { utteranceId: string; seq: number; data: string | Uint8Array }): void {
    let bytes: Uint8Array;
    try {
      // A binary frame brings the bytes; a text frame, their base64.
      bytes = typeof frame.data === 'string' ? fromBase64(frame.data) : frame.data;
    } catch {
      this.#send(frameError('validation_failed', 'The audio is not valid base64.'));
      return;
    }
    let utterance = this.#utterance;
    if (utterance?.id !== frame.utteranceId) {
      if (frame.seq !== 0) {
        this.#send(frameError('voice_chunk_out_of_order', `The utterance ${frame.utteranceId} did not start with chunk 0.`));
        this.#utterance = { id: frame.utteranceId, chunks: [], nextSeq: 0, bytes: 0, capped: false, rejected: true };
        return;
      }
      // The person speaks while the companion talks: they hear nothing more of it. While it waits for
      // their yes or no, what they say may be the answer: that is read once it is transcribed.
      if (this.#reply && !this.#reply.finished && this.#reply.approvalId === undefined)
        this.dependencies.track(this.#stopReply(this.#reply, { kind: 'sent' }, { notify: true, arrivedAt: Date.now() }));
      utterance = { id: frame.utteranceId, chunks: [], nextSeq: 0, bytes: 0, capped: false, rejected: false };
      this.#utterance = utterance;
    }
    if (utterance.rejected) return;
    if (bytes.byteLength > maxVoiceChunkBytes) {
      utterance.rejected = true;
      this.#send(frameError('voice_chunk_too_large', `One audio chunk may hold at most ${maxVoiceChunkBytes} bytes; the utterance was dropped.`));
      return;
    }
    if (frame.seq !== utterance.nextSeq) {
      utterance.rejected = true;
      this.#send(frameError('voice_chunk_out_of_order', `Expected chunk ${utterance.nextSeq} of the utterance, got ${frame.seq}; the utterance was dropped.`));
      return;
    }
    utterance.nextSeq += 1;
    if (utterance.capped) return;
    const room = maxUtteranceBytes - utterance.bytes;
    if (bytes.byteLength >= room) {
      utterance.capped = true;
      bytes = bytes.subarray(0, room);
    }
    utterance.chunks.push(bytes);
    utterance.bytes += bytes.byteLength;
  }

  /** `voice-utterance-end`: the gate, the transcript, and the spoken reply. */
  async utteranceEnd(frame: { utteranceId: string; conversationId?: string }): Promise<void> {
    const utterance = this.#utterance?.id === frame.utteranceId ? this.#utterance : undefined;
    this.#utterance = undefined;
    if (utterance?.rejected) {
      this.#setState('listening');
      return;
    }
    const pcm = concatBytes(utterance?.chunks ?? []);
    if (rms(pcm16Samples(pcm)) < silenceRms) {
      // Silence or noise only: no transcriber is asked, nothing is stored.
      this.#heardNothing(frame.utteranceId);
      return;
    }
    const speechToText = this.dependencies.speechToText();
    if (!speechToText) {
      this.#send(frameError('voice_input_not_configured', 'No speech recognition is configured on this server.'));
      return;
    }
    this.#setState('transcribing');
    const timings = new StageTimings();
    const voice = await this.dependencies.voice();
    timings.mark('transcribeStarted');
    let text: string;
    try {
      const transcript = await speechToText.transcribe(
        { bytes: pcm, mimeType: 'audio/pcm', sampleRate: voiceInputSampleRate },
        voice ? { language: voice.language.split('-')[0] } : {},
      );
      text = transcript.text.trim();
      timings.mark('transcribed');
    } catch (error) {
      log.warn('transcription failed', { provider: speechToText.provider, error: error instanceof Error ? error.name : 'unknown' });
      this.#send(frameError('voice_transcription_failed', 'Kindred could not transcribe what was said. Please try again.'));
      this.#setState('listening');
      return;
    }
    if (text === '') {
      this.#heardNothing(frame.utteranceId);
      return;
    }
    if (this.#closed) return;
    if (await this.#answeredApproval(text, frame.utteranceId)) return;
    this.#turnsHeard += 1;
    const turnOfSession = this.#turnsHeard;
    const reply = await this.#speakReply(text, frame.utteranceId, frame.conversationId ?? this.#conversationId, pcm, voice, timings);
    timings.log({ turnOfSession, interrupted: reply.stopped });
  }

  /**
   * While the reply waits for the person to approve a tool call, a spoken "yes", "no" or "always"
   * answers it and the reply goes on: true then. Anything else moves on to a new turn, and the reply
   * it talks over stops, which declines the request.
   */
  async #answeredApproval(text: string, utteranceId: string): Promise<boolean> {
    const reply = this.#reply;
    const approvalId = reply && !reply.finished ? reply.approvalId : undefined;
    if (reply === undefined || approvalId === undefined) return false;
    const word = spokenApprovalWordOf(text);
    if (word !== null && (await this.dependencies.answerApproval(approvalId, word))) {
      this.#sendFrame({ type: 'voice-transcript', utteranceId, text });
      this.#setState('thinking', 'thinking');
      return true;
    }
    await this.#stopReply(reply, { kind: 'sent' }, { notify: true, arrivedAt: Date.now() });
    return false;
  }

  /** No words in the utterance: an empty transcript, no turn, and back to listening. */
  #heardNothing(utteranceId: string): void {
    this.#sendFrame({ type: 'voice-transcript', utteranceId, text: '' });
    this.#setState('listening');
  }

  /** `voice-interrupt`: the person cut in after `playedSegments` segments and `playedMs` of the next. */
  async interrupt(frame: { messageId: string; playedSegments: number; playedMs?: number }): Promise<void> {
    const arrivedAt = Date.now();
    const reply = this.#reply;
    if (!reply || reply.messageId !== frame.messageId) return;
    await this.#stopReply(reply, { kind: 'played', segments: frame.playedSegments, playedMs: frame.playedMs ?? 0 }, { notify: true, arrivedAt });
  }

  /** `voice-stop`: a reply in progress stops as for an interrupt with nothing heard of it. */
  async stop(): Promise<void> {
    this.#utterance = undefined;
    const reply = this.#reply;
    if (reply && !reply.finished) await this.#stopReply(reply, { kind: 'played', segments: 0, playedMs: 0 }, { notify: true, arrivedAt: Date.now() });
    this.#setState('idle');
  }

  /** The socket closed: synthesis stops, and the reply is stored as far as it was sent. */
  close(): void {
    this.#closed = true;
    this.#utterance = undefined;
    const reply = this.#reply;
    if (reply && !reply.finished) this.dependencies.track(this.#stopReply(reply, { kind: 'sent' }, { notify: false, arrivedAt: Date.now() }));
  }

  /** Runs the turn for the transcript and speaks its reply as it streams. */
  async #speakReply(
    text: string,
    utteranceId: string,
    conversationId: string | undefined,
    pcm: Uint8Array,
    voice: Voice | undefined,
    timings: StageTimings,
  ): Promise<Reply> {
    const textToSpeech = this.dependencies.textToSpeech();
    if (!textToSpeech) this.#noticeMissingOutput();
    const controller = new AbortController();
    const sentences = new SpokenSentences();
    let settling = false;
    /** Synthesis requests asked for that have not answered yet: the reply's write must not hold them. */
    let unanswered = 0;
    const answered = () => {
      unanswered -= 1;
    };
    let resolveStored: (answer: TurnAnswer | undefined) => void = () => {};
    const reply: Reply = {
      controller,
      sent: [],
      stopped: false,
      finished: false,
      stored: new Promise((resolve) => {
        resolveStored = resolve;
      }),
      spoken: Promise.resolve(),
    };
    this.#reply = reply;
    let sentSoFar = '';
    let index = 0;
    const speak = (sentence: string, aside = false) => {
      if (!textToSpeech || !voice || reply.stopped) return;
      const segmentIndex = index++;
      if (!aside) sentSoFar = sentSoFar === '' ? sentence : `${sentSoFar} ${sentence}`;
      const emotion = chooseEmotion(sentSoFar, text);
      if (segmentIndex === 0) timings.mark('firstSentence');
      // Synthesis starts now; sending waits for the segments before it, so they go out in order.
      unanswered += 1;
      const synthesized = synthesize(textToSpeech, voice, sentence, controller.signal, segmentIndex === 0 ? timings : undefined);
      // A failure is handled where the segment is sent.
      synthesized.then(answered, answered);
      reply.spoken = reply.spoken.then(async () => {
        let segment: SynthesizedSegment | StreamedSegment;
        try {
          segment = await synthesized;
        } catch (error) {
          this.#synthesisFailed(textToSpeech, controller.signal, error);
          return;
        }
        if (reply.stopped || this.#closed || reply.messageId === undefined) return;
        if (segment.kind === 'streamed') {
          await this.#sendStreamed(
            reply,
            reply.messageId,
            { index: segmentIndex, text: sentence, emotion, aside },
            segment,
            segmentIndex === 0 ? timings : undefined,
          );
          return;
        }
        this.#sendSegment(
          reply,
          { text: sentence, durationMs: segment.durationMs, complete: true, aside, ...(segment.alignment ? { alignment: segment.alignment } : {}) },
          {
            type: 'voice-segment',
            messageId: reply.messageId,
            index: segmentIndex,
            text: sentence,
            format: segment.format,
            ...(segment.sampleRate ? { sampleRate: segment.sampleRate } : {}),
            audio: segment.audio,
            durationMs: segment.durationMs,
            envelopeStepMs,
            envelope: segment.envelope,
            emotion,
          },
          segmentIndex === 0 ? timings : undefined,
        );
      });
    };

    this.#setState('thinking', 'thinking');
    const devices = this.dependencies.devices();
    const toDevices = (frameText: string) => {
      for (const device of devices) {
        try {
          device.send(frameText);
        } catch {
          // A device that went away misses the rest of this turn; it catches up from history.
        }
      }
    };
    let answer: TurnAnswer | undefined;
    timings.mark('turnStarted');
    try {
      answer = await this.dependencies.runTurn(
        { text, conversationId, channel: this.connection.channel },
        {
          signal: controller.signal,
          onReplyComplete: () => {
            for (const sentence of sentences.flush()) speak(sentence);
            // The reply's write waits until the synthesis requests are on their way: the one for the
            // last sentence, asked for just now, and one asked for when the stream paused, which may
            // still be waiting for its connection.
            return unanswered > 0 ? letRequestsLeave() : undefined;
          },
          // The reply's text straight from the model, not the joined frames the devices get: a
          // sentence goes to synthesis the moment its last word arrives.
          onText: (delta: string) => {
            timings.mark('firstDelta');
            for (const sentence of sentences.add(delta)) speak(sentence);
            if (settling) return;
            // Once the deltas that came in this read are handled: a finished sentence need not wait
            // for the model's next token.
            settling = true;
            setTimeout(() => {
              settling = false;
              for (const sentence of sentences.settle()) speak(sentence);
            }, 0);
          },
          send: (event: StreamEvent) => {
            if (!sentToEverySocketByApprovals(event)) toDevices(JSON.stringify(event));
            if (event.type === 'message-start') {
              reply.messageId = event.messageId;
              timings.mark('replyStarted');
            } else if (event.type === 'tool-approval-request') {
              // Hands-free, the card is not enough: the question is said too, after what the model said
              // so far, and the person's next words answer it.
              reply.approvalId = event.approvalId;
              for (const sentence of sentences.flush()) speak(sentence);
              speak(spokenApprovalQuestion(event.approval), true);
            } else if (event.type === 'tool-approval-resolved' && event.approval.id === reply.approvalId) {
              reply.approvalId = undefined;
            }
          },
          onUserMessage: (message) => {
            timings.mark('userStored');
            toDevices(JSON.stringify({ type: 'user-message', message }));
            this.#sendFrame({ type: 'voice-transcript', utteranceId, text, messageId: message.id });
            this.dependencies.track(
              this.dependencies.keepAudio(pcm, message.id).catch((error: unknown) => {
                log.error('keeping voice audio failed', { error: error instanceof Error ? error.name : 'unknown' });
              }),
            );
          },
        },
      );
      reply.messageId = answer.assistantMessage.id;
      // A reply Kindred gave itself (no model) has no completion hook: what is left is said now.
      if (!answer.interrupted) for (const sentence of sentences.flush()) speak(sentence);
      // A flagged message: after the reply, the person hears where to call (the app shows the rest).
      const spokenLine = answer.care?.verdict.spokenLine;
      if (!answer.interrupted && spokenLine) speak(spokenLine);
    } catch {
      // Already sent to the devices as an `error` frame by the turn.
    } finally {
      resolveStored(answer);
    }
    await reply.spoken;
    if (reply.stopped) return reply;
    reply.finished = true;
    if (answer && reply.messageId && !this.#closed) {
      this.#sendFrame({ type: 'voice-reply-end', messageId: reply.messageId, interrupted: false, spokenText: answer.assistantMessage.text });
    }
    this.#setState('listening');
    return reply;
  }

  /**
   * Stops a reply: the model and every pending synthesis are aborted at once and nothing more is
   * sent. The client hears `voice-reply-end` right away (what was heard is known from the segments
   * sent); the stored reply is cut to it once the turn has stored what streamed, and every device
   * then gets the cut message as `message-end`.
   */
  async #stopReply(
    reply: Reply,
    heard: { kind: 'sent' } | { kind: 'played'; segments: number; playedMs: number },
    options: { notify: boolean; arrivedAt: number },
  ): Promise<void> {
    const wasStopped = reply.stopped;
    reply.stopped = true;
    reply.finished = true;
    reply.controller.abort(new DOMException('The person cut in.', 'AbortError'));
    // A tool call the reply waited on does not run without a yes; declining it lets the turn end now
    // rather than when the request expires.
    const approvalId = reply.approvalId;
    reply.approvalId = undefined;
    if (approvalId !== undefined) this.dependencies.track(this.dependencies.answerApproval(approvalId, 'no'));
    if (wasStopped && heard.kind === 'sent') return;
    // What was heard: every segment sent, or those played to the end and the words of the one playing.
    // A question said around the reply is not part of its text.
    const playedThrough = heard.kind === 'sent' ? reply.sent : reply.sent.slice(0, heard.segments);
    const playing = heard.kind === 'played' ? reply.sent[heard.segments] : undefined;
    const spokenText = [
      ...playedThrough.filter((segment) => !segment.aside).map((segment) => segment.text),
      ...(heard.kind === 'played' && playing && !playing.aside ? [heardPart(playing.text, heard.playedMs, wholeDurationMs(playing), playing.alignment)] : []),
    ]
      .filter((part) => part !== '')
      .join(' ');
    const notify = () => options.notify && !this.#closed;
    if (notify() && reply.messageId) {
      this.#sendFrame({ type: 'voice-reply-end', messageId: reply.messageId, interrupted: true, spokenText });
      this.#setState('listening');
    }
    const answer = await reply.stored;
    const messageId = reply.messageId;
    log.info('voice reply stopped', { abortedInMs: Date.now() - options.arrivedAt, heardSegments: heard.kind === 'sent' ? reply.sent.length : heard.segments });
    if (!answer || !messageId) {
      if (notify()) this.#setState('listening');
      return;
    }
    const stored = await this.dependencies.replaceAssistantText(messageId, spokenText);
    if (!stored || !notify()) return;
    const frame = JSON.stringify({ type: 'message-end', message: stored });
    for (const device of this.dependencies.devices()) {
      try {
        device.send(frame);
      } catch {
        // Gone; it reads the cut reply from history.
      }
    }
  }

  /**
   * A sentence's first frame: the reply's first puts the face to `speaking` with its emotion; the
   * sentence is noted as sent (what a barge-in cuts against) as its `voice-segment` goes out.
   */
  #sendSegment(reply: Reply, spoken: SpokenSegment, frame: Extract<VoiceServerFrame, { type: 'voice-segment' }>, timings: StageTimings | undefined): void {
    // The reply's first sentence, or the first after it paused for a question's answer.
    if (frame.index === 0 || this.#state !== 'speaking') this.#setState('speaking', frame.emotion);
    reply.sent.push(spoken);
    this.#sendFrame(frame);
    timings?.mark('firstSegmentSent');
  }

  /**
   * Sends a sentence whose PCM streams: its first part as `voice-segment` the moment it arrives, the
   * rest as `voice-segment-audio`, the last marked `final`. A stream that breaks off still ends the
   * segment, so the device does not wait for audio that will not come.
   */
  async #sendStreamed(
    reply: Reply,
    messageId: string,
    sentence: { index: number; text: string; emotion: Emotion; aside: boolean },
    segment: StreamedSegment,
    timings: StageTimings | undefined,
  ): Promise<void> {
    const spoken: SpokenSegment = { text: sentence.text, durationMs: 0, complete: false, aside: sentence.aside };
    let part = 0;
    let loudest = 0;
    let ended = false;
    try {
      for await (const { bytes, last } of segment.parts.parts()) {
        if (reply.stopped || this.#closed) return;
        const levels = pcm16Levels(bytes, segment.sampleRate);
        const envelope = normalisedEnvelope(levels, loudest);
        loudest = Math.max(loudest, ...levels);
        const durationMs = pcm16DurationMs(bytes.byteLength, segment.sampleRate);
        spoken.durationMs += durationMs;
        spoken.complete = last;
        const audio = { audio: bytes, durationMs, envelope, ...(last ? {} : { final: false }) };
        if (part === 0) {
          const { index, text, emotion } = sentence;
          const frame = {
            type: 'voice-segment',
            messageId,
            index,
            text,
            format: 'pcm16',
            sampleRate: segment.sampleRate,
            envelopeStepMs,
            emotion,
            ...audio,
          } as const;
          this.#sendSegment(reply, spoken, frame, timings);
        } else {
          this.#sendFrame({ type: 'voice-segment-audio', messageId, index: sentence.index, part, ...audio });
        }
        part += 1;
        ended = last;
      }
      timings?.mark('synthesisComplete');
    } catch (error) {
      this.#synthesisFailed(segment, reply.controller.signal, error);
    } finally {
      if (part > 0 && !ended && !reply.stopped) {
        spoken.complete = true;
        this.#sendFrame({ type: 'voice-segment-audio', messageId, index: sentence.index, part, audio: new Uint8Array(), durationMs: 0, envelope: [] });
      }
    }
  }

  #synthesisFailed(textToSpeech: Pick<TextToSpeech, 'provider'>, signal: AbortSignal, error: unknown): void {
    if (signal.aborted) return;
    log.warn('speech synthesis failed', { provider: textToSpeech.provider, error: error instanceof Error ? error.name : 'unknown' });
  }

  #noticeMissingOutput(): void {
    if (this.#outputNoticeSent || this.dependencies.textToSpeech()) return;
    this.#outputNoticeSent = true;
    this.#send(frameError('voice_output_not_configured', 'No speech synthesis is configured on this server; the device speaks the replies.'));
  }

  #setState(state: VoiceState, emotion?: Emotion): void {
    this.#state = state;
    this.#sendFrame({ type: 'voice-state', state, ...(emotion ? { emotion } : {}) });
  }

  /**
   * A frame with audio goes as a binary frame to a client that asked for one (the bytes as they are),
   * else as JSON with the audio in base64; every other frame as JSON.
   */
  #sendFrame(frame: VoiceServerFrame): void {
    if (!('audio' in frame) || typeof frame.audio === 'string') {
      this.#send(JSON.stringify(frame));
      return;
    }
    const { audio, ...header } = frame;
    this.#send(this.#binaryAudio ? encodeBinaryFrame(header, audio) : JSON.stringify({ ...header, audio: toBase64(audio) }));
  }

  #send(frame: string | Uint8Array<ArrayBuffer>): void {
    if (this.#closed) return;
    try {
      this.connection.send(frame);
    } catch {
      // The socket went away; `close` follows.
    }
  }
}

interface SynthesizedSegment {
  kind: 'whole';
  format: VoiceAudioFormat;
  sampleRate?: number;
  audio: Uint8Array;
  durationMs: number;
  envelope: number[];
  alignment?: SpeechAlignment;
}

/** A sentence whose PCM is sent as it streams. */
interface StreamedSegment {
  kind: 'streamed';
  provider: string;
  sampleRate: number;
  parts: PcmParts;
}

/** How long the whole of a sentence sent so far is: for one still streaming, at least what its text takes to say. */
function wholeDurationMs(segment: SpokenSegment | undefined): number {
  if (!segment) return 0;
  return segment.complete ? segment.durationMs : Math.max(segment.durationMs, segment.text.length * estimatedMsPerCharacter);
}

/**
 * One sentence as audio. PCM (what the session asks for) streams on in parts as it arrives; other
 * formats are read whole, with the duration and mouth envelope from timings when offered.
 */
async function synthesize(
  textToSpeech: TextToSpeech,
  voice: Voice,
  text: string,
  signal: AbortSignal,
  timings: StageTimings | undefined,
): Promise<SynthesizedSegment | StreamedSegment> {
  const wantsPcm = textToSpeech.formats.includes('pcm16');
  const audio = await textToSpeech.synthesize({
    text,
    voice,
    format: wantsPcm ? 'pcm16' : (textToSpeech.formats[0] ?? 'mp3'),
    sampleRate: synthesisSampleRate,
    withTimestamps: !wantsPcm,
    signal,
  });
  timings?.mark('synthesisAnswered');
  if (audio.format === 'pcm16') {
    const sampleRate = audio.sampleRate ?? synthesisSampleRate;
    return { kind: 'streamed', provider: textToSpeech.provider, sampleRate, parts: new PcmParts(audio.chunks, sampleRate, signal) };
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of audio.chunks) {
    if (signal.aborted) throw signal.reason;
    chunks.push(chunk);
  }
  timings?.mark('synthesisComplete');
  const bytes = concatBytes(chunks);
  const alignment = await audio.alignment;
  if (alignment && alignment.characters.length > 0) {
    const { envelope, durationMs } = alignmentEnvelope(alignment);
    return {
      kind: 'whole',
      format: audio.format,
      ...(audio.sampleRate ? { sampleRate: audio.sampleRate } : {}),
      audio: bytes,
      durationMs,
      envelope,
      alignment,
    };
  }
  // Compressed audio without timings: the client's analyser moves the mouth; the duration is estimated for cutting.
  return {
    kind: 'whole',
    format: audio.format,
    ...(audio.sampleRate ? { sampleRate: audio.sampleRate } : {}),
    audio: bytes,
    durationMs: text.length * estimatedMsPerCharacter,
    envelope: [],
  };
}
