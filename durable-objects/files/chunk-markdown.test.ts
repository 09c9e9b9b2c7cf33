import { describe, expect, it } from 'vitest';
import { chunkMarkdown, estimateTokens } from './chunk-markdown.ts';

const words = (count: number, word = 'word') => Array.from({ length: count }, (_, index) => `${word}${index}`).join(' ');

describe('estimateTokens', () => {
  it('counts a token per four characters of a word, and one per character of unspaced scripts', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('the cat sat')).toBe(3);
    expect(estimateTokens('conversation')).toBe(3);
    expect(estimateTokens('日本語を話す')).toBe(6);
    expect(estimateTokens('hello, 世界!')).toBe(5);
  });
});

describe('chunkMarkdown', () => {
  it('answers nothing for an empty or blank file', () => {
    expect(chunkMarkdown('notes/empty.md', '')).toEqual([]);
    expect(chunkMarkdown('notes/empty.md', '\n  \n\n')).toEqual([]);
  });

  it('makes one chunk per section and carries the heading trail into each', () => {
    const content = [
      'Written for my companion.',
      '',
      '# Health',
      '',
      '## Sleep',
      'I sleep badly when it is hot.',
      '',
      '## Food',
      'No peanuts, ever.',
      '',
      '# Work',
      'I teach on Mondays.',
    ].join('\n');
    const chunks = chunkMarkdown('profile.md', content);
    expect(chunks).toEqual([
      { chunkId: 'profile.md#1', heading: null, text: 'Written for my companion.', startLine: 1 },
      { chunkId: 'profile.md#2', heading: 'Sleep', text: 'Health > Sleep\n\nI sleep badly when it is hot.', startLine: 6 },
      { chunkId: 'profile.md#3', heading: 'Food', text: 'Health > Food\n\nNo peanuts, ever.', startLine: 9 },
      { chunkId: 'profile.md#4', heading: 'Work', text: 'Work\n\nI teach on Mondays.', startLine: 12 },
    ]);
  });

  it('keeps a bare leaf heading, which can be the whole note', () => {
    const chunks = chunkMarkdown('notes/dates.md', "# Dates\n\n## Mum's birthday is 3 May\n\n## Dad's is 9 June\n");
    expect(chunks.map((chunk) => chunk.text)).toEqual(["Dates > Mum's birthday is 3 May", "Dates > Dad's is 9 June"]);
    expect(chunks.map((chunk) => chunk.startLine)).toEqual([3, 5]);
  });

  it('understands setext headings and ignores # inside code fences', () => {
    const content = ['Plans', '=====', '', '```sh', '# not a heading', '', 'echo hi', '```', '', 'Later', '-----', 'More text.'].join('\n');
    const chunks = chunkMarkdown('notes/plans.md', content);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ heading: 'Plans', startLine: 4 });
    expect(chunks[0]?.text).toBe('Plans\n\n```sh\n# not a heading\n\necho hi\n```');
    expect(chunks[1]).toMatchObject({ heading: 'Later', text: 'Plans > Later\n\nMore text.', startLine: 12 });
  });

  it('packs paragraphs up to the budget and splits long sections with overlap', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index}: ${words(20, `p${index}w`)}.`);
    const content = `# Diary\n\n${paragraphs.join('\n\n')}\n`;
    const chunks = chunkMarkdown('journal/2026-11-24.md', content, { maxTokens: 120, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(120);
      expect(chunk.text.startsWith('Diary\n\n')).toBe(true);
      expect(chunk.heading).toBe('Diary');
    }
    // Every paragraph is found in some chunk, whole.
    for (const paragraph of paragraphs) expect(chunks.some((chunk) => chunk.text.includes(paragraph))).toBe(true);
    // A continuing chunk starts with the end of the one before it.
    for (let index = 1; index < chunks.length; index++) {
      const body = (chunks[index]?.text ?? '').slice('Diary\n\n'.length);
      const firstWords = body.split(/\s+/).slice(0, 3).join(' ');
      expect(chunks[index - 1]?.text).toContain(firstWords);
    }
    expect(chunks.map((chunk) => chunk.chunkId)).toEqual(chunks.map((_, index) => `journal/2026-11-24.md#${index + 1}`));
  });

  it('splits an over-long paragraph at sentences, then words, then inside words', () => {
    const sentences = Array.from({ length: 30 }, (_, index) => `Sentence number ${index} says something about the day.`).join(' ');
    const longWord = 'x'.repeat(3000);
    const chunks = chunkMarkdown('notes/long.md', `${sentences}\n\n${longWord}`, { maxTokens: 60, overlapTokens: 0 });
    for (const chunk of chunks) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(60);
    const sentenceChunks = chunks.filter((chunk) => chunk.text.startsWith('Sentence'));
    for (const chunk of sentenceChunks) expect(chunk.text.endsWith('.')).toBe(true);
    expect(
      chunks
        .filter((chunk) => chunk.text.startsWith('x'))
        .map((chunk) => chunk.text)
        .join(''),
    ).toBe(longWord);
  });

  it('splits text in scripts without spaces', () => {
    const japanese = '今日は公園を散歩しました。'.repeat(40);
    const chunks = chunkMarkdown('メモ/日記.md', japanese, { maxTokens: 50, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(estimateTokens(chunk.text)).toBeLessThanOrEqual(50);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(japanese);
  });

  it('reports the line each chunk starts on', () => {
    const lines = Array.from({ length: 40 }, (_, index) => `- item ${index} ${words(6)}`);
    const content = `# List\n${lines.join('\n')}`;
    const chunks = chunkMarkdown('notes/list.md', content, { maxTokens: 80, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    const contentLines = content.split('\n');
    for (const chunk of chunks) {
      const firstLine = chunk.text.slice('List\n\n'.length).split('\n')[0] ?? '';
      expect(contentLines[chunk.startLine - 1]).toContain(firstLine);
    }
  });

  it('shortens a heading trail that would not leave room for text', () => {
    const content = `# ${words(40, 'outer')}\n\n## Inner\n\nThe text itself.`;
    const [chunk] = chunkMarkdown('notes/x.md', content, { maxTokens: 40 });
    expect(chunk?.text).toBe('Inner\n\nThe text itself.');
    const [long] = chunkMarkdown('notes/y.md', `# ${words(80)}\n\nBody.`, { maxTokens: 40 });
    expect(estimateTokens(long?.text ?? '')).toBeLessThanOrEqual(40);
    expect(long?.text.endsWith('\n\nBody.')).toBe(true);
  });

  it('reads Windows line endings', () => {
    expect(chunkMarkdown('a.txt', 'Title\r\n=====\r\n\r\nBody line.\r\n')).toEqual([
      { chunkId: 'a.txt#1', heading: 'Title', text: 'Title\n\nBody line.', startLine: 4 },
    ]);
  });
});
