import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.ts';
import { decodeFilePath, parseFilePath, requireFilePath } from './file-path.ts';

const accepted = (raw: string) => {
  const parsed = parseFilePath(raw);
  if (!parsed.success) throw new Error(`expected "${raw}" to be accepted: ${parsed.error}`);
  return parsed.value;
};

const refusal = (raw: string) => {
  const parsed = parseFilePath(raw);
  if (parsed.success) throw new Error(`expected "${raw}" to be refused`);
  return parsed.error;
};

describe('parseFilePath', () => {
  it('accepts relative text file paths, in any script', () => {
    expect(accepted('profile.md')).toBe('profile.md');
    expect(accepted('notes/books to read.md')).toBe('notes/books to read.md');
    expect(accepted('journal/2026-11-24.md')).toBe('journal/2026-11-24.md');
    expect(accepted('notes/Mum & Dad (old), draft_2.txt')).toBe('notes/Mum & Dad (old), draft_2.txt');
    expect(accepted('notes/Día de campo.MD')).toBe('notes/Día de campo.MD');
    expect(accepted('メモ/買い物.md')).toBe('メモ/買い物.md');
    expect(accepted('नोट्स/योजना.md')).toBe('नोट्स/योजना.md');
    expect(accepted('a/b/c/d/e/f/g/h.md')).toBe('a/b/c/d/e/f/g/h.md');
  });

  it('normalises to NFC, so one visible name is one file', () => {
    const decomposed = 'notes/cafe\u0301.md';
    expect(accepted(decomposed)).toBe('notes/caf\u00e9.md');
  });

  it('refuses traversal, in every spelling', () => {
    for (const raw of ['../x.md', 'notes/../../x.md', 'notes/..', './x.md', 'notes/./x.md', '..', '...', 'notes/.../x.md']) {
      expect(parseFilePath(raw).success, raw).toBe(false);
    }
    expect(refusal('../x.md')).toContain('".." are not allowed');
  });

  it('refuses percent-escapes as characters, and traversal once they are decoded', () => {
    expect(refusal('%2e%2e/x.md')).toContain('"%"');
    const decoded = decodeFilePath('%2e%2e/x.md');
    expect(decoded.success).toBe(false);
    expect(decodeFilePath('notes%2F..%2F..%2Fx.md').success).toBe(false);
    // Decoded once only: a double-encoded dot stays a refused "%".
    expect(decodeFilePath('%252e%252e/x.md')).toMatchObject({ success: false, error: expect.stringContaining('"%"') });
    expect(decodeFilePath('%E0%A4%A')).toMatchObject({ success: false, error: expect.stringContaining('percent-escape') });
    expect(decodeFilePath('notes/books%20to%20read.md')).toEqual({ success: true, value: 'notes/books to read.md' });
  });

  it('refuses empty segments, absolute paths, folders and backslashes', () => {
    expect(refusal('a//b.md')).toContain('empty folder name');
    expect(refusal('/etc/passwd.md')).toContain('relative');
    expect(refusal('//server/share.md')).toContain('relative');
    expect(refusal('notes/')).toContain('folder');
    expect(refusal('notes\\..\\x.md')).toContain('backslash');
    expect(refusal('C:\\x.md')).toContain('backslash');
    expect(refusal('C:/x.md')).toContain('":"');
    expect(refusal('')).toContain('empty');
  });

  it('refuses control and invisible characters', () => {
    expect(refusal('notes/x\u0000.md')).toContain('control character');
    expect(refusal('notes/x\n.md')).toContain('control character');
    expect(refusal('notes/x\u202e.md')).toContain('U+202E');
    expect(refusal('notes/x\u200b.md')).toContain('U+200B');
  });

  it('refuses hidden names, names ending in a dot or padded with spaces', () => {
    expect(refusal('.env.md')).toContain('starts with a dot');
    expect(refusal('notes/.md')).toContain('starts with a dot');
    expect(refusal('notes./x.md')).toContain('ends with a dot');
    expect(refusal(' notes/x.md')).toContain('space');
    expect(refusal('notes/x.md ')).toContain('space');
  });

  it('refuses other file types, deep paths and long paths', () => {
    expect(refusal('notes/photo.png')).toContain('.md and .txt');
    expect(refusal('notes/readme')).toContain('.md and .txt');
    expect(refusal('a/b/c/d/e/f/g/h/i.md')).toContain('8 levels');
    expect(refusal(`${'a'.repeat(198)}.md`)).toContain('200 characters');
    expect(accepted(`${'a'.repeat(197)}.md`)).toHaveLength(200);
  });
});

describe('requireFilePath', () => {
  it('throws invalid_path as a 400 with the reason', () => {
    expect(() => requireFilePath('../x.md')).toThrow(AppError);
    try {
      requireFilePath('../x.md');
    } catch (error) {
      expect(error).toMatchObject({ status: 400, id: 'invalid_path', message: expect.stringContaining('..') });
    }
    expect(requireFilePath('notes/a.md')).toBe('notes/a.md');
  });
});
