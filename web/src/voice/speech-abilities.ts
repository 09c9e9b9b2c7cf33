// Who listens and who speaks in voice mode: the server when the catalog says it can, else the
// browser's Web Speech API where it exists, else nobody — which the interface says in words.

/** Where speech is turned into text, or text into speech. */
export type SpeechWay = 'server' | 'browser' | 'none';

export interface SpeechAbilities {
  /** Who turns the person's speech into text. */
  listening: SpeechWay;
  /** Who reads the companion's replies aloud. */
  speaking: SpeechWay;
}

/**
 * `serverSpeech` is the catalog's `speech`: `synthesis` says the server speaks, `recognition` that it
 * transcribes (a server that does not say so predates voice and cannot). `browser` is what this
 * browser offers.
 */
export function speechAbilities(
  serverSpeech: { synthesis: boolean; recognition?: boolean },
  browser: { recognition: boolean; synthesis: boolean },
): SpeechAbilities {
  const way = (server: boolean, inBrowser: boolean): SpeechWay => (server ? 'server' : inBrowser ? 'browser' : 'none');
  return { listening: way(serverSpeech.recognition === true, browser.recognition), speaking: way(serverSpeech.synthesis, browser.synthesis) };
}

/** The sentence voice mode shows when part of a conversation cannot happen here; none when all can. */
export function missingAbilitySentence(abilities: SpeechAbilities): string | undefined {
  if (abilities.listening === 'none' && abilities.speaking === 'none') {
    return 'Voice conversations are not available: this server does not handle speech, and this browser cannot listen or speak. You can still type in the chat.';
  }
  if (abilities.listening === 'none') {
    return 'This server cannot understand speech, and this browser cannot either, so voice conversations are not available here. You can still type in the chat.';
  }
  if (abilities.speaking === 'none') return 'Replies are shown as text only: neither this server nor this browser can read them aloud.';
  return undefined;
}
