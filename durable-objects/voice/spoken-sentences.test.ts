import { describe, expect, it } from 'vitest';
import { SpokenSentences } from './spoken-sentences.ts';

/** Feeds the pieces, settling after each (as if each came in a read of its own); answers every sentence out, in order. */
function spoken(pieces: readonly string[], options: { settleAfterEach?: boolean } = {}): string[] {
  const sentences = new SpokenSentences();
  const out: string[] = [];
  for (const piece of pieces) {
    out.push(...sentences.add(piece));
    if (options.settleAfterEach ?? true) out.push(...sentences.settle());
  }
  out.push(...sentences.flush());
  return out;
}

describe('spoken sentences', () => {
  it('ends a finished sentence when the stream pauses, without waiting for the next token', () => {
    const sentences = new SpokenSentences();
    expect(sentences.add('You said: tell me ')).toEqual([]);
    expect(sentences.add('something nice.')).toEqual([]);
    expect(sentences.settle()).toEqual(['You said: tell me something nice.']);
    expect(sentences.add(' And then')).toEqual([]);
    expect(sentences.settle()).toEqual([]);
    expect(sentences.add(' some more?')).toEqual([]);
    expect(sentences.settle()).toEqual(['And then some more?']);
    expect(sentences.flush()).toEqual([]);
  });

  it('gives the same sentences as the SDK chunker when nothing pauses', () => {
    const text = ['The first sentence is here. The sec', 'ond one follows it. And the third', ' ends the reply.'];
    expect(spoken(text, { settleAfterEach: false })).toEqual(['The first sentence is here.', 'The second one follows it.', 'And the third ends the reply.']);
    expect(spoken(text)).toEqual(['The first sentence is here.', 'The second one follows it.', 'And the third ends the reply.']);
  });

  it('waits at a number, an initial, an abbreviation or an ellipsis, where the next token may go on', () => {
    for (const held of [
      'The ticket costs 3.',
      'I wrote to Jane A.',
      'Bring something warm, e.g.',
      'Your appointment with Dr.',
      'We moved to the U.S.',
      'Well, I was thinking...',
    ]) {
      const sentences = new SpokenSentences();
      expect(sentences.add(held)).toEqual([]);
      expect(sentences.settle()).toEqual([]);
    }
    // Where the next token goes on without a space, the sentence stays whole.
    expect(spoken(['The ticket costs 3.', '50 at the door.'])).toEqual(['The ticket costs 3.50 at the door.']);
  });

  it('keeps a closing quote or bracket with its sentence, and reads other languages', () => {
    expect(spoken(['She told me "that was wonderful!"', ' I agree.'])).toEqual(['She told me "that was wonderful!"', 'I agree.']);
    expect(spoken(['¿Cómo te fue en la entrevista?', ' Cuéntame.'])).toEqual(['¿Cómo te fue en la entrevista?', 'Cuéntame.']);
    expect(spoken(['Das war wirklich schön.', ' Bis morgen.'])).toEqual(['Das war wirklich schön.', 'Bis morgen.']);
  });

  it('does not end a sentence shorter than the SDK chunker would', () => {
    expect(spoken(['Oh wow.', ' That is lovely to hear.'])).toEqual(['Oh wow. That is lovely to hear.']);
  });

  it('reads a reply that starts with spaces or new lines', () => {
    expect(spoken(['\n\nGood morning to you.', '\nThe sun is out.'])).toEqual(['Good morning to you.', 'The sun is out.']);
  });
});
