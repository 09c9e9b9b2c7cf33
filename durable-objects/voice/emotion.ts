import type { Emotion } from '../../common/voice.ts';

/**
 * A small local classifier for the avatar's face: word lists, negation-aware, no model call, so it
 * adds nothing to the reply's latency. Every persona and voice in the catalog speaks English today,
 * so the lists are English; a persona in another language adds its words to `lexicon` below.
 */
type Feeling = 'happy' | 'sad' | 'worried' | 'surprised';

const lexicon: Readonly<Record<Feeling, readonly string[]>> = {
  happy: [
    'happy',
    'glad',
    'great',
    'wonderful',
    'awesome',
    'amazing',
    'love',
    'loved',
    'lovely',
    'excited',
    'fantastic',
    'delighted',
    'yay',
    'congratulations',
    'congrats',
    'fun',
    'enjoy',
    'enjoyed',
    'brilliant',
    'excellent',
    'proud',
    'thrilled',
    'celebrate',
    'good',
  ],
  sad: [
    'sad',
    'unhappy',
    'lonely',
    'alone',
    'cry',
    'crying',
    'cried',
    'miss',
    'missing',
    'lost',
    'loss',
    'died',
    'death',
    'grief',
    'grieving',
    'depressed',
    'hurt',
    'heartbroken',
    'sorry',
    'awful',
    'terrible',
    'miserable',
    'down',
  ],
  worried: [
    'worried',
    'worry',
    'anxious',
    'anxiety',
    'afraid',
    'scared',
    'nervous',
    'stress',
    'stressed',
    'panic',
    'sick',
    'ill',
    'pain',
    'hospital',
    'problem',
    'trouble',
    'fear',
    'danger',
    'emergency',
    'fired',
    'exhausted',
    'overwhelmed',
  ],
  surprised: ['wow', 'whoa', 'incredible', 'unbelievable', 'surprised', 'surprising', 'unexpected', 'really', 'astonishing', 'omg'],
};

const negations = new Set([
  'not',
  'no',
  'never',
  "don't",
  'dont',
  "didn't",
  'didnt',
  "isn't",
  'isnt',
  "wasn't",
  'wasnt',
  "can't",
  'cant',
  'nothing',
  'hardly',
  'without',
]);
/** A negation reaches this many words ahead: "not very happy" is still negated. */
const negationReach = 3;

const feelingOf = new Map<string, Feeling>(Object.entries(lexicon).flatMap(([feeling, words]) => words.map((word) => [word, feeling as Feeling])));

/** Scores of each feeling in a text; a negated happy word counts as sad, a negated sad or worried word as nothing. */
export function feelingScores(text: string): Record<Feeling, number> {
  const scores: Record<Feeling, number> = { happy: 0, sad: 0, worried: 0, surprised: 0 };
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  let negatedUntil = -1;
  words.forEach((word, position) => {
    if (negations.has(word)) {
      negatedUntil = position + negationReach;
      return;
    }
    const feeling = feelingOf.get(word);
    if (!feeling) return;
    if (position <= negatedUntil) {
      if (feeling === 'happy') scores.sad += 1;
      return;
    }
    scores[feeling] += 1;
  });
  if (/!/.test(text) && scores.surprised > 0) scores.surprised += 1;
  return scores;
}

/**
 * The reply's emotion: what the person said weighs first (someone sad gets a concerned face, even
 * from a cheerful reply), then the reply's own words; nothing notable is `neutral`.
 */
export function chooseEmotion(reply: string, personMessage: string): Emotion {
  const person = feelingScores(personMessage);
  if (person.sad + person.worried > person.happy && person.sad + person.worried > 0) return 'concerned';
  const own = feelingScores(reply);
  const ranked: [Emotion, number][] = [
    ['concerned', own.worried],
    ['sad', own.sad],
    ['happy', own.happy + person.happy],
    ['surprised', own.surprised + person.surprised],
  ];
  const [best] = ranked.filter(([, score]) => score > 0).sort((first, second) => second[1] - first[1]);
  return best ? best[0] : 'neutral';
}
