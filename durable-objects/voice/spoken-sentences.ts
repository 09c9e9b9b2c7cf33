import { SentenceChunker } from 'agents/voice/text';

/** The Agents SDK chunker's own shortest sentence: below it, "Dr." or "U.S." would go out alone. */
const minimumSentenceLength = 10;

/**
 * Words that end with a full stop without ending the sentence, in the personas' languages (English,
 * Spanish, French, German, Portuguese, Italian), lower-cased, without their own inner full stops.
 */
const abbreviations = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'jr',
  'sr',
  'sra',
  'srta',
  'dra',
  'prof',
  'vs',
  'etc',
  'inc',
  'ltd',
  'co',
  'no',
  'nr',
  'approx',
  'dept',
  'fig',
  'min',
  'max',
  'ca',
  'bzw',
  'usw',
  'vgl',
  'mme',
  'mlle',
  'av',
  'pág',
  'ex',
  'ave',
  'rd',
  'blvd',
  'mt',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

/** A sentence's end that cannot be the middle of a number, an initial or an abbreviation. */
function endsUnmistakably(text: string): boolean {
  const match = /([.!?])["'”’»)\]]*$/u.exec(text);
  if (!match) return false;
  if (match[1] !== '.') return true;
  const before = text.slice(0, match.index);
  // "3." of "3.5", "A." of "A. Smith", "e.g.", "U.S.": the next token may go on.
  const word = /(\p{L}+)$/u.exec(before)?.[1];
  if (word === undefined || word.length < 2) return false;
  if (before.length > word.length && before[before.length - word.length - 1] === '.') return false;
  return !abbreviations.has(word.toLowerCase());
}

/**
 * The sentences of a streamed reply, as soon as each can be spoken.
 *
 * The Agents SDK's `SentenceChunker` ends a sentence when the character after its full stop arrives,
 * so a sentence the model has finished waits for the model's next token, or for the stream's end if
 * it was the last. `settle()`, called when the stream pauses (nothing more is in the read the deltas
 * came in), also ends the sentence there when its end is unmistakable: a "!" or "?", or a full
 * stop after a word of two or more letters that is not a common abbreviation. A number ("3."), an
 * initial ("A."), "e.g." or "Dr." waits for the next token as before, since a sentence cut there would
 * be spoken in two broken halves. Written here, as a wrapper, because the SDK's chunker keeps its
 * buffer private: this keeps the same text alongside.
 */
export class SpokenSentences {
  readonly #chunker = new SentenceChunker();
  /** The text given since the last sentence came out: what the SDK's chunker holds. */
  #pending = '';

  /** A piece of the reply's text; answers the sentences it completes. */
  add(text: string): string[] {
    this.#pending += text;
    const sentences = this.#chunker.add(text);
    for (const sentence of sentences) {
      const rest = this.#pending.trimStart();
      this.#pending = rest.startsWith(sentence) ? rest.slice(sentence.length).trimStart() : '';
    }
    return sentences;
  }

  /** The stream paused: the sentence held back, if nothing the model could send next would continue it. */
  settle(): string[] {
    const held = this.#pending.trim();
    if (held.length < minimumSentenceLength || !endsUnmistakably(held)) return [];
    return this.flush();
  }

  /** The stream ended: whatever is left, as the last sentence. */
  flush(): string[] {
    this.#pending = '';
    return this.#chunker.flush();
  }
}
