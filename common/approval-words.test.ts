import { describe, expect, it } from 'vitest';
import { approvalAnswerOf, approvalWordOf, spokenApprovalQuestion, spokenApprovalWordOf } from './approval-words.ts';

describe('the words that answer on WhatsApp', () => {
  it.each([
    ['YES', 'yes'],
    [' oui. ', 'yes'],
    ['Sí', 'yes'],
    ['Ja', 'yes'],
    ['não', 'no'],
    ['Nee', 'no'],
    ['NO!', 'no'],
    ['toujours', 'always'],
    ['Immer', 'always'],
  ] as const)('%j is %s', (text, word) => {
    expect(approvalWordOf(text)).toBe(word);
  });

  it.each(['yes please save it', 'maybe', '', 'yes no', 'constructor', 'toString', '__proto__'])('%j is not an answer', (text) => {
    expect(approvalWordOf(text)).toBeNull();
  });
});

describe('the words that answer aloud in voice mode', () => {
  it.each([
    ['Yes.', 'yes'],
    ['Yes please.', 'yes'],
    ['Sure, go ahead.', 'yes'],
    ['Go ahead', 'yes'],
    ['okay thank you', 'yes'],
    ['Oui merci', 'yes'],
    ['No thanks.', 'no'],
    ["Don't.", 'no'],
    ['Nope', 'no'],
    ['Always.', 'always'],
  ] as const)('%j is %s', (text, word) => {
    expect(spokenApprovalWordOf(text)).toBe(word);
  });

  it.each(['No, I want something else.', 'Yes and add milk too', 'What is it?', '', 'constructor', 'please yes', 'yes please please please please'])(
    '%j is not an answer',
    (text) => {
      expect(spokenApprovalWordOf(text)).toBeNull();
    },
  );
});

describe('the question said aloud', () => {
  it('names the tool, says why it asks, and how to answer', () => {
    expect(spokenApprovalQuestion({ toolTitle: 'Memories', reason: 'Remembers what matters. This changes your data.' })).toBe(
      'May I use Memories? Remembers what matters. This changes your data. Say yes or no.',
    );
  });
});

describe('what a word answers', () => {
  it.each([
    ['yes', { approved: true }],
    ['no', { approved: false }],
    ['always', { approved: true, always: true }],
  ] as const)('%s is %j', (word, answer) => {
    expect(approvalAnswerOf(word)).toEqual(answer);
  });
});
