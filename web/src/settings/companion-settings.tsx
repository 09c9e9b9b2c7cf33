// The companion's part of settings: a short summary of who they are, and one row per choice, each
// opening a focused picker. A choice is saved the moment it is made, as on a phone's own settings.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Companion, VoiceSettings } from '../../../common/client.ts';
import { api } from '../api.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { SwitchRow } from '../components/switch-row.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { type PreviewSource, playVoicePreview } from '../voice-preview.ts';
import { type CompanionChoice, settingsPath } from './settings-routes.ts';

const choiceTitles: Record<CompanionChoice, string> = { name: 'Name', personality: 'Personality', voice: 'Voice', avatar: 'Avatar' };

export function companionChoiceTitle(choice: CompanionChoice): string {
  return choiceTitles[choice];
}

/** The companion's summary and a row per choice. */
export function CompanionOverview() {
  const { companion, catalog } = useSession();
  const persona = catalog.personas.find((item) => item.id === companion.personaId);
  const voice = catalog.voices.find((item) => item.id === companion.voiceId);
  const avatar = catalog.avatars.find((item) => item.id === companion.avatarId);
  const values: Record<CompanionChoice, string> = {
    name: companion.name,
    personality: persona?.name ?? 'Not chosen',
    voice: voice?.name ?? 'Not chosen',
    avatar: avatar?.name ?? 'Not chosen',
  };
  return (
    <>
      <div className="settings-companion-card">
        {avatar && <img src={avatar.imageUrl} alt="" width={64} height={64} />}
        <div>
          <p className="settings-companion-name">{companion.name}</p>
          <p className="settings-muted">
            {values.personality} · sounds like {values.voice}
          </p>
        </div>
      </div>
      <ul className="settings-rows">
        {(Object.keys(choiceTitles) as CompanionChoice[]).map((choice) => (
          <li key={choice}>
            <Link href={settingsPath('companion', choice)} className="settings-row">
              <span className="settings-row-title">{choiceTitles[choice]}</span>
              <span className="settings-row-value">{values[choice]}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Saves one change to the companion, keeping the choice on screen at once and putting it back if saving fails. */
function useCompanionChange() {
  const session = useSession();
  const [shown, setShown] = useState<Companion>(session.companion);
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  // Arrowing through a list saves each choice in turn: only the newest answer may change the screen.
  const latestChange = useRef(0);
  const change = async (update: Partial<Companion>, done: (companion: Companion) => string) => {
    const changeNumber = ++latestChange.current;
    const next = { ...shown, ...update };
    setShown(next);
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.updateCompanion(next);
      if (changeNumber !== latestChange.current) return;
      session.setCompanion(saved);
      setShown(saved);
      setStatus(done(saved));
    } catch (caught) {
      if (changeNumber !== latestChange.current) return;
      setShown(session.companion);
      setError(caught);
    }
  };
  return { shown, error, status, change, setError };
}

function Feedback({ error, status }: { error: unknown; status: string }) {
  return (
    <>
      <ErrorAlert error={error} />
      <p role="status" className="settings-status">
        {status}
      </p>
    </>
  );
}

function NamePicker() {
  const { shown, error, status, change, setError } = useCompanionChange();
  const [name, setName] = useState(shown.name);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return setError('Please give your companion a name.');
    void change({ name: name.trim() }, (saved) => `Saved. Your companion is called ${saved.name}.`);
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="companion-name">Your companion's name</label>
        <input id="companion-name" value={name} maxLength={40} required autoComplete="off" onChange={(event) => setName(event.target.value)} />
      </div>
      <button type="submit" className="button primary">
        Save name
      </button>
      <Feedback error={error} status={status} />
    </form>
  );
}

function PersonalityPicker() {
  const { catalog } = useSession();
  const { shown, error, status, change } = useCompanionChange();
  return (
    <>
      <fieldset className="settings-choices">
        <legend className="visually-hidden">Personality</legend>
        {catalog.personas.map((persona) => (
          <label key={persona.id} className="settings-choice">
            <input
              type="radio"
              name="persona"
              value={persona.id}
              checked={shown.personaId === persona.id}
              onChange={() => void change({ personaId: persona.id }, (saved) => `Saved. ${saved.name} is now ${persona.name}.`)}
            />
            <span className="settings-choice-text">
              <span className="settings-choice-title">{persona.name}</span>
              <span className="settings-choice-description">{persona.description}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Feedback error={error} status={status} />
    </>
  );
}

const previewNotes: Record<PreviewSource, string> = {
  server: 'Playing the server voice.',
  browser: "Playing with your device's own voice, an approximation of this one.",
  unavailable: 'This device cannot play speech, so there is no preview.',
};

function VoicePicker() {
  const { catalog } = useSession();
  const { shown, error, status, change } = useCompanionChange();
  const [previewNote, setPreviewNote] = useState('');
  const preview = async (voiceId: string) => {
    const voice = catalog.voices.find((candidate) => candidate.id === voiceId);
    if (!voice) return;
    const persona = catalog.personas.find((candidate) => candidate.id === shown.personaId);
    const sample = `Hi, I'm ${shown.name}. ${persona?.greeting ?? 'It is lovely to meet you.'}`;
    setPreviewNote(`${voice.name}: ${previewNotes[await playVoicePreview(voice, sample, catalog.speech.synthesis)]}`);
  };
  return (
    <>
      <fieldset className="settings-choices">
        <legend className="visually-hidden">Voice</legend>
        {catalog.voices.map((voice) => (
          <div key={voice.id} className="settings-choice with-action">
            <label className="settings-choice-label">
              <input
                type="radio"
                name="voice"
                value={voice.id}
                checked={shown.voiceId === voice.id}
                onChange={() => void change({ voiceId: voice.id }, (saved) => `Saved. ${saved.name} now speaks with ${voice.name}.`)}
              />
              <span className="settings-choice-text">
                <span className="settings-choice-title">{voice.name}</span>
                <span className="settings-choice-description">{voice.description}</span>
              </span>
            </label>
            <button type="button" className="button secondary small" onClick={() => void preview(voice.id)} aria-label={`Listen to ${voice.name}`}>
              <span aria-hidden="true">▶</span> Listen
            </button>
          </div>
        ))}
      </fieldset>
      <p className="settings-muted" aria-live="polite">
        {previewNote}
      </p>
      <Feedback error={error} status={status} />
      <KeepRecordings />
    </>
  );
}

export const keepRecordingsExplanation =
  'Off: your words are transcribed and the audio is discarded at once. On: recordings are kept encrypted with your data and included in your export.';

/**
 * Whether the audio of what the person says is kept. Beside the voice they chose, since that is where
 * someone looks for what happens to their own voice; saved the moment it is switched, like the voice.
 */
function KeepRecordings() {
  const [settings, setSettings] = useState<VoiceSettings>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const latestChange = useRef(0);

  useEffect(() => {
    api.voiceSettings().then(setSettings, setLoadError);
  }, []);

  const toggle = async (current: VoiceSettings) => {
    const changeNumber = ++latestChange.current;
    const keepAudio = !current.keepAudio;
    // The switch moves at once, and back if the server says no.
    setSettings({ keepAudio });
    setError(undefined);
    setStatus('');
    try {
      const saved = await api.saveVoiceSettings({ keepAudio });
      if (changeNumber !== latestChange.current) return;
      setSettings(saved);
      setStatus(saved.keepAudio ? 'Saved. Recordings of what you say will be kept.' : 'Saved. Recordings are no longer kept.');
    } catch (caught) {
      if (changeNumber !== latestChange.current) return;
      setSettings(current);
      setError(caught);
    }
  };

  return (
    <section className="settings-block keep-recordings" aria-labelledby="keep-recordings-heading">
      <h3 id="keep-recordings-heading">Your recordings</h3>
      {settings === undefined ? (
        loadError ? (
          <ErrorAlert error={loadError} />
        ) : (
          <p className="settings-muted">Loading…</p>
        )
      ) : (
        <>
          <ul className="settings-toggles">
            <SwitchRow
              id="voice-keep-audio"
              title="Keep recordings of what I say"
              description={keepRecordingsExplanation}
              checked={settings.keepAudio}
              onChange={() => void toggle(settings)}
            />
          </ul>
          <Feedback error={error} status={status} />
        </>
      )}
    </section>
  );
}

function AvatarPicker() {
  const { catalog } = useSession();
  const { shown, error, status, change } = useCompanionChange();
  return (
    <>
      <fieldset className="settings-avatars">
        <legend className="visually-hidden">Avatar</legend>
        {catalog.avatars.map((avatar) => (
          <label key={avatar.id} className="settings-avatar">
            <input
              type="radio"
              name="avatar"
              value={avatar.id}
              checked={shown.avatarId === avatar.id}
              onChange={() => void change({ avatarId: avatar.id }, (saved) => `Saved. ${saved.name} now looks like this: ${avatar.name}.`)}
            />
            <img src={avatar.imageUrl} alt={avatar.alt} width={72} height={72} />
            <span>{avatar.name}</span>
          </label>
        ))}
      </fieldset>
      <Feedback error={error} status={status} />
    </>
  );
}

/** One focused picker, with a way back to the companion's overview. */
export function CompanionPicker({ choice }: { choice: CompanionChoice }) {
  switch (choice) {
    case 'name':
      return <NamePicker />;
    case 'personality':
      return <PersonalityPicker />;
    case 'voice':
      return <VoicePicker />;
    case 'avatar':
      return <AvatarPicker />;
  }
}
