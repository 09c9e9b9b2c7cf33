import { AppError } from '../../server/errors/app-error.ts';

/** A path that is not a relative, well-formed `.md` or `.txt` path: 400. */
export const invalidPath = (reason: string) => new AppError('invalid_path', `That file path is not allowed: ${reason}`);

/** Content over the per-file limit: 413, with the limit in the message so the client can say it. */
export const fileTooLarge = (sizeBytes: number, maxBytes: number) =>
  new AppError('file_too_large', `The file is ${sizeBytes} bytes; files may hold at most ${maxBytes} bytes of text.`);

/** The file is not at the version the writer expected (`null` expected: absent): 409, naming the current version. */
export function versionConflict(expectedVersionId: string | null, currentVersionId: string | null): AppError {
  const message =
    currentVersionId === null
      ? 'The file no longer exists: it was deleted after you opened it.'
      : expectedVersionId === null
        ? `A file with this path already exists; its current version is ${currentVersionId}.`
        : `The file was changed after you opened it; its current version is ${currentVersionId}. Reload it and try again.`;
  return new AppError('version_conflict', message);
}

/** The account already holds as many files as it may: 409. */
export const tooManyFiles = (maxFiles: number) =>
  new AppError('too_many_files', `You can keep at most ${maxFiles} files. Delete some before creating new ones.`);
