// Settings: the companion (persona, voice, avatar, name), its tools, the account's time zone and
// name, the theme, and the account itself (export, log out, delete).
import { type FormEvent, useEffect, useState } from 'react';
import type { ToolSummary } from '../../../common/client.ts';
import { api } from '../api.ts';
import { CompanionForm } from '../components/companion-form.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { useSession } from '../session.tsx';
import { applyTheme, storedTheme, type ThemeChoice } from '../theme.ts';

function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

function ToolsSection() {
  const [tools, setTools] = useState<ToolSummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.tools().then(setTools, setError);
  }, []);
  const toggle = async (tool: ToolSummary) => {
    try {
      const changed = await api.setToolEnabled(tool.id, !tool.enabled);
      setTools((previous) => previous?.map((item) => (item.id === changed.id ? changed : item)));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section aria-labelledby="tools-heading" className="card">
      <h2 id="tools-heading">Tools</h2>
      <p className="hint">What your companion may do for you.</p>
      <ErrorAlert error={error} />
      {tools?.length === 0 && <p className="empty">No tools are available on this server.</p>}
      <ul className="plain-list">
        {tools?.map((tool) => (
          <li key={tool.id} className="switch-row">
            <label>
              <input type="checkbox" role="switch" aria-checked={tool.enabled} checked={tool.enabled} onChange={() => void toggle(tool)} />
              <span className="choice-title">{tool.name}</span>
            </label>
            <span className="hint">{tool.description}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function AccountSection() {
  const session = useSession();
  const [displayName, setDisplayName] = useState(session.user.displayName ?? '');
  const [timezone, setTimezone] = useState(session.user.timezone);
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme());
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const zones = timeZones();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      session.setUser(await api.updateMe({ timezone, displayName: displayName.trim() === '' ? null : displayName.trim() }));
      setStatus('Saved.');
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section aria-labelledby="account-heading" className="card">
      <h2 id="account-heading">You</h2>
      <form onSubmit={save}>
        <div className="field">
          <label htmlFor="settings-name">Your name</label>
          <input id="settings-name" value={displayName} maxLength={80} autoComplete="name" onChange={(event) => setDisplayName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="settings-timezone">Time zone</label>
          <select id="settings-timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)}>
            {!zones.includes(timezone) && <option value={timezone}>{timezone}</option>}
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="submit" className="button primary">
            Save
          </button>
          <span role="status" className="hint">
            {status}
          </span>
        </div>
      </form>
      <fieldset className="choice-group compact">
        <legend>Theme</legend>
        {(['system', 'light', 'dark'] as const).map((choice) => (
          <label key={choice} className="inline-choice">
            <input
              type="radio"
              name="theme"
              value={choice}
              checked={theme === choice}
              onChange={() => {
                setTheme(choice);
                applyTheme(choice);
              }}
            />
            {choice === 'system' ? 'Same as my device' : choice === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

function DataSection() {
  const session = useSession();
  const [confirmText, setConfirmText] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');

  const exportData = async () => {
    setError(undefined);
    try {
      const data = await api.exportData();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      link.download = `kindred-export-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
      setStatus('Your data was downloaded.');
    } catch (caught) {
      setError(caught);
    }
  };

  const deleteAccount = async (event: FormEvent) => {
    event.preventDefault();
    if (confirmText.trim().toLowerCase() !== 'delete') return setError('Type the word delete to confirm.');
    try {
      await api.deleteAccount();
      await session.signOut();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section aria-labelledby="data-heading" className="card">
      <h2 id="data-heading">Your data</h2>
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => void exportData()}>
          Export my data
        </button>
        <button type="button" className="button secondary" onClick={() => void session.signOut()}>
          Log out
        </button>
        <span role="status" className="hint">
          {status}
        </span>
      </div>
      <form onSubmit={deleteAccount} className="danger-zone">
        <h3>Delete account</h3>
        <p className="hint">This erases your account, conversations, memories and files for good. It cannot be undone.</p>
        <div className="field">
          <label htmlFor="delete-confirm">Type “delete” to confirm</label>
          <input id="delete-confirm" value={confirmText} autoComplete="off" onChange={(event) => setConfirmText(event.target.value)} />
        </div>
        <ErrorAlert error={error} />
        <button type="submit" className="button danger">
          Delete my account
        </button>
      </form>
    </section>
  );
}

export function SettingsScreen() {
  const session = useSession();
  return (
    <main id="main" className="page narrow">
      <ScreenHeading>Settings</ScreenHeading>
      <section aria-labelledby="companion-heading" className="card">
        <h2 id="companion-heading">Your companion</h2>
        <CompanionForm
          catalog={session.catalog}
          initial={session.companion}
          submitLabel="Save companion"
          onSubmit={async (companion) => session.setCompanion(await api.updateCompanion(companion))}
        />
      </section>
      <ToolsSection />
      <AccountSection />
      <DataSection />
    </main>
  );
}
