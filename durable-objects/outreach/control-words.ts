/**
 * "stop" and its usual equivalents pause outreach from any channel; "start" resumes it. Only a
 * message that is nothing but the word counts ("stop", "STOP!", "Stop please"), never a sentence
 * that contains it ("I can't stop thinking about it"), so a person is never silenced by accident.
 *
 * The words are those carriers and WhatsApp users send (STOP, UNSUBSCRIBE, CANCEL, END, QUIT,
 * STOPALL) and their common forms in the languages the personas' voices speak (English today),
 * plus the main European languages people write in to an English companion anyway.
 */
const stopWords = new Set([
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'stop messaging me',
  'stop messages',
  'stop reminders',
  'stop checking in',
  'pause',
  'opt out',
  'optout',
  // Spanish, Portuguese, French, German, Italian, Dutch.
  'para',
  'parar',
  'basta',
  'alto',
  'pare',
  'arrêt',
  'arret',
  'arrête',
  'stopp',
  'halt',
  'fermati',
  'stoppen',
]);

const startWords = new Set(['start', 'unstop', 'resume', 'subscribe', 'restart', 'start again', 'continue', 'reanudar', 'reprendre', 'weiter', 'continuar']);

/** Courtesy words around the command that do not change it. */
const courtesy = /\b(please|pls|now|thanks|thank you|por favor|s'il vous plaît|s'il vous plait|bitte|per favore)\b/g;

export type ControlWord = 'stop' | 'start';

/** What the message asks of outreach, if it is nothing but a stop or start word. */
export function controlWordOf(text: string): ControlWord | null {
  if (text.length > 40) return null;
  const normalised = text
    .toLowerCase()
    .replace(courtesy, ' ')
    .replace(/[^\p{L}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (stopWords.has(normalised)) return 'stop';
  if (startWords.has(normalised)) return 'start';
  return null;
}
