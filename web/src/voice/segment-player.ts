// Plays a spoken reply's `voice-segment`s with WebAudio, strictly in order of `index` whatever order
// they arrive in (a sentence whose PCM streams plays each `voice-segment-audio` part right after the
// one before, as it comes), and knows at every moment how far playback is: the mouth reads the segment's
// envelope at that time (an analyser when the envelope is empty), and a barge-in reports exactly
// what was heard.

import { audioBytes } from '../../../common/binary-frame.ts';
import type { VoiceServerFrame } from '../../../common/client.ts';
import { mouthOpeningAt } from '../avatar/face.ts';
import { meterLevel, pcm16ToFloat } from './pcm.ts';

type Segment = Extract<VoiceServerFrame, { type: 'voice-segment' }>;
type SegmentAudio = Extract<VoiceServerFrame, { type: 'voice-segment-audio' }>;

/** What a barge-in tells the server: the `voice-interrupt` frame's fields. */
export interface PlayedSoFar {
  messageId: string;
  playedSegments: number;
  playedMs: number;
}

/** The rate a pcm16 segment is at when it does not say (the common rate of speech engines). */
const defaultPcmSampleRate = 24_000;

/** One sentence: its first frame and, when its PCM streams, the parts after it. */
interface Sentence {
  segment: Segment;
  /** Every part's envelope joined (parts are whole envelope steps, so they simply continue). */
  envelope: number[];
  /** The first part's audio, decoding; later parts are PCM, made into buffers on arrival. */
  first: Promise<AudioBuffer | undefined>;
  later: AudioBuffer[];
  /** The last part has arrived. */
  complete: boolean;
}

/** The sentence playing: its parts are scheduled back to back, each the moment it is there. */
interface Playing {
  index: number;
  sentence: Sentence;
  sources: AudioBufferSourceNode[];
  /** The context time the sentence's audio began, moved on by any gap while a part was awaited. */
  startedAt: number;
  /** When the last scheduled part ends. */
  endsAt: number;
  /** Later parts scheduled so far. */
  scheduled: number;
}

export class SegmentPlayer {
  private messageId: string | undefined;
  private readonly sentences = new Map<number, Sentence>();
  private nextIndex = 0;
  private current: Playing | undefined;
  private starting = false;
  /** Replies cut by a barge-in: their segments still in flight are not played. */
  private readonly interrupted = new Set<string>();
  private readonly analyser: AnalyserNode;
  private readonly analyserSamples: Uint8Array<ArrayBuffer>;
  /** Segments played to the end since the player was made, across replies (the tests count them). */
  totalPlayed = 0;

  constructor(
    private readonly context: AudioContext,
    private readonly events: { onSegmentPlayed(): void; onIdle(): void },
  ) {
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 512;
    this.analyser.connect(context.destination);
    this.analyserSamples = new Uint8Array(this.analyser.fftSize);
  }

  /** Whether a reply is playing or waiting for its next segment to decode. */
  get speaking(): boolean {
    return this.current !== undefined || this.starting;
  }

  /** Adds a segment; a segment of a new reply ends whatever of the previous one still plays. */
  add(segment: Segment): void {
    if (this.interrupted.has(segment.messageId)) return;
    if (segment.messageId !== this.messageId) {
      this.reset();
      this.messageId = segment.messageId;
    }
    if (segment.index < this.nextIndex || this.sentences.has(segment.index)) return;
    this.sentences.set(segment.index, {
      segment,
      envelope: [...segment.envelope],
      // Decoding starts on arrival, so the next sentence is ready when the one playing ends.
      first: this.decode(segment).catch(() => undefined),
      later: [],
      complete: segment.final !== false,
    });
    void this.playNext();
  }

  /** Adds the next part of a sentence whose PCM streams; it plays straight after the part before. */
  addAudio(part: SegmentAudio): void {
    if (part.messageId !== this.messageId || this.interrupted.has(part.messageId)) return;
    const sentence = this.sentences.get(part.index);
    if (sentence === undefined || sentence.complete || part.part !== sentence.later.length + 1) return;
    const samples = pcm16ToFloat(audioBytes(part.audio));
    if (samples.length > 0) {
      const buffer = this.context.createBuffer(1, samples.length, sentence.segment.sampleRate ?? defaultPcmSampleRate);
      buffer.copyToChannel(samples, 0);
      sentence.later.push(buffer);
    } else {
      sentence.later.push(this.context.createBuffer(1, 1, sentence.segment.sampleRate ?? defaultPcmSampleRate));
    }
    sentence.envelope.push(...part.envelope);
    sentence.complete = part.final !== false;
    if (this.current?.sentence === sentence) this.scheduleLater(this.current);
  }

