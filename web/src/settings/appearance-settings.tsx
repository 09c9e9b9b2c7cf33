// Light, dark, or whatever the device prefers: applied at once, kept on this device.
import { applyTheme, type ThemeChoice } from '../theme.ts';

export const themeLabels: Record<ThemeChoice, string> = { system: 'Same as my device', light: 'Light', dark: 'Dark' };

export function AppearanceSettings({ theme, onThemeChange }: { theme: ThemeChoice; onThemeChange(theme: ThemeChoice): void }) {
  return (
    <fieldset className="settings-choices">
      <legend className="settings-legend">Theme</legend>
      {(['system', 'light', 'dark'] as const).map((choice) => (
        <label key={choice} className="settings-choice">
          <input
            type="radio"
            name="theme"
            value={choice}
            checked={theme === choice}
            onChange={() => {
              applyTheme(choice);
              onThemeChange(choice);
            }}
          />
          <span className={`settings-theme-swatch ${choice}`} aria-hidden="true" />
          <span className="settings-choice-title">{themeLabels[choice]}</span>
        </label>
      ))}
    </fieldset>
  );
}
