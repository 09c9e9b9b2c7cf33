// Onboarding's second step: how the companion sounds, with a sample of each voice one tap away.
import { useEffect, useState } from 'react';
import type { Catalog, Companion } from '../../../common/client.ts';
import { Icon } from '../components/icons.tsx';
import { type PreviewSource, playVoicePreview, stopVoicePreview } from '../voice-preview.ts';

interface VoiceStepProps {
  catalog: Catalog;
  companion: Companion;
  onChange(change: Partial<Companion>): void;
}

const previewNotes: Record<PreviewSource, string> = {
  server: 'Playing the server voice.',
  browser: "Playing with your browser's own voice, an approximation of this one.",
  unavailable: 'Your browser cannot play speech, so there is no preview.',
};

export function VoiceStep({ catalog, companion, onChange }: VoiceStepProps) {
  /** The voice last previewed and how it played: said inside that voice's card, where the person is looking. */
  const [preview, setPreview] = useState<{ voiceId: string; note: string }>();
  // A sample still speaking when the person moves on would talk over the next step.
  useEffect(() => stopVoicePreview, []);

  const play = async (voiceId: string) => {
    const voice = catalog.voices.find((candidate) => candidate.id === voiceId);
    if (!voice) return;
    // Hearing a voice is choosing it more often than not; the radio can still be changed.
    onChange({ voiceId });
    const persona = catalog.personas.find((candidate) => candidate.id === companion.personaId);
    const sample = `Hi, I'm ${companion.name.trim() || 'your companion'}. ${persona?.greeting ?? 'It is lovely to meet you.'}`;
    setPreview({ voiceId, note: previewNotes[await playVoicePreview(voice, sample)] });
  };

  return (
    <fieldset className="option-group">
      <legend>Voice</legend>
      <div className="option-list">
        {catalog.voices.map((voice) => (
          <div key={voice.id} className="option-card with-action">
            <label className="option-label">
              <input type="radio" name="voice" value={voice.id} checked={companion.voiceId === voice.id} onChange={() => onChange({ voiceId: voice.id })} />
              <span className="option-check" aria-hidden="true" />
              <span className="option-text">
                <span className="option-title">{voice.name}</span>
                <span className="option-description">{voice.description}</span>
              </span>
            </label>
            <button type="button" className="icon-button preview-button" onClick={() => void play(voice.id)} aria-label={`Play a preview of ${voice.name}`}>
              <Icon name="play" />
            </button>
            {/* In every card from the start, so a screen reader announces the note when it appears. */}
            <p className="preview-note" aria-live="polite">
              {preview?.voiceId === voice.id ? preview.note : ''}
            </p>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
