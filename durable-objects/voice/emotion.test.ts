import { describe, expect, it } from 'vitest';
import { chooseEmotion, feelingScores } from './emotion.ts';

describe('the emotion of a reply', () => {
  it('looks concerned when the person is sad or worried, whatever the reply says', () => {
    expect(chooseEmotion('That sounds hard. I am here for you.', 'My dog died this morning and I feel so alone')).toBe('concerned');
    expect(chooseEmotion('Good luck, you will do great!', 'I am really anxious about the exam tomorrow')).toBe('concerned');
  });

  it('is happy with good news and a warm reply', () => {
    expect(chooseEmotion('Congratulations, that is wonderful!', 'I got the job')).toBe('happy');
    expect(chooseEmotion('I love that idea.', 'Shall we plan a picnic?')).toBe('happy');
  });

  it('reads a negated happy word as sad, and a negated worry as nothing', () => {
    expect(feelingScores('I am not happy at all')).toMatchObject({ happy: 0, sad: 1 });
    expect(chooseEmotion('I see.', "I'm not very happy today")).toBe('concerned');
    expect(feelingScores("Don't worry about it")).toMatchObject({ worried: 0 });
    expect(chooseEmotion("Don't worry about it, it is fine.", 'I dropped a spoon')).toBe('neutral');
  });

  it('is surprised by surprising things, and neutral by plain ones', () => {
    expect(chooseEmotion('Wow, that is incredible!', 'I saw a whale from the ferry')).toBe('surprised');
    expect(chooseEmotion('The meeting is at three.', 'When is the meeting?')).toBe('neutral');
  });

  it('shows sadness in a reply that grieves with the person, and concern in one that warns', () => {
    expect(chooseEmotion('I am so sorry for your loss.', 'Tell me something')).toBe('sad');
    expect(chooseEmotion('Please go to the hospital if the pain gets worse.', 'What should I do?')).toBe('concerned');
  });
});
