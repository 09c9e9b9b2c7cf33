// Light, dark, or whatever the system prefers; the choice is kept on this device only.
export type ThemeChoice = 'system' | 'light' | 'dark';

const themeKey = 'kindred.theme';

export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(themeKey);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') {
    delete document.documentElement.dataset['theme'];
    localStorage.removeItem(themeKey);
  } else {
    document.documentElement.dataset['theme'] = choice;
    localStorage.setItem(themeKey, choice);
  }
}
