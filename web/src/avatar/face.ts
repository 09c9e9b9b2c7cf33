// What the living avatar's face does, as numbers: the mouth's opening at a moment of playback from
// a segment's envelope, the shape drawn for an opening, and the brows, eyes and mouth curve of each
// emotion. Pure, so it is tested without a DOM; `living-avatar.tsx` draws it.
import type { Emotion } from '../../../common/voice.ts';

/**
 * The mouth's opening (0 closed to 1 wide) `elapsedMs` into a segment whose envelope has one value
 * every `stepMs`: interpolated between neighbouring values so the mouth moves smoothly, and closed
 * before the segment starts and after its envelope ends.
 */
export function mouthOpeningAt(envelope: readonly number[], stepMs: number, elapsedMs: number): number {
  if (envelope.length === 0 || stepMs <= 0 || elapsedMs < 0) return 0;
  const position = elapsedMs / stepMs;
  const before = Math.floor(position);
  if (before >= envelope.length) return 0;
  const from = envelope[before] ?? 0;
  const to = envelope[before + 1] ?? 0;
  return clampUnit(from + (to - from) * (position - before));
}

/** The four drawn mouth shapes; `closed` below a whisper so silence does not flutter. */
export type MouthShape = 'closed' | 'small' | 'open' | 'wide';

export function mouthShapeFor(opening: number): MouthShape {
  if (opening < 0.08) return 'closed';
  if (opening < 0.35) return 'small';
  if (opening < 0.7) return 'open';
  return 'wide';
}

/**
 * With reduced motion the mouth still shows speech, but in steps held a while instead of a flicker
 * every frame: the opening is quantised to the four shapes' middles.
 */
export function calmOpening(opening: number): number {
  return { closed: 0, small: 0.25, open: 0.55, wide: 0.85 }[mouthShapeFor(opening)];
}

/** How one emotion sets the face; every length is a share of the face's own sizes. */
export interface FaceParameters {
  /** Brow angle in degrees: positive raises the inner ends (worry, sadness), negative lowers them (focus). */
  browTilt: number;
  /** How far the brows sit above the eyes, 0 resting to 1 raised high (surprise). */
  browLift: number;
  /** How open the eyes are, 0 shut to 1 wide; a smile narrows them. */
  eyeOpenness: number;
  /** The mouth's curve: 1 a full smile, 0 straight, -1 a frown. */
  mouthCurve: number;
  /** Pupils looking aside and up, for thinking: -1 to 1 on each axis. */
  gazeX: number;
  gazeY: number;
  /** A resting opening for the mouth when it is not speaking (surprise holds it a little open). */
  restingOpening: number;
}

const faces: Record<Emotion, FaceParameters> = {
  neutral: { browTilt: 0, browLift: 0.2, eyeOpenness: 0.85, mouthCurve: 0.3, gazeX: 0, gazeY: 0, restingOpening: 0 },
  happy: { browTilt: 0, browLift: 0.35, eyeOpenness: 0.6, mouthCurve: 1, gazeX: 0, gazeY: 0, restingOpening: 0 },
  sad: { browTilt: 18, browLift: 0.15, eyeOpenness: 0.6, mouthCurve: -0.8, gazeX: 0, gazeY: 0.4, restingOpening: 0 },
  surprised: { browTilt: 0, browLift: 1, eyeOpenness: 1, mouthCurve: 0, gazeX: 0, gazeY: 0, restingOpening: 0.5 },
  concerned: { browTilt: 12, browLift: 0.4, eyeOpenness: 0.8, mouthCurve: -0.35, gazeX: 0, gazeY: 0, restingOpening: 0 },
  thinking: { browTilt: -8, browLift: 0.3, eyeOpenness: 0.75, mouthCurve: -0.1, gazeX: 0.6, gazeY: -0.6, restingOpening: 0 },
};

export function faceFor(emotion: Emotion): FaceParameters {
  return faces[emotion];
}

function clampUnit(value: number): number {
  return Math.max(0, Math.min(1, value));
}
