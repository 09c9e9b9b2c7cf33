import { describe, expect, it } from 'vitest';
import { controlWordOf } from './control-words.ts';

describe('stop and start words', () => {
  it.each(['stop', 'STOP', 'Stop!', 'stop please', 'Unsubscribe', 'STOPALL', 'cancel', 'Basta', 'arrêt', 'Stopp', 'stop messaging me'])(
    '"%s" pauses outreach',
    (text) => {
      expect(controlWordOf(text)).toBe('stop');
    },
  );

  it.each(['start', 'START', 'resume please', 'unstop'])('"%s" resumes it', (text) => {
    expect(controlWordOf(text)).toBe('start');
  });

  it.each(["I can't stop thinking about it", 'stop by the shop later', 'the end of the film was sad', 'Can we start the plan?', ''])(
    '"%s" is an ordinary message',
    (text) => {
      expect(controlWordOf(text)).toBeNull();
    },
  );
});
