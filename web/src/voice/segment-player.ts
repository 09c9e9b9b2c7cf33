// Plays a spoken reply's `voice-segment`s with WebAudio, strictly in order of `index` whatever order
// they arrive in, and knows at every moment how far playback is: the mouth reads the segment's
// envelope at that time (an analyser when the envelope is empty), and a barge-in reports exactly
// what was heard.
import type { VoiceServerFrame } from '../../../common/client.ts';
import { mouthOpeningAt } from '../avatar/face.ts';
import { base64ToBytes, meterLevel, pcm16ToFloat } from './pcm.ts';

type Segment = Extract<VoiceServerFrame, { type: 'voice-segment' }>;

/** What a barge-in tells the server: the `voice-interrupt` frame's fields. */
export interface PlayedSoFar {
  messageId: string;
  playedSegments: number;
  playedMs: number;
}

/** The rate a pcm16 segment is at when it does not say (the common rate of speech engines). */
const defaultPcmSampleRate = 24_000;

export class SegmentPlayer {
  private messageId: string | undefined;
  private readonly segments = new Map<number, Segment>();
  private readonly decoded = new Map<number, Promise<AudioBuffer | undefined>>();
  private nextIndex = 0;
  private current: { segment: Segment; source: AudioBufferSourceNode; startedAt: number } | undefined;
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
    if (segment.index < this.nextIndex || this.segments.has(segment.index)) return;
    this.segments.set(segment.index, segment);
    // Decoding starts on arrival, so the next sentence is ready when the one playing ends.
    this.decoded.set(
      segment.index,
      this.decode(segment).catch(() => undefined),
    );
    void this.playNext();
  }

  /** The mouth's opening now, 0 to 1. */
  opening(): number {
    const playing = this.current;
    if (playing === undefined) return 0;
    const elapsedMs = (this.context.currentTime - playing.startedAt) * 1000;
    if (playing.segment.envelope.length > 0) return mouthOpeningAt(playing.segment.envelope, playing.segment.envelopeStepMs, elapsedMs);
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
    const playedMs = this.current ? Math.max(0, Math.round((this.context.currentTime - this.current.startedAt) * 1000)) : 0;
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
    if (playing) {
      playing.source.onended = null;
      try {
        playing.source.stop();
      } catch {
        // Already stopped: nothing to do.
      }
    }
    this.segments.clear();
    this.decoded.clear();
    this.nextIndex = 0;
    this.messageId = undefined;
  }

  private async playNext(): Promise<void> {
    if (this.current !== undefined || this.starting) return;
    const index = this.nextIndex;
    const segment = this.segments.get(index);
    const decoding = this.decoded.get(index);
    if (segment === undefined || decoding === undefined) return;
    this.starting = true;
    const buffer = await decoding;
    // A barge-in or a new reply while this one decoded: it is no longer wanted.
    if (!this.starting || this.segments.get(index) !== segment) return;
    this.starting = false;
    if (buffer === undefined) {
      // Audio that cannot be decoded is skipped rather than holding up the rest of the reply.
      this.finishSegment(index);
      return;
    }
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    source.onended = () => {
      if (this.current?.source !== source) return;
      this.current = undefined;
      this.totalPlayed += 1;
      this.events.onSegmentPlayed();
      this.finishSegment(index);
    };
    this.current = { segment, source, startedAt: this.context.currentTime };
    source.start();
  }

  private finishSegment(index: number): void {
    this.segments.delete(index);
    this.decoded.delete(index);
    this.nextIndex = index + 1;
    if (this.segments.has(this.nextIndex)) void this.playNext();
    else this.events.onIdle();
  }

  private async decode(segment: Segment): Promise<AudioBuffer> {
    const bytes = base64ToBytes(segment.audio);
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
