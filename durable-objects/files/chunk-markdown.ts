/** One retrievable piece of a file. */
export interface MarkdownChunk {
  /** `<path>#<n>`, n counting from 1 in file order. It contains the path: seal or hash it before storing it anywhere. */
  chunkId: string;
  /** The nearest heading above the chunk, or `null` before the first heading. */
  heading: string | null;
  /** The heading trail (`Health > Sleep`), a blank line, then the chunk's own text, so each chunk reads on its own. */
  text: string;
  /** The 1-based line of the file where the chunk's own text (or, for a bare heading, the heading) starts. */
  startLine: number;
}

export interface ChunkOptions {
  /** The most a chunk's `text` may hold, heading trail included, by `estimateTokens`. */
  maxTokens?: number;
  /** How much of the previous chunk's tail a chunk repeats when a section runs over several chunks. */
  overlapTokens?: number;
}

/*
 * There is no tokenizer in the Worker, so tokens are estimated: a run of letters, digits or
 * punctuation counts one token per four characters (rounded up), and each character of scripts
 * written without spaces (Han, kana, Hangul, Thai) counts one. It errs high for English, which is
 * the safe side for a budget, and it adds up: the estimate of a text never exceeds the sum of the
 * estimates of its parts, which is what lets chunks be packed piece by piece.
 */
const unspacedScript = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}`;
const unitPattern = new RegExp(String.raw`[${unspacedScript}]|[^\s${unspacedScript}]+`, 'gu');
const charactersPerToken = 4;

/** The token estimate used for every budget here; exported so callers fit chunks into prompts the same way. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(unitPattern)) tokens += unitTokens(match[0]);
  return tokens;
}

function unitTokens(unit: string): number {
  return Math.ceil(unit.length / charactersPerToken);
}

/**
 * Splits a Markdown (or plain text) file into chunks for retrieval: first by headings (ATX `#` and
 * setext underlines, ignoring `#` inside code fences), then by blank-line paragraphs, packed up to
 * `maxTokens`; a paragraph too big for one chunk is split at lines, then sentences, then spaces,
 * then inside words. Each chunk starts with its heading trail, and a chunk that continues a section
 * repeats up to `overlapTokens` of the one before, so a fact near a boundary is found whole.
 */
export function chunkMarkdown(path: string, content: string, options: ChunkOptions = {}): MarkdownChunk[] {
  const maxTokens = Math.max(8, Math.floor(options.maxTokens ?? 200));
  const overlapTokens = Math.min(Math.max(0, Math.floor(options.overlapTokens ?? 30)), Math.floor(maxTokens / 2));
  const sections = splitSections(content.replace(/\r\n?/g, '\n'));

  const chunks: Omit<MarkdownChunk, 'chunkId'>[] = [];
  sections.forEach((section, index) => {
    const heading = section.trail.at(-1) ?? null;
    const prefix = headingPrefix(section.trail, Math.floor(maxTokens / 2));
    const bodyBudget = maxTokens - estimateTokens(prefix);
    const pieces = section.blocks.flatMap((block) => cutBlock(block, bodyBudget));

    if (pieces.length === 0) {
      // A bare heading can be the whole note ("## Mum's birthday is 3 May"), but a heading whose
      // subsections follow is already in their trails.
      const next = sections[index + 1];
      const hasSubsections = next !== undefined && next.level > section.level;
      if (section.headingLine !== null && !hasSubsections) chunks.push({ heading, text: prefix, startLine: section.headingLine });
      return;
    }
    for (const body of packPieces(pieces, bodyBudget, overlapTokens)) {
      chunks.push({ heading, text: prefix ? `${prefix}\n\n${body.text}` : body.text, startLine: body.startLine });
    }
  });
  return chunks.map((chunk, index) => ({ chunkId: `${path}#${index + 1}`, ...chunk }));
}

// --- sections and blocks -----------------------------------------------------------------------

/** A run of non-blank lines (a code fence's blank lines included), as written. */
interface Block {
  text: string;
  startLine: number;
}

interface Section {
  /** The headings above this section, outermost first, its own last. */
  trail: string[];
  /** The section's heading level; 0 for the text before the first heading. */
  level: number;
  headingLine: number | null;
  blocks: Block[];
}

interface Line {
  text: string;
  number: number;
  inFence: boolean;
}

