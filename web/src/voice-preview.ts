// Plays a voice's sample line: the server's speech when it has a speech provider, otherwise the
// browser's own synthesis, choosing the installed voice that best matches the catalog's hints. The
// catalog says whether the server speaks, so a server without a voice is never asked (its 404
// would show as an error in the console before the fallback).
import type { Voice } from '../../common/client.ts';
import { api } from './api.ts';

let currentAudio: HTMLAudioElement | undefined;

/** The installed browser voice that best matches a catalog voice: its name hints first, then its language. */
export function browserVoiceFor(voice: Voice): SpeechSynthesisVoice | undefined {
  const installed = window.speechSynthesis.getVoices();
  for (const hint of voice.providers.browser.nameHints) {
    const match = installed.find((candidate) => candidate.name.toLowerCase().includes(hint.toLowerCase()));
    if (match) return match;
  }
  const language = voice.providers.browser.lang.toLowerCase();
  return (
    installed.find((candidate) => candidate.lang.toLowerCase() === language) ?? installed.find((candidate) => candidate.lang.startsWith(language.slice(0, 2)))
  );
}

/** Where the sample came from, so the interface can say so; `unavailable` when nothing can speak. */
export type PreviewSource = 'server' | 'browser' | 'unavailable';

let serverSpeechAnswer: Promise<boolean> | undefined;

/** Whether the server speaks, from the catalog, asked once per page; a failed answer means no. */
function serverSpeaks(): Promise<boolean> {
  serverSpeechAnswer ??= api.catalog().then(
    (catalog) => catalog.speech.synthesis,
    () => false,
  );
  return serverSpeechAnswer;
}

/**
 * Plays the sample. `serverSpeech` is the catalog's `speech.synthesis` when the caller has the
 * catalog at hand; without it the catalog is asked (once).
 */
export async function playVoicePreview(voice: Voice, text: string, serverSpeech?: boolean): Promise<PreviewSource> {
  stopVoicePreview();
  if (serverSpeech ?? (await serverSpeaks())) {
    try {
      const audio = await api.speech({ text, voiceId: voice.id });
      if (audio !== undefined) {
        currentAudio = new Audio(URL.createObjectURL(audio));
        await currentAudio.play();
        return 'server';
      }
    } catch {
      // The server's speech failed: the browser's own voice is still a fair preview.
    }
  }
  if (!('speechSynthesis' in window)) return 'unavailable';
  const utterance = new SpeechSynthesisUtterance(text);
  const hints = voice.providers.browser;
  utterance.lang = hints.lang;
  utterance.pitch = hints.pitch;
  utterance.rate = hints.rate;
  const match = browserVoiceFor(voice);
  if (match) utterance.voice = match;
  window.speechSynthesis.speak(utterance);
  return 'browser';
}

export function stopVoicePreview(): void {
  currentAudio?.pause();
  currentAudio = undefined;
  if ('speechSynthesis' in window) window.speechSynthesis.cancel();
}
