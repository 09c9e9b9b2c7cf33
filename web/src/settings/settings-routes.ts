// Where each part of settings lives: `/settings/<section>` and, inside the companion's section,
// `/settings/companion/<choice>` for one focused picker. Real paths, so the phone's back gesture
// and the browser's back button step out of a picker and a section as people expect.

export const settingsSections = ['companion', 'profile', 'appearance', 'tools', 'reminders', 'outreach', 'whatsapp', 'data'] as const;
export type SettingsSection = (typeof settingsSections)[number];

export const companionChoices = ['name', 'personality', 'voice', 'avatar'] as const;
export type CompanionChoice = (typeof companionChoices)[number];

export interface SettingsLocation {
  /** Undefined at `/settings` itself: the list of sections (on a phone, the whole screen). */
  section: SettingsSection | undefined;
  choice: CompanionChoice | undefined;
}

const isSection = (value: string | undefined): value is SettingsSection => settingsSections.includes(value as SettingsSection);
const isChoice = (value: string | undefined): value is CompanionChoice => companionChoices.includes(value as CompanionChoice);

/** Reads a settings path; anything unknown is the list of sections. */
export function settingsLocation(path: string): SettingsLocation {
  const [, , section, choice] = path.replace(/\/+$/, '').split('/');
  if (!isSection(section)) return { section: undefined, choice: undefined };
  return { section, choice: section === 'companion' && isChoice(choice) ? choice : undefined };
}

export const settingsPath = (section?: SettingsSection, choice?: CompanionChoice) =>
  section === undefined ? '/settings' : choice === undefined ? `/settings/${section}` : `/settings/${section}/${choice}`;
