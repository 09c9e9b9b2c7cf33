// The companion as a living 2D character: one parameterised face (brows, blinking eyes, a mouth
// that opens with speech) over each avatar's own body and colours. Breathing and blinking are CSS
// loops that `prefers-reduced-motion` switches off; the mouth still shows speech then, in held steps.
import { useEffect, useId, useState } from 'react';
import type { Emotion } from '../../../common/voice.ts';
import { lookFor } from './avatar-looks.tsx';
import './living-avatar.css';
import { calmOpening, faceFor, mouthShapeFor } from './face.ts';

/** Whether the person asked their system for less motion; follows changes while the page is open. */
export function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => typeof window !== 'undefined' && window.matchMedia?.(query).matches === true);
  useEffect(() => {
    const list = window.matchMedia?.(query);
    if (!list) return;
    const update = () => setReduced(list.matches);
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, []);
  return reduced;
}

export interface LivingAvatarProps {
  avatarId: string | undefined;
  emotion?: Emotion;
  /** The mouth's opening from lip sync, 0 to 1. */
  opening?: number;
  /** Width and height in CSS pixels. */
  size: number;
  /** The accessible name; without one the avatar is decorative (the name is said elsewhere). */
  label?: string;
  className?: string;
}

export function LivingAvatar({ avatarId, emotion = 'neutral', opening = 0, size, label, className }: LivingAvatarProps) {
  const reducedMotion = usePrefersReducedMotion();
  const clipId = useId();
  const look = lookFor(avatarId);
  const face = faceFor(emotion);
  const spoken = reducedMotion ? calmOpening(opening) : opening;
  const mouthOpening = Math.max(spoken, face.restingOpening);
  const { eyes, brows, mouth } = look;

  // The smile lifts the corners and lowers the middle; the opening drops the lower lip.
  const curve = face.mouthCurve * mouth.width * 0.22;
  const half = mouth.width / 2;
  const cornerY = mouth.y - curve / 2;
  const upperY = mouth.y + curve / 2;
  const lowerY = upperY + mouthOpening * mouth.width * 0.75;
  const upperLip = `M ${mouth.x - half} ${cornerY} Q ${mouth.x} ${upperY + curve / 2} ${mouth.x + half} ${cornerY}`;
  // Closed, the mouth is one stroke: a loop back over itself would thicken the corner where it joins.
  const mouthPath = mouthOpening > 0.02 ? `${upperLip} Q ${mouth.x} ${lowerY + curve / 2} ${mouth.x - half} ${cornerY} Z` : upperLip;

  const eyeRadiusY = eyes.radiusY * face.eyeOpenness;
  const browY = eyes.y - eyes.radiusY - brows.gap * (0.5 + face.browLift * 0.6);
  const pupilShiftX = face.gazeX * eyes.radiusX * 0.4;
  const pupilShiftY = face.gazeY * eyes.radiusY * 0.4;

  const eye = (x: number, side: 'left' | 'right') => {
    // Positive tilt raises the inner end of each brow. SVG turns clockwise with y pointing down, so
    // the left brow (whose inner end is its right end) turns the other way to lift it.
    const tilt = side === 'left' ? -face.browTilt : face.browTilt;
    return (
      <g key={side}>
        <g className="living-avatar-eye">
          {eyes.style === 'white' ? (
            <>
              <ellipse cx={x} cy={eyes.y} rx={eyes.radiusX} ry={eyeRadiusY} fill="#ffffff" />
              <ellipse
                cx={x + pupilShiftX}
                cy={eyes.y + pupilShiftY}
                rx={eyes.radiusX * 0.55}
                ry={Math.min(eyeRadiusY, eyes.radiusY * 0.6)}
                fill={eyes.colour}
              />
            </>
          ) : (
            <ellipse
              cx={x + pupilShiftX}
              cy={eyes.y + pupilShiftY}
              rx={eyes.radiusX}
              ry={eyeRadiusY}
              fill={eyes.colour}
              className={eyes.style === 'glow' ? 'living-avatar-glow' : undefined}
            />
          )}
          <circle cx={x + pupilShiftX + eyes.radiusX * 0.35} cy={eyes.y + pupilShiftY - eyeRadiusY * 0.35} r={Math.max(1, eyes.radiusX * 0.3)} fill="#ffffff" />
        </g>
        <line
          x1={x - brows.length / 2}
          x2={x + brows.length / 2}
          y1={browY}
          y2={browY}
          stroke={brows.colour}
          strokeWidth={brows.width}
          strokeLinecap="round"
          transform={`rotate(${tilt} ${x} ${browY})`}
        />
      </g>
    );
  };

  return (
    <svg
      viewBox="0 0 128 128"
      width={size}
      height={size}
      className={['living-avatar', reducedMotion ? 'reduced-motion' : '', className ?? ''].filter(Boolean).join(' ')}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      data-avatar={avatarId}
      data-emotion={emotion}
      data-mouth-level={mouthOpening.toFixed(2)}
      data-mouth-shape={mouthShapeFor(mouthOpening)}
    >
      <defs>
        <clipPath id={clipId}>
          <rect width="128" height="128" rx="28" />
        </clipPath>
      </defs>
      <g clipPath={`url(#${clipId})`}>
        <g className="living-avatar-breath">
          {look.body}
          {look.cheeks && (
            <g fill={look.cheeks.colour} opacity={emotion === 'happy' ? 0.95 : 0.7}>
              <ellipse cx={look.cheeks.leftX} cy={look.cheeks.y} rx="6" ry="3.5" />
              <ellipse cx={look.cheeks.rightX} cy={look.cheeks.y} rx="6" ry="3.5" />
            </g>
          )}
          {eye(eyes.leftX, 'left')}
          {eye(eyes.rightX, 'right')}
          <path
            className="living-avatar-mouth"
            d={mouthPath}
            fill={mouthOpening > 0.02 ? mouth.inside : 'none'}
            stroke={mouth.colour}
            strokeWidth={mouth.strokeWidth}
            strokeLinecap="round"
            strokeLinejoin="round"
          />
          {look.overlay}
        </g>
      </g>
    </svg>
  );
}
