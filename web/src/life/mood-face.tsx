// A face for each mood, drawn rather than an emoji: emoji fonts differ by device (and some have none),
// and a drawn face follows the text colour in light and dark. Decorative: the word beside it names the mood.

/** How far the mouth curves for a score from 1 to 5: down for low, flat for okay, up for great. */
const mouthCurve = (score: number) => (score - 3) * 2.6;

export function MoodFace({ score, size = 32 }: { score: number; size?: number }) {
  return (
    <svg
      className="mood-face"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="12" r="10" />
      <circle cx="8.5" cy="9.5" r="0.9" fill="currentColor" stroke="none" />
      <circle cx="15.5" cy="9.5" r="0.9" fill="currentColor" stroke="none" />
      <path d={`M7.5 ${15.5 - mouthCurve(score) / 4} Q12 ${15.5 + mouthCurve(score)} 16.5 ${15.5 - mouthCurve(score) / 4}`} />
    </svg>
  );
}
