import type { FileStore } from './file-store.ts';

/** What a new user's profile file starts from; the settings stay the source of truth for name and time zone. */
export interface DefaultFilesProfile {
  displayName: string | null;
  timezone: string;
}

export interface DefaultFile {
  path: string;
  content: string;
}

/**
 * The files a new account starts with: a `profile.md` whose headings invite the user and the
 * companion to fill it in. Notes and journal entries are created as they are written.
 */
export function defaultFiles(profile: DefaultFilesProfile): DefaultFile[] {
  const name = profile.displayName?.trim() || '';
  const profileContent = [
    '# About me',
    '',
    `- Name: ${name}`,
    `- Time zone: ${profile.timezone}`,
    '',
    '## What I would like you to know about me',
    '',
    '## People who matter to me',
    '',
    '## Likes, dislikes and preferences',
    '',
    '## Goals I am working on',
    '',
  ].join('\n');
  return [{ path: 'profile.md', content: profileContent }];
}

/**
 * Writes the default files that do not exist yet and leaves existing ones alone, so it is safe to
 * call on every start or sign-up retry. Answers the paths it created.
 */
export async function seedDefaultFiles(store: FileStore, profile: DefaultFilesProfile): Promise<string[]> {
  const created: string[] = [];
  for (const file of defaultFiles(profile)) {
    const existing = await store.read(file.path);
    if (existing) continue;
    try {
      await store.write(file.path, file.content, { expectedVersionId: null, author: 'companion' });
      created.push(file.path);
    } catch (error) {
      // Written by someone else between the read and the write: theirs wins.
      if (!(error instanceof Error && 'id' in error && error.id === 'version_conflict')) throw error;
    }
  }
  return created;
}
