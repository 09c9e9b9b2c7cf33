import { invalidPath } from './file-errors.ts';

/** The shape every accepted path has; the numbers are also in the error messages users see. */
export const filePathLimits = {
  /** In characters (code points) of the normalised path. */
  maxLength: 200,
  /** Segments, the file name included: `a/b/c.md` has depth 3. */
  maxDepth: 8,
  extensions: ['.md', '.txt'],
} as const;

/** The outcome of parsing a path: the normalised path, or why it was refused, in words for the user. */
export type FilePathResult = { success: true; value: string } | { success: false; error: string };

/*
 * Letters, combining marks and digits of any script (so `journal/día-1.md` and `メモ.md` work), plus
 * a few punctuation marks people put in file names. Everything else is refused rather than escaped:
 * `/` only separates, and `\`, `%`, `:`, `#`, `?`, controls and invisible format characters (bidi
 * overrides, zero-width joiners) have no business in a name and only make paths that look alike.
 */
const allowedCharacter = /^[\p{L}\p{M}\p{N} ._\-(),'&]$/u;
const controlCharacter = /\p{Cc}/u;
const visibleCharacter = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Checks and normalises a path inside the user's file system, such as `notes/books.md`. A path is
 * relative, `/`-separated, free of `.`, `..` and empty segments, at most 8 deep and 200 characters
 * long, and names a `.md` or `.txt` file. It is put into Unicode NFC, so the same visible name
 * always means the same file. Percent-escapes are not decoded here (see `decodeFilePath`).
 */
export function parseFilePath(raw: string): FilePathResult {
  if (typeof raw !== 'string' || raw.length === 0) return refuse('it is empty.');
  const path = raw.normalize('NFC');
  if ([...path].length > filePathLimits.maxLength) return refuse(`it is longer than ${filePathLimits.maxLength} characters.`);
  if (path.includes('\\')) return refuse('it contains a backslash; separate folders with "/".');
  if (controlCharacter.test(path)) return refuse('it contains a control character.');
  if (path.startsWith('/')) return refuse('it must be relative, without a leading "/".');
  if (path.endsWith('/')) return refuse('it names a folder, not a file.');

  const segments = path.split('/');
  if (segments.length > filePathLimits.maxDepth) return refuse(`it is more than ${filePathLimits.maxDepth} levels deep.`);
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) return refuse(problem);
  }

  const lowerCased = path.toLowerCase();
  if (!filePathLimits.extensions.some((extension) => lowerCased.endsWith(extension))) return refuse('only .md and .txt files can be stored.');
  return { success: true, value: path };
}

/** `parseFilePath` for callers that want an exception: throws AppError `invalid_path` (400). */
export function requireFilePath(raw: string): string {
  const parsed = parseFilePath(raw);
  if (!parsed.success) throw invalidPath(parsed.error);
  return parsed.value;
}

/**
 * For a path taken from a URL: decodes percent-escapes exactly once, then parses. Since `%` is not
 * allowed in a name, a double-encoded `%252e%252e` arrives as `%2e%2e` and is refused rather than
 * decoded a second time somewhere later.
 */
export function decodeFilePath(encoded: string): FilePathResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return refuse('it contains a malformed percent-escape.');
  }
  return parseFilePath(decoded);
}

function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'it has an empty folder name ("//").';
  if (segment === '.' || segment === '..') return '"." and ".." are not allowed.';
  // A leading dot would allow `...` and hidden names; a trailing dot or space is silently dropped by
  // some file systems, so `a.md.` and `a.md` would collide once exported.
  if (segment.startsWith('.')) return `"${segment}" starts with a dot.`;
  if (segment.endsWith('.')) return `"${segment}" ends with a dot.`;
  if (segment.startsWith(' ') || segment.endsWith(' ')) return `"${segment}" starts or ends with a space.`;
  for (const character of segment) {
    if (!allowedCharacter.test(character)) return `it contains ${describe(character)}, which file names may not contain.`;
  }
  return undefined;
}

function describe(character: string): string {
  const codePoint = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return visibleCharacter.test(character) ? `"${character}"` : `the invisible character ${codePoint}`;
}

function refuse(error: string): FilePathResult {
  return { success: false, error };
}
