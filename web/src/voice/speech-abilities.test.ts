import { describe, expect, it } from 'vitest';
import { missingAbilitySentence, speechAbilities } from './speech-abilities.ts';

describe('who listens and who speaks', () => {
  const browserBoth = { recognition: true, synthesis: true };
  const browserNone = { recognition: false, synthesis: false };

  it('prefers the server for both when it says it can', () => {
    expect(speechAbilities({ synthesis: true, recognition: true }, browserBoth)).toEqual({ listening: 'server', speaking: 'server' });
  });

  it('falls back to the browser where the server cannot, and to nobody where neither can', () => {
    expect(speechAbilities({ synthesis: false, recognition: false }, browserBoth)).toEqual({ listening: 'browser', speaking: 'browser' });
    expect(speechAbilities({ synthesis: true }, { recognition: false, synthesis: true })).toEqual({ listening: 'none', speaking: 'server' });
    expect(speechAbilities({ synthesis: false }, browserNone)).toEqual({ listening: 'none', speaking: 'none' });
  });

  it('says in words what is missing, and nothing when all works', () => {
    expect(missingAbilitySentence({ listening: 'server', speaking: 'browser' })).toBeUndefined();
    expect(missingAbilitySentence({ listening: 'none', speaking: 'none' })).toMatch(/not available/);
    expect(missingAbilitySentence({ listening: 'none', speaking: 'server' })).toMatch(/cannot understand speech/);
    expect(missingAbilitySentence({ listening: 'browser', speaking: 'none' })).toMatch(/text only/);
  });
});
