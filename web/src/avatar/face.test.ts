import { describe, expect, it } from 'vitest';
import { emotionSchema } from '../../../common/voice.ts';
import { calmOpening, faceFor, mouthOpeningAt, mouthShapeFor } from './face.ts';

describe('the mouth at a moment of playback', () => {
  const envelope = [0, 0.4, 1, 0.2];

  it('takes the envelope value at each step and interpolates between steps', () => {
    expect(mouthOpeningAt(envelope, 50, 0)).toBe(0);
    expect(mouthOpeningAt(envelope, 50, 50)).toBeCloseTo(0.4);
    expect(mouthOpeningAt(envelope, 50, 100)).toBeCloseTo(1);
    expect(mouthOpeningAt(envelope, 50, 75)).toBeCloseTo(0.7);
    expect(mouthOpeningAt(envelope, 50, 125)).toBeCloseTo(0.6);
  });

  it('closes after the last step, before the start, and without an envelope', () => {
    expect(mouthOpeningAt(envelope, 50, 175)).toBeCloseTo(0.1);
    expect(mouthOpeningAt(envelope, 50, 200)).toBe(0);
    expect(mouthOpeningAt(envelope, 50, -10)).toBe(0);
    expect(mouthOpeningAt([], 50, 10)).toBe(0);
  });

  it('draws closed, small, open and wide from the opening', () => {
    expect([0, 0.05, 0.2, 0.5, 0.9].map(mouthShapeFor)).toEqual(['closed', 'closed', 'small', 'open', 'wide']);
  });

  it('holds one opening per shape when motion is reduced', () => {
    expect(calmOpening(0.3)).toBe(calmOpening(0.1));
    expect(calmOpening(0.02)).toBe(0);
    expect(calmOpening(0.95)).toBeGreaterThan(calmOpening(0.5));
  });
});

describe('emotions on the face', () => {
  it('gives every emotion a face, and no two the same', () => {
    const faces = emotionSchema.options.map((emotion) => JSON.stringify(faceFor(emotion)));
    expect(new Set(faces).size).toBe(emotionSchema.options.length);
  });

  it('smiles when happy, frowns when sad or concerned, opens wide when surprised, looks aside when thinking', () => {
    expect(faceFor('happy').mouthCurve).toBeGreaterThan(faceFor('neutral').mouthCurve);
    expect(faceFor('sad').mouthCurve).toBeLessThan(0);
    expect(faceFor('concerned').mouthCurve).toBeLessThan(0);
    expect(faceFor('sad').browTilt).toBeGreaterThan(0);
    expect(faceFor('surprised').browLift).toBe(1);
    expect(faceFor('surprised').eyeOpenness).toBeGreaterThan(faceFor('neutral').eyeOpenness);
    expect(faceFor('surprised').restingOpening).toBeGreaterThan(0);
    expect(faceFor('thinking').gazeX).not.toBe(0);
  });
});
