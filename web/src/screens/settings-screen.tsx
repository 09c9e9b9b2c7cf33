// Settings as short sections instead of one long form: the companion (each choice in a focused
// picker), profile and time zone, appearance, tools, reminders, reaching out, WhatsApp, and the person's data. On a phone
// the list of sections is a screen of its own and each section opens full screen with a way back;
// on a wide screen the list stays beside the open section.
import { useEffect, useRef, useState } from 'react';
import '../components/controls.css';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { deviceReminders } from '../reminders/device-reminders.ts';
import type { ReminderState } from '../reminders/reminder-switch.ts';
import { Link, usePath } from '../router.tsx';
import { useSession } from '../session.tsx';
import { AppearanceSettings, themeLabels } from '../settings/appearance-settings.tsx';
import { CareCountrySettings } from '../settings/care-settings.tsx';
import { CompanionOverview, CompanionPicker, companionChoiceTitle } from '../settings/companion-settings.tsx';
import { DataSettings } from '../settings/data-settings.tsx';
import { OutreachSettings } from '../settings/outreach-settings.tsx';
import { ProfileSettings } from '../settings/profile-settings.tsx';
import { ReminderSettings } from '../settings/reminder-settings.tsx';
import { type SettingsSection, settingsLocation, settingsPath, settingsSections } from '../settings/settings-routes.ts';
import { WhatsAppSettings } from '../settings/whatsapp-settings.tsx';
import { storedTheme, type ThemeChoice } from '../theme.ts';
import { ToolsSettings } from '../tools/tools-settings.tsx';
import '../settings/settings.css';

const sectionTitles: Record<SettingsSection, string> = {
  companion: 'Companion',
  profile: 'Profile & time zone',
  appearance: 'Appearance',
  tools: 'Tools',
  reminders: 'Reminders & notifications',
  whatsapp: 'WhatsApp',
  outreach: 'Reaching out',
  data: 'Your data',
};

const reminderSummaries: Record<ReminderState, string> = { on: 'On', off: 'Off', blocked: 'Blocked on this device', unsupported: 'Not available here' };

export function SettingsScreen() {
  const session = useSession();
  const path = usePath();
  const location = settingsLocation(path);
  // A wide screen always shows a section beside the list: the companion's, until another is chosen.
  const section = location.section ?? 'companion';
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme());
  const [reminders, setReminders] = useState<ReminderState>();
  useEffect(() => {
    void deviceReminders()
      .then((reminderSwitch) => reminderSwitch.state())
      .then(setReminders, () => setReminders('unsupported'));
  }, []);

  const persona = session.catalog.personas.find((item) => item.id === session.companion.personaId);
  const summaries: Record<SettingsSection, string> = {
    companion: `${session.companion.name}${persona ? ` · ${persona.name}` : ''}`,
    profile: `${session.user.displayName ?? 'No name yet'} · ${session.user.timezone.replaceAll('_', ' ')}`,
    appearance: themeLabels[theme],
    tools: `What ${session.companion.name} can do`,
    reminders: reminders ? reminderSummaries[reminders] : '',
    whatsapp: `Talk with ${session.companion.name} on WhatsApp`,
    outreach: `When ${session.companion.name} speaks first`,
    data: 'Export, or delete your account',
  };

  // Moving between sections moves focus to the new section's heading, as a new screen would.
  const panelHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  const panelKey = `${location.section ?? ''}/${location.choice ?? ''}`;
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (panelKey !== '/') panelHeading.current?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [panelKey]);

  const choice = location.choice;
  return (
    <main id="main" className="page settings-page" data-view={location.section === undefined ? 'list' : 'section'}>
      <ScreenHeading className="settings-title">Settings</ScreenHeading>
      <div className="settings-layout">
        <nav aria-label="Settings sections" className="settings-nav">
          <ul className="settings-rows">
            {settingsSections.map((id) => (
              <li key={id}>
                <Link href={settingsPath(id)} className="settings-row" aria-current={section === id ? 'page' : undefined}>
                  <span className="settings-row-title">{sectionTitles[id]}</span>
                  <span className="settings-row-value">{summaries[id]}</span>
                </Link>
              </li>
            ))}
          </ul>
          <button type="button" className="button secondary settings-log-out" onClick={() => void session.signOut()}>
            Log out
          </button>
        </nav>

        <section className="settings-panel" aria-labelledby="settings-panel-heading">
          {choice ? (
            <Link href={settingsPath('companion')} className="settings-back always">
              ‹ Companion
            </Link>
          ) : (
            <Link href={settingsPath()} className="settings-back">
              ‹ Settings
            </Link>
          )}
          <h2 id="settings-panel-heading" ref={panelHeading} tabIndex={-1} className="settings-panel-heading">
            {choice ? companionChoiceTitle(choice) : sectionTitles[section]}
          </h2>
          {section === 'companion' && (choice ? <CompanionPicker key={choice} choice={choice} /> : <CompanionOverview />)}
          {section === 'profile' && (
            <>
              <ProfileSettings />
              <CareCountrySettings />
            </>
          )}
          {section === 'appearance' && <AppearanceSettings theme={theme} onThemeChange={setTheme} />}
          {section === 'tools' && <ToolsSettings />}
          {section === 'reminders' && <ReminderSettings state={reminders} onStateChange={setReminders} />}
          {section === 'whatsapp' && <WhatsAppSettings />}
          {section === 'outreach' && <OutreachSettings />}
          {section === 'data' && <DataSettings />}
        </section>
      </div>
    </main>
  );
}
