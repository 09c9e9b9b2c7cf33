// The browser's own speech (Web Speech API), for a server that neither transcribes nor speaks:
// SpeechRecognition (webkitSpeechRecognition in Chromium and Safari) listens, speechSynthesis reads
// replies aloud with the installed voice that best matches the companion's catalog voice.
import type { Voice } from '../../../common/client.ts';
import { browserVoiceFor } from '../voice-preview.ts';

/** The part of SpeechRecognition voice mode uses; TypeScript's DOM library does not declare it. */
interface RecognitionLike {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  onresult: ((event: { resultIndex: number; results: ArrayLike<{ isFinal: boolean; 0: { transcript: string } }> }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
  onspeechstart: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

type RecognitionConstructor = new () => RecognitionLike;

function recognitionConstructor(): RecognitionConstructor | undefined {
  const scope = window as unknown as { SpeechRecognition?: RecognitionConstructor; webkitSpeechRecognition?: RecognitionConstructor };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition;
}

/** What this browser can do by itself. */
export function browserSpeechSupport(): { recognition: boolean; synthesis: boolean } {
  return { recognition: recognitionConstructor() !== undefined, synthesis: 'speechSynthesis' in window };
}

export interface BrowserListener {
  stop(): void;
}

/**
 * Listens until stopped, restarting after each pause (recognition ends by itself after a while).
 * `onPhrase` gets each finished phrase; `onError` a lasting failure such as a refused microphone.
 */
export function listenInBrowser(
  language: string,
  handlers: { onSpeechStart(): void; onPhrase(text: string): void; onError(reason: 'denied' | 'failed'): void },
): BrowserListener {
  const Recognition = recognitionConstructor();
  if (Recognition === undefined) {
    handlers.onError('failed');
    return { stop() {} };
  }
  let stopped = false;
  const recognition = new Recognition();
  recognition.lang = language;
  recognition.continuous = true;
  recognition.interimResults = false;
  recognition.onspeechstart = () => handlers.onSpeechStart();
  recognition.onresult = (event) => {
    for (let index = event.resultIndex; index < event.results.length; index += 1) {
      const result = event.results[index];
      const text = result?.[0].transcript.trim();
      if (result?.isFinal && text) handlers.onPhrase(text);
    }
  };
  recognition.onerror = (event) => {
    if (event.error === 'not-allowed' || event.error === 'service-not-allowed') {
      stopped = true;
      handlers.onError('denied');
    } else if (event.error !== 'no-speech' && event.error !== 'aborted') {
      stopped = true;
      handlers.onError('failed');
    }
  };
  recognition.onend = () => {
    if (!stopped) recognition.start();
  };
  recognition.start();
  return {
    stop() {
      stopped = true;
      recognition.abort();
    },
  };
}

/**
 * Reads `text` aloud. `onWord` fires at each word boundary (the mouth opens on it, as there is no
 * envelope), `onEnd` when done or cancelled.
 */
export function speakInBrowser(text: string, voice: Voice | undefined, handlers: { onWord(): void; onEnd(): void }): void {
  const utterance = new SpeechSynthesisUtterance(text);
  if (voice) {
    utterance.lang = voice.providers.browser.lang;
    utterance.pitch = voice.providers.browser.pitch;
    utterance.rate = voice.providers.browser.rate;
    const match = browserVoiceFor(voice);
    if (match) utterance.voice = match;
  }
  utterance.onboundary = () => handlers.onWord();
  utterance.onend = () => handlers.onEnd();
  utterance.onerror = () => handlers.onEnd();
  window.speechSynthesis.speak(utterance);
}

export function stopBrowserSpeech(): void {
  if ('speechSynthesis' in window) window.speechSynthesis.cancel();
}