const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/;
const fenceDelimiter = /^ {0,3}(`{3,}|~{3,})/;

function splitSections(content: string): Section[] {
  const sections: Section[] = [];
  const headingStack: { level: number; text: string }[] = [];
  let current: { section: Section; lines: Line[] } = { section: { trail: [], level: 0, headingLine: null, blocks: [] }, lines: [] };
  let openFence: string | null = null;

  const finish = () => {
    current.section.blocks = groupBlocks(current.lines);
    sections.push(current.section);
  };
  const startSection = (level: number, text: string, lineNumber: number) => {
    finish();
    while ((headingStack.at(-1)?.level ?? 0) >= level) headingStack.pop();
    headingStack.push({ level, text });
    current = {
      section: { trail: headingStack.map((entry) => entry.text).filter((entry) => entry.length > 0), level, headingLine: lineNumber, blocks: [] },
      lines: [],
    };
  };

  content.split('\n').forEach((text, index) => {
    const number = index + 1;
    const fence = fenceDelimiter.exec(text)?.[1];
    if (openFence !== null) {
      // A fence closes on a line of at least as many of the same character and nothing after them.
      if (fence?.startsWith(openFence[0] ?? '') && fence.length >= openFence.length && text.trim() === fence) openFence = null;
      current.lines.push({ text, number, inFence: true });
      return;
    }
    if (fence) {
      openFence = fence;
      current.lines.push({ text, number, inFence: true });
      return;
    }
    const atx = atxHeading.exec(text);
    if (atx) {
      startSection(atx[1]?.length ?? 1, (atx[2] ?? '').trim(), number);
      return;
    }
    const underline = setextUnderline.exec(text);
    const previous = current.lines.at(-1);
    const beforePrevious = current.lines.at(-2);
    // Only a one-line paragraph becomes a setext heading here; otherwise `---` is a thematic break.
    if (underline && previous && !previous.inFence && previous.text.trim() !== '' && (!beforePrevious || beforePrevious.text.trim() === '')) {
      current.lines.pop();
      startSection(underline[1]?.startsWith('=') ? 1 : 2, previous.text.trim(), previous.number);
      return;
    }
    current.lines.push({ text, number, inFence: false });
  });
  finish();
  return sections;
}

function groupBlocks(lines: Line[]): Block[] {
  const blocks: Block[] = [];
  let pending: Line[] = [];
  const flush = () => {
    if (pending.length > 0) blocks.push({ text: pending.map((line) => line.text).join('\n'), startLine: pending[0]?.number ?? 1 });
    pending = [];
  };
  for (const line of lines) {
    if (!line.inFence && line.text.trim() === '') flush();
    else pending.push(line);
  }
  flush();
  return blocks;
}

/** The heading trail as `Outer > Inner`, keeping the innermost headings that fit in `budget`. */
function headingPrefix(trail: string[], budget: number): string {
  const kept: string[] = [];
  for (const heading of [...trail].reverse()) {
    const candidate = [heading, ...kept].join(' > ');
    if (estimateTokens(candidate) > budget) break;
    kept.unshift(heading);
  }
  const nearest = trail.at(-1);
  if (kept.length === 0 && nearest !== undefined) {
    const cut = cutRange(nearest, 0, nearest.length, budget, 0)[0];
    return cut ? nearest.slice(cut.start, cut.end) : '';
  }
  return kept.join(' > ');
}

// --- cutting blocks to fit -----------------------------------------------------------------------

/** A trimmed slice of one block, with its token estimate. */
interface Piece {
  block: Block;
  start: number;
  end: number;
  tokens: number;
}

interface Range {
  start: number;
  end: number;
  tokens: number;
}

/*
 * From coarse to fine: after each line break, after a sentence's end, at whitespace. A piece still
 * too big after these is cut between units, and a single over-long unit (a URL, say) every
 * `budget * charactersPerToken` characters.
 */
const boundaryLevels = [/\n/g, /[.!?。！？…]+["'”’)\]]*\s+|[。！？]+/gu, /\s+/g];

function cutBlock(block: Block, budget: number): Piece[] {
  return cutRange(block.text, 0, block.text.length, budget, 0).map((range) => ({ block, ...range }));
}

function cutRange(text: string, start: number, end: number, budget: number, level: number): Range[] {
  const whole = trimRange(text, start, end);
  if (!whole) return [];
  if (whole.tokens <= budget) return [whole];
  const segments =
    level < boundaryLevels.length ? segmentsAt(text, whole.start, whole.end, boundaryLevels[level] as RegExp) : unitSegments(text, whole, budget);

  const ranges: Range[] = [];
  let packed: Range | null = null;
  for (const segment of segments) {
    if (segment.tokens > budget) {
      if (packed) ranges.push(packed);
      packed = null;
      ranges.push(...cutRange(text, segment.start, segment.end, budget, level + 1));
    } else if (packed && packed.tokens + segment.tokens <= budget) {
      packed = { start: packed.start, end: segment.end, tokens: packed.tokens + segment.tokens };
    } else {
      if (packed) ranges.push(packed);
      packed = segment;
    }
  }
  if (packed) ranges.push(packed);
  return ranges.flatMap((range) => trimRange(text, range.start, range.end) ?? []);
}

/** Consecutive slices of `[start, end)`, each ending just after a separator match (the last at `end`). */
function segmentsAt(text: string, start: number, end: number, separator: RegExp): Range[] {
  const slice = text.slice(start, end);
  const segments: Range[] = [];
  let segmentStart = 0;
  for (const match of slice.matchAll(separator)) {
    const segmentEnd = (match.index ?? 0) + match[0].length;
    if (segmentEnd > segmentStart) segments.push(measured(text, start + segmentStart, start + segmentEnd));
    segmentStart = segmentEnd;
  }
  if (segmentStart < slice.length) segments.push(measured(text, start + segmentStart, end));
  return segments;
}

/** The last resort: each estimation unit on its own, over-long ones cut into budget-sized runs. */
function unitSegments(text: string, range: Range, budget: number): Range[] {
  const slice = text.slice(range.start, range.end);
  const segments: Range[] = [];
  const runLength = budget * charactersPerToken;
  for (const match of slice.matchAll(unitPattern)) {
    const unitStart = range.start + (match.index ?? 0);
    // Stepping by code points keeps surrogate pairs whole in a long run of emoji or rare letters.
    const codePoints = [...match[0]];
    for (let offset = 0, position = unitStart; offset < codePoints.length; offset += runLength) {
      const length = codePoints.slice(offset, offset + runLength).join('').length;
      segments.push(measured(text, position, position + length));
      position += length;
    }
  }
  return segments;
}

function measured(text: string, start: number, end: number): Range {
  return { start, end, tokens: estimateTokens(text.slice(start, end)) };
}

function trimRange(text: string, start: number, end: number): Range | undefined {
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  return start < end ? measured(text, start, end) : undefined;
}

// --- packing pieces into chunks ------------------------------------------------------------------

function packPieces(pieces: Piece[], budget: number, overlapTokens: number): { text: string; startLine: number }[] {
  const bodies: Piece[][] = [];
  let current: Piece[] = [];
  let currentTokens = 0;
  for (const piece of pieces) {
    if (current.length > 0 && currentTokens + piece.tokens > budget) {
      bodies.push(current);
      current = tailOf(current, Math.min(overlapTokens, budget - piece.tokens));
      currentTokens = current.reduce((sum, overlap) => sum + overlap.tokens, 0);
    }
    current.push(piece);
    currentTokens += piece.tokens;
  }
  if (current.length > 0) bodies.push(current);
  return bodies.map((body) => ({ text: joinPieces(body), startLine: lineOf(body[0] as Piece) }));
}

/** The end of a chunk's body, at most `tokens` long, as pieces: whole pieces where they fit, then whole units. */
function tailOf(pieces: Piece[], tokens: number): Piece[] {
  const tail: Piece[] = [];
  let remaining = tokens;
  for (const piece of [...pieces].reverse()) {
    if (remaining <= 0) break;
    if (piece.tokens <= remaining) {
      tail.unshift(piece);
      remaining -= piece.tokens;
      continue;
    }
    const units = [...piece.block.text.slice(piece.start, piece.end).matchAll(unitPattern)];
    let start = piece.end;
    let taken = 0;
    for (const unit of units.reverse()) {
      const unitCost = unitTokens(unit[0]);
      if (taken + unitCost > remaining) break;
      taken += unitCost;
      start = piece.start + (unit.index ?? 0);
    }
    if (taken > 0) tail.unshift({ block: piece.block, start, end: piece.end, tokens: taken });
    break;
  }
  return tail;
}

function joinPieces(pieces: Piece[]): string {
  let text = '';
  pieces.forEach((piece, index) => {
    const previous = pieces[index - 1];
    if (previous) {
      // Within a block the original whitespace between the pieces is kept; blocks are paragraphs.
      text += previous.block === piece.block && previous.end <= piece.start ? piece.block.text.slice(previous.end, piece.start) : '\n\n';
    }
    text += piece.block.text.slice(piece.start, piece.end);
  });
  return text;
}

function lineOf(piece: Piece): number {
  let line = piece.block.startLine;
  for (let index = 0; index < piece.start; index++) if (piece.block.text[index] === '\n') line++;
  return line;
}
