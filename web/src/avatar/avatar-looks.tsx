// Each catalog avatar as the living face draws it: its own background and body (the still parts of
// web/public/avatars/<id>.svg), and where its eyes and mouth sit and in which colours, so one
// parameterised face animates all of them. An avatar without a look here falls back to Sunny's.
import type { ReactNode } from 'react';

/** How the eyes are drawn: dark dots, white eyes with pupils, or a robot's glowing lenses. */
export type EyeStyle = 'dot' | 'white' | 'glow';

/** Where and how one avatar's face is drawn, in the 128×128 box of its image. */
export interface AvatarLook {
  /** Everything that does not move: background, head, ears, decorations. */
  body: ReactNode;
  eyes: { leftX: number; rightX: number; y: number; radiusX: number; radiusY: number; style: EyeStyle; colour: string };
  brows: { colour: string; width: number; length: number; gap: number };
  mouth: { x: number; y: number; width: number; colour: string; inside: string; strokeWidth: number };
  /** Blush under the eyes, or none. */
  cheeks?: { leftX: number; rightX: number; y: number; colour: string };
  /** Drawn over the face (the owl's beak, the cat's nose and whiskers). */
  overlay?: ReactNode;
}

export const avatarLooks: Record<string, AvatarLook> = {
  sunny: {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#ffb347" />
        <g fill="#ffd86b">
          <circle cx="64" cy="14" r="6" />
          <circle cx="64" cy="114" r="6" />
          <circle cx="14" cy="64" r="6" />
          <circle cx="114" cy="64" r="6" />
          <circle cx="29" cy="29" r="5" />
          <circle cx="99" cy="29" r="5" />
          <circle cx="29" cy="99" r="5" />
          <circle cx="99" cy="99" r="5" />
        </g>
        <circle cx="64" cy="64" r="40" fill="#ffd23f" stroke="#f29e1f" strokeWidth="3" />
      </>
    ),
    eyes: { leftX: 50, rightX: 78, y: 58, radiusX: 5, radiusY: 5, style: 'dot', colour: '#5a3a1a' },
    brows: { colour: '#c77a12', width: 3, length: 11, gap: 10 },
    mouth: { x: 64, y: 78, width: 30, colour: '#5a3a1a', inside: '#9a3b2a', strokeWidth: 4 },
    cheeks: { leftX: 40, rightX: 88, y: 72, colour: '#ff8a7a' },
  },
  'mint-bot': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#d8f5ec" />
        <line x1="64" y1="34" x2="64" y2="18" stroke="#2f7f6f" strokeWidth="4" strokeLinecap="round" />
        <circle cx="64" cy="15" r="6" fill="#ff6f91" />
        <rect x="18" y="58" width="10" height="22" rx="4" fill="#2f7f6f" />
        <rect x="100" y="58" width="10" height="22" rx="4" fill="#2f7f6f" />
        <rect x="26" y="34" width="76" height="68" rx="18" fill="#6fd6b8" stroke="#2f7f6f" strokeWidth="3" />
        <rect x="36" y="46" width="56" height="30" rx="12" fill="#1f4d45" />
      </>
    ),
    eyes: { leftX: 52, rightX: 76, y: 61, radiusX: 7, radiusY: 7, style: 'glow', colour: '#9ff7e0' },
    brows: { colour: '#9ff7e0', width: 2.5, length: 10, gap: 11 },
    mouth: { x: 64, y: 89, width: 28, colour: '#1f4d45', inside: '#1f4d45', strokeWidth: 4 },
    cheeks: { leftX: 36, rightX: 92, y: 88, colour: '#ff6f91' },
  },
  'night-owl': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#1e2a5a" />
        <g fill="#fff6c2">
          <circle cx="20" cy="22" r="2" />
          <circle cx="106" cy="18" r="2.5" />
          <circle cx="112" cy="48" r="1.5" />
          <circle cx="14" cy="56" r="1.5" />
        </g>
        <path d="M30 40 L40 22 L52 36 Z M98 40 L88 22 L76 36 Z" fill="#7a5cc7" />
        <ellipse cx="64" cy="74" rx="40" ry="42" fill="#8e6fe0" />
        <ellipse cx="64" cy="92" rx="22" ry="20" fill="#c9b6ff" />
        <path d="M54 102 q10 5 20 0" fill="none" stroke="#8e6fe0" strokeWidth="2.5" strokeLinecap="round" />
      </>
    ),
    eyes: { leftX: 47, rightX: 81, y: 60, radiusX: 14, radiusY: 14, style: 'white', colour: '#241a4a' },
    brows: { colour: '#4b338f', width: 3.5, length: 16, gap: 17 },
    mouth: { x: 64, y: 90, width: 16, colour: '#5b3f9e', inside: '#3a2470', strokeWidth: 2.5 },
    overlay: <path d="M58 72 L70 72 L64 81 Z" fill="#ffb547" />,
  },
  'coral-fox': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#fff0e6" />
        <path d="M22 20 L50 44 L28 62 Z M106 20 L78 44 L100 62 Z" fill="#ff7a59" />
        <path d="M29 31 L44 45 L32 54 Z M99 31 L84 45 L96 54 Z" fill="#5b2a1e" />
        <path d="M20 56 Q22 36 64 36 Q106 36 108 56 Q104 84 64 110 Q24 84 20 56 Z" fill="#ff7a59" />
        <path d="M36 72 Q50 70 64 82 Q78 70 92 72 Q84 96 64 110 Q44 96 36 72 Z" fill="#fffaf5" />
        <ellipse cx="64" cy="86" rx="6" ry="4.5" fill="#2e1a14" />
      </>
    ),
    eyes: { leftX: 48, rightX: 80, y: 62, radiusX: 5, radiusY: 6, style: 'dot', colour: '#2e1a14' },
    brows: { colour: '#b8432a', width: 3, length: 11, gap: 11 },
    mouth: { x: 64, y: 97, width: 16, colour: '#2e1a14', inside: '#7a2e22', strokeWidth: 3 },
  },
  'lavender-cloud': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#b9a6e8" />
        <circle cx="100" cy="26" r="10" fill="#fff3b0" />
        <circle cx="104" cy="22" r="9" fill="#b9a6e8" />
        <g fill="#ffffff">
          <circle cx="42" cy="70" r="22" />
          <circle cx="64" cy="56" r="26" />
          <circle cx="88" cy="70" r="22" />
          <rect x="24" y="70" width="82" height="26" rx="13" />
        </g>
        <g fill="#e9e1ff" opacity="0.9">
          <circle cx="30" cy="108" r="3" />
          <circle cx="64" cy="112" r="3" />
          <circle cx="98" cy="108" r="3" />
        </g>
      </>
    ),
    eyes: { leftX: 50, rightX: 78, y: 72, radiusX: 4.5, radiusY: 4.5, style: 'dot', colour: '#5b4a8a' },
    brows: { colour: '#8a78c0', width: 2.5, length: 10, gap: 9 },
    mouth: { x: 64, y: 86, width: 14, colour: '#5b4a8a', inside: '#5b4a8a', strokeWidth: 3 },
    cheeks: { leftX: 40, rightX: 88, y: 82, colour: '#f7a8c8' },
  },
  'sage-sprout': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#e4efd9" />
        <path d="M64 58 V34" stroke="#3f7a3a" strokeWidth="4" strokeLinecap="round" />
        <path d="M64 40 Q44 40 36 22 Q58 18 64 40 Z" fill="#7cbf5a" />
        <path d="M64 36 Q80 34 92 18 Q70 12 64 36 Z" fill="#5fa84a" />
        <path d="M64 40 Q50 32 42 25" fill="none" stroke="#3f7a3a" strokeWidth="2" strokeLinecap="round" />
        <rect x="28" y="56" width="72" height="14" rx="5" fill="#c4623d" />
        <path d="M34 70 H94 L86 112 H42 Z" fill="#dd7a4f" />
      </>
    ),
    eyes: { leftX: 54, rightX: 74, y: 86, radiusX: 4.5, radiusY: 4.5, style: 'dot', colour: '#4a2a1c' },
    brows: { colour: '#8c3f22', width: 2.5, length: 9, gap: 9 },
    mouth: { x: 64, y: 98, width: 14, colour: '#4a2a1c', inside: '#7a3522', strokeWidth: 3 },
    cheeks: { leftX: 46, rightX: 82, y: 95, colour: '#f4a582' },
  },
  'ocean-drop': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#d6f3f7" />
        <path d="M20 104 Q32 96 44 104 T68 104 T92 104 T116 104" fill="none" stroke="#8fd3e0" strokeWidth="4" strokeLinecap="round" />
        <path d="M64 14 Q96 54 96 76 A32 32 0 0 1 32 76 Q32 54 64 14 Z" fill="#3a9bdc" stroke="#1f6fa8" strokeWidth="3" />
        <path d="M46 60 Q48 48 56 40" fill="none" stroke="#bfe6ff" strokeWidth="5" strokeLinecap="round" />
      </>
    ),
    eyes: { leftX: 52, rightX: 76, y: 76, radiusX: 5, radiusY: 5, style: 'dot', colour: '#0f3b5f' },
    brows: { colour: '#0f3b5f', width: 2.5, length: 10, gap: 10 },
    mouth: { x: 64, y: 90, width: 16, colour: '#0f3b5f', inside: '#0f3b5f', strokeWidth: 3.5 },
    cheeks: { leftX: 44, rightX: 84, y: 87, colour: '#8cc8f5' },
  },
  'berry-cat': {
    body: (
      <>
        <rect width="128" height="128" rx="28" fill="#fde2ef" />
        <path d="M26 60 L30 18 L58 40 Z M102 60 L98 18 L70 40 Z" fill="#d6457f" />
        <path d="M33 46 L35 28 L49 40 Z M95 46 L93 28 L79 40 Z" fill="#ffb3d1" />
        <ellipse cx="64" cy="72" rx="42" ry="38" fill="#e0568f" />
      </>
    ),
    eyes: { leftX: 48, rightX: 80, y: 66, radiusX: 7, radiusY: 9, style: 'white', colour: '#3b1730' },
    brows: { colour: '#8f2556', width: 3, length: 11, gap: 13 },
    mouth: { x: 64, y: 90, width: 18, colour: '#3b1730', inside: '#5e1d3d', strokeWidth: 2.5 },
    overlay: (
      <>
        <path d="M60 80 L68 80 L64 85 Z" fill="#ffd0e2" />
        <g stroke="#ffd0e2" strokeWidth="2" strokeLinecap="round">
          <line x1="38" y1="80" x2="16" y2="76" />
          <line x1="38" y1="86" x2="17" y2="90" />
          <line x1="90" y1="80" x2="112" y2="76" />
          <line x1="90" y1="86" x2="111" y2="90" />
        </g>
      </>
    ),
  },
};

export function lookFor(avatarId: string | undefined): AvatarLook {
  return avatarLooks[avatarId ?? ''] ?? (avatarLooks.sunny as AvatarLook);
}
