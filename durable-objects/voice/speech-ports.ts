import { speechToTextFromConfig, textToSpeechFromConfig } from '../../server/providers/from-config.ts';
import type { SpeechToText } from '../../server/providers/speech/speech-to-text.ts';
import type { TextToSpeech } from '../../server/providers/speech/text-to-speech.ts';
import type { CapabilityHost } from '../host/capability.ts';

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

/**
 * The adapters the configuration names, each made once, when first asked for: a wrong setting fails
 * the first spoken turn or voice note, not the object's start (as retrieval does with its embedder).
 */
export function configuredSpeech(host: Pick<CapabilityHost, 'config' | 'env'>): SpeechPorts {
  let speechToText: { made: SpeechToText | undefined } | undefined;
  let textToSpeech: { made: TextToSpeech | undefined } | undefined;
  return {
    speechToText: () => {
      speechToText ??= { made: speechToTextFromConfig(host.config(), host.env) };
      return speechToText.made;
    },
    textToSpeech: () => {
      textToSpeech ??= { made: textToSpeechFromConfig(host.config(), host.env) };
      return textToSpeech.made;
    },
  };
}