  /** The mouth's opening now, 0 to 1. */
  opening(): number {
    const playing = this.current;
    if (playing === undefined) return 0;
    const elapsedMs = (this.context.currentTime - playing.startedAt) * 1000;
    if (playing.sentence.envelope.length > 0) return mouthOpeningAt(playing.sentence.envelope, playing.sentence.segment.envelopeStepMs, elapsedMs);
    this.analyser.getByteTimeDomainData(this.analyserSamples);
    return meterLevel(this.analyserSamples);
  }

  /**
   * Stops at once and answers what was heard of the reply (segments played in full, milliseconds into
   * the one playing), or nothing when no reply was playing.
   */
  interrupt(): PlayedSoFar | undefined {
    const messageId = this.messageId;
    if (messageId === undefined || !this.speaking) return undefined;
    const playedMs = this.current ? Math.max(0, Math.round((Math.min(this.context.currentTime, this.current.endsAt) - this.current.startedAt) * 1000)) : 0;
    const heard = { messageId, playedSegments: this.nextIndex, playedMs };
    this.reset();
    this.interrupted.add(messageId);
    return heard;
  }

  /** Stops and forgets everything, as on leaving voice mode. */
  reset(): void {
    const playing = this.current;
    this.current = undefined;
    this.starting = false;
    for (const source of playing?.sources ?? []) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // Already stopped: nothing to do.
      }
    }
    this.sentences.clear();
    this.nextIndex = 0;
    this.messageId = undefined;
  }

  private async playNext(): Promise<void> {
    if (this.current !== undefined || this.starting) return;
    const index = this.nextIndex;
    const sentence = this.sentences.get(index);
    if (sentence === undefined) return;
    this.starting = true;
    const buffer = await sentence.first;
    // A barge-in or a new reply while this one decoded: it is no longer wanted.
    if (!this.starting || this.sentences.get(index) !== sentence) return;
    this.starting = false;
    if (buffer === undefined) {
      // Audio that cannot be decoded is skipped rather than holding up the rest of the reply.
      this.finishSegment(index);
      return;
    }
    const now = this.context.currentTime;
    const playing: Playing = { index, sentence, sources: [], startedAt: now, endsAt: now, scheduled: 0 };
    this.current = playing;
    this.schedule(playing, buffer);
    this.scheduleLater(playing);
  }

  /** Schedules the parts that arrived and are not yet playing, each at the end of the one before. */
  private scheduleLater(playing: Playing): void {
    while (playing.scheduled < playing.sentence.later.length) {
      const buffer = playing.sentence.later[playing.scheduled] as AudioBuffer;
      playing.scheduled += 1;
      this.schedule(playing, buffer);
    }
  }

  private schedule(playing: Playing, buffer: AudioBuffer): void {
    const now = this.context.currentTime;
    // A part that came after the one before had ended starts now; the gap does not count as heard.
    if (playing.sources.length > 0 && playing.endsAt < now) playing.startedAt += now - playing.endsAt;
    const at = Math.max(now, playing.endsAt);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    source.onended = () => {
      if (this.current !== playing || playing.sources[playing.sources.length - 1] !== source) return;
      // The last part scheduled ended: the sentence is over unless more of it is still coming.
      if (!playing.sentence.complete || playing.scheduled < playing.sentence.later.length) return;
      this.current = undefined;
      this.totalPlayed += 1;
      this.events.onSegmentPlayed();
      this.finishSegment(playing.index);
    };
    playing.sources.push(source);
    playing.endsAt = at + buffer.duration;
    source.start(at);
  }

  private finishSegment(index: number): void {
    this.sentences.delete(index);
    this.nextIndex = index + 1;
    if (this.sentences.has(this.nextIndex)) void this.playNext();
    else this.events.onIdle();
  }

  private async decode(segment: Segment): Promise<AudioBuffer> {
    const bytes = audioBytes(segment.audio);
    if (segment.format === 'pcm16') {
      const samples = pcm16ToFloat(bytes);
      const buffer = this.context.createBuffer(1, Math.max(1, samples.length), segment.sampleRate ?? defaultPcmSampleRate);
      buffer.copyToChannel(samples, 0);
      return buffer;
    }
    // wav, mp3 and Opus (in Ogg or WebM) carry their own headers; the browser decodes them.
    return this.context.decodeAudioData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
}
