// Choosing who the companion is: name, persona, voice (with a playable preview) and avatar. Used
// by onboarding and by settings, so both offer exactly the same choices.
import { type FormEvent, useState } from 'react';
import type { Catalog, Companion } from '../../../common/client.ts';
import { type PreviewSource, playVoicePreview } from '../voice-preview.ts';
import { ErrorAlert } from './error-alert.tsx';

interface CompanionFormProps {
  catalog: Catalog;
  initial: Companion;
  submitLabel: string;
  onSubmit(companion: Companion): Promise<void>;
}

const previewNotes: Record<PreviewSource, string> = {
  server: 'Playing the server voice.',
  browser: "Playing with your browser's own voice, an approximation of this one.",
  unavailable: 'Your browser cannot play speech, so there is no preview.',
};

export function CompanionForm({ catalog, initial, submitLabel, onSubmit }: CompanionFormProps) {
  const [companion, setCompanion] = useState(initial);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [previewNote, setPreviewNote] = useState('');
  const update = (change: Partial<Companion>) => {
    setSaved(false);
    setCompanion((previous) => ({ ...previous, ...change }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (companion.name.trim() === '') {
      setError('Please give your companion a name.');
      return;
    }
    setSaving(true);
    try {
      await onSubmit({ ...companion, name: companion.name.trim() });
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  const preview = async (voiceId: string) => {
    const voice = catalog.voices.find((candidate) => candidate.id === voiceId);
    if (!voice) return;
    const persona = catalog.personas.find((candidate) => candidate.id === companion.personaId);
    const sample = `Hi, I'm ${companion.name || 'your companion'}. ${persona?.greeting ?? 'It is lovely to meet you.'}`;
    setPreviewNote(previewNotes[await playVoicePreview(voice, sample, catalog.speech.synthesis)]);
  };

  return (
    <form className="companion-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="companion-name">Your companion's name</label>
        <input
          id="companion-name"
          name="name"
          value={companion.name}
          maxLength={40}
          required
          autoComplete="off"
          onChange={(event) => update({ name: event.target.value })}
        />
      </div>

      <fieldset className="choice-group">
        <legend>Personality</legend>
        <div className="choice-grid">
          {catalog.personas.map((persona) => (
            <label key={persona.id} className="choice-card">
              <input
                type="radio"
                name="persona"
                value={persona.id}
                checked={companion.personaId === persona.id}
                onChange={() => update({ personaId: persona.id })}
              />
              <span className="choice-title">{persona.name}</span>
              <span className="choice-description">{persona.description}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="choice-group">
        <legend>Voice</legend>
        <div className="choice-grid">
          {catalog.voices.map((voice) => (
            <div key={voice.id} className="choice-card voice-card">
              <label className="voice-label">
                <input type="radio" name="voice" value={voice.id} checked={companion.voiceId === voice.id} onChange={() => update({ voiceId: voice.id })} />
                <span className="choice-title">{voice.name}</span>
                <span className="choice-description">{voice.description}</span>
              </label>
              <button type="button" className="button secondary small" onClick={() => void preview(voice.id)} aria-label={`Play a preview of ${voice.name}`}>
                ▶ Preview
              </button>
            </div>
          ))}
        </div>
        <p className="hint" aria-live="polite">
          {previewNote}
        </p>
      </fieldset>

      <fieldset className="choice-group">
        <legend>Avatar</legend>
        <div className="choice-grid avatars">
          {catalog.avatars.map((avatar) => (
            <label key={avatar.id} className="choice-card avatar-card">
              <input type="radio" name="avatar" value={avatar.id} checked={companion.avatarId === avatar.id} onChange={() => update({ avatarId: avatar.id })} />
              <img src={avatar.imageUrl} alt={avatar.alt} width={72} height={72} />
              <span className="choice-title">{avatar.name}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <ErrorAlert error={error} focus />
      <div className="actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        <span role="status" className="hint">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
