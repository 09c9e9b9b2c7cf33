import type { SpeechToText } from '../../server/providers/speech/speech-to-text.ts';
import type { TextToSpeech } from '../../server/providers/speech/text-to-speech.ts';

/** The transcriber and the synthesizer the voice session uses; either may be unconfigured. */
export interface SpeechPorts {
  speechToText: () => SpeechToText | undefined;
  textToSpeech: () => TextToSpeech | undefined;
}

let replacedForTests: SpeechPorts | undefined;

/**
 * The test seam. The voice session is reached only through the Worker's realtime socket, and the
 * speech adapters are made from configuration (strings), which cannot carry an in-test fake. Tests
 * run the object in the same isolate as the test file (Cloudflare's vitest pool), so a test puts
 * its fakes here; nothing outside `*.test.ts` calls this, and `undefined` puts configuration back.
 */
export function replaceSpeechPortsForTests(ports: SpeechPorts | undefined): void {
  replacedForTests = ports;
}

/** The ports the object uses: the test's fakes when a test put some, else what `configured` makes. */
export function speechPorts(configured: SpeechPorts): SpeechPorts {
  return {
    speechToText: () => (replacedForTests ? replacedForTests.speechToText() : configured.speechToText()),
    textToSpeech: () => (replacedForTests ? replacedForTests.textToSpeech() : configured.textToSpeech()),
  };
}
