/**
 * The voice journey, run once per device profile in a Chromium whose microphone is a WAV file
 * (`--use-file-for-fake-audio-capture`, a sentence spoken by espeak-ng between silences): the
 * avatars in every emotion, then voice mode from the chat. With a server that transcribes and
 * speaks (the local speech server), a whole spoken turn: the detector hears the sentence and the
 * client sends it as `voice-audio` chunks and `voice-utterance-end`; the person's words come back
 * transcribed; the reply streams, is played (the `data-segments-played` counter) and moves the
 * avatar's mouth (`data-mouth-level`). Without one, voice mode says so in words and lets the person
 * back to the chat.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { decodeBinaryFrame } from '../common/binary-frame.ts';
import { voiceBinaryFields } from '../common/voice.ts';
import { checkAccessibility } from './accessibility.ts';
import type { DeviceProfile, JourneyReport } from './journey.ts';

export interface VoiceJourneyOptions {
  baseUrl: string;
  screenshotDirectory: string;
  /** Whether the server was given speech providers, so a whole spoken turn is expected. */
  serverSpeech: boolean;
}

/** The browser flags that make Chromium's microphone play `wavPath` once, with no permission prompt. */
export function fakeMicrophoneFlags(wavPath: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    // The file loops from when Chromium opens its fake device, not from when voice mode asks for the
    // microphone, so the sentence comes round again within a loop whenever the page starts listening.
    `--use-file-for-fake-audio-capture=${wavPath}`,
    // The companion's reply plays without a click on the page first.
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/**
 * Writes the person's spoken sentence: espeak-ng's voice at 16 kHz mono, with a little silence
 * before and a long one after, in which the detector hears the end and the whole reply is spoken
 * before the loop says the sentence again.
 */
export function writeSpokenSentence(directory: string, sentence = 'what is on my calendar today'): string {
  const spoken = path.join(directory, 'sentence-espeak.wav');
  const padded = path.join(directory, 'sentence.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', spoken, sentence]);
  execFileSync('sox', [spoken, '-r', '16000', '-c', '1', '-b', '16', padded, 'pad', '2', '14']);
  return padded;
}

interface SentFrame {
  type: string;
  utteranceId?: string;
  seq?: number;
  /** Base64 in a text frame; the bytes in a binary one. */
  data?: string | Uint8Array;
  binary: boolean;
}

export async function runVoiceJourney(browser: Browser, profile: DeviceProfile, options: VoiceJourneyOptions): Promise<JourneyReport> {
  const context = await browser.newContext({ ...profile.context, baseURL: options.baseUrl, reducedMotion: 'no-preference', colorScheme: 'light' });
  await context.grantPermissions(['microphone'], { origin: options.baseUrl });
  const page = await context.newPage();
  const report: JourneyReport = { screens: [], findings: [] };
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const sent: SentFrame[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') {
        // The utterance's audio goes as binary frames: a JSON header and the PCM.
        const frame = decodeBinaryFrame(payload, voiceBinaryFields) as Omit<SentFrame, 'binary'> | undefined;
        if (frame) sent.push({ ...frame, binary: true });
        return;
      }
      try {
        const frame = JSON.parse(payload) as Omit<SentFrame, 'binary'>;
        if (frame.type.startsWith('voice-')) sent.push({ ...frame, binary: false });
      } catch {
        // Not JSON: not ours to read.
      }
    });
  });
  const touch = profile.context.hasTouch === true;
  const press = (locator: Locator) => (touch ? locator.tap() : locator.click());
  async function capture(screen: string, fullPage = false): Promise<void> {
    // Named by state, not numbered: the thinking state is photographed only when the poll catches it.
    const file = `${profile.name}-${screen}.png`;
    await page.screenshot({ path: path.join(options.screenshotDirectory, file), fullPage });
    report.screens.push(file);
    report.findings.push(...(await checkAccessibility(page, `${profile.name} voice ${screen}`)));
  }

  const unique = `${profile.name}-${Date.now().toString(36)}`;
  console.log(`${profile.name}: voice — a new person, straight to the chat`);
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`voice-${unique}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await press(page.getByRole('button', { name: 'Sign up' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  await press(page.getByRole('button', { name: 'Next' }));
  await page.getByRole('heading', { name: 'Choose a voice' }).waitFor();
  await press(page.getByRole('button', { name: 'Next' }));
  await page.getByRole('heading', { name: 'Choose a look' }).waitFor();
  await press(page.getByRole('button', { name: 'Skip for now' }));
  const chatHeading = page.getByRole('heading', { name: /^Chat with / });
  await chatHeading.waitFor();

  console.log(`${profile.name}: every avatar in every emotion`);
  await page.goto('/avatar-gallery');
  await page.getByRole('heading', { name: 'Avatars and their expressions' }).waitFor();
  const faces = page.locator('svg.living-avatar[data-emotion]');
  assert.ok((await faces.count()) >= 8 * 6, 'each avatar is shown in the six emotions');
  for (const emotion of ['neutral', 'happy', 'sad', 'surprised', 'concerned', 'thinking']) {
    assert.ok((await page.locator(`svg.living-avatar[data-emotion="${emotion}"]`).count()) >= 8, `every avatar looks ${emotion}`);
  }
  await capture('avatar-gallery', true);

  console.log(`${profile.name}: voice mode from the chat`);
  await page.goto('/chat');
  await chatHeading.waitFor();
  await press(page.getByRole('button', { name: /by voice$/ }));
  const dialog = page.getByRole('dialog', { name: /^Voice conversation with / });
  await dialog.waitFor();
  // voice-start goes at once, or as soon as the socket opens.
  await waitFor(page, 'opening voice mode tells the server', async () => sent[0]?.type === 'voice-start', 15_000);
  const status = dialog.getByRole('status');

  if (!options.serverSpeech) {
    // Without the server, voice mode falls back to the browser's recognition; headless Chromium's
    // has no service behind it, so either way the person is told, in words, and offered the way back.
    await status.filter({ hasText: /cannot understand speech|not available|stopped listening/ }).waitFor();
    await capture('voice-unavailable');
    await press(dialog.getByRole('button', { name: 'Back to chat' }));
    await dialog.waitFor({ state: 'detached' });
    await chatHeading.waitFor();
    await waitFor(page, 'leaving voice mode tells the server', async () => sent.at(-1)?.type === 'voice-stop', 5_000);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    await context.close();
    return report;
  }

  const voiceMode = page.locator('dialog.voice-mode');
  const stateOf = () => voiceMode.getAttribute('data-voice-state');
  await waitFor(page, 'the microphone is listening', async () => ['listening', 'hearing'].includes((await stateOf()) ?? ''), 30_000);
  await capture('voice-listening');

  console.log(`${profile.name}: the detector hears the sentence and the client sends it`);
  await waitFor(page, 'the utterance is sent', async () => sent.some((frame) => frame.type === 'voice-utterance-end'), 40_000);
  const end = sent.find((frame) => frame.type === 'voice-utterance-end');
  const chunks = sent.filter((frame) => frame.type === 'voice-audio' && frame.utteranceId === end?.utteranceId);
  assert.ok(chunks.length >= 1, 'the utterance went as voice-audio chunks');
  assert.deepEqual(
    chunks.map((chunk) => chunk.seq),
    chunks.map((_, index) => index),
    'the chunks are numbered in order from 0',
  );
  assert.ok(
    chunks.every((chunk) => chunk.binary),
    'the audio went as binary frames, not base64',
  );
  const bytes = chunks.reduce(
    (total, chunk) => total + (typeof chunk.data === 'string' ? Buffer.from(chunk.data, 'base64').length : (chunk.data?.length ?? 0)),
    0,
  );
  // The sentence lasts about two seconds: 16 kHz × 2 bytes each.
  assert.ok(bytes > 32_000, `the utterance carries the spoken sentence (${bytes} bytes)`);

  console.log(`${profile.name}: the words come back, the reply streams, plays and moves the mouth`);
  const personLine = dialog.locator('[data-speaker="person"]').first();
  await personLine.waitFor({ timeout: 30_000 });
  const heard = ((await personLine.textContent()) ?? '').replace(/^You\s*/, '').trim();
  assert.ok(heard.length > 0, 'the transcript of the person’s words is shown');
  console.log(`  heard: “${heard}”`);
  // Recorded in the page as the avatar draws them, not by polling from here: a short reply plays for
  // about a second, and a poll that also takes a screenshot may look only once in that time.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { mouthLevelsWhileSpeaking: string[] }).mouthLevelsWhileSpeaking = seen;
    const mode = document.querySelector('dialog.voice-mode');
    if (!mode) return;
    new MutationObserver((records) => {
      if (mode.getAttribute('data-voice-state') !== 'speaking') return;
      for (const record of records) {
        const level = (record.target as Element).getAttribute('data-mouth-level');
        if (level !== null && !seen.includes(level)) seen.push(level);
      }
    }).observe(mode, { attributes: true, subtree: true, attributeFilter: ['data-mouth-level'] });
  });
  let spokeOnScreen = false;
  await waitFor(
    page,
    'a spoken segment finishes playing',
    async () => {
      const state = await stateOf();
      if (state === 'thinking' && !report.screens.some((file) => file.endsWith('voice-thinking.png'))) await capture('voice-thinking');
      if (state === 'speaking') {
        if (!spokeOnScreen) {
          spokeOnScreen = true;
          await capture('voice-speaking');
        }
      }
      return Number((await voiceMode.getAttribute('data-segments-played')) ?? '0') >= 1;
    },
    60_000,
    30,
  );
  const companionLine = dialog.locator('[data-speaker="companion"]').first();
  await companionLine.filter({ hasText: /You said/ }).waitFor();
  const mouthLevels = await page.evaluate(() => (window as unknown as { mouthLevelsWhileSpeaking: string[] }).mouthLevelsWhileSpeaking);
  console.log(`  mouth levels while speaking: ${mouthLevels.length}`);
  assert.ok(mouthLevels.length >= 3, `the mouth moves while the reply plays (levels seen: ${mouthLevels.join(', ')})`);
  await waitFor(page, 'the reply has been spoken', async () => (await stateOf()) !== 'speaking', 60_000);
  await capture('voice-transcript');

  console.log(`${profile.name}: push-to-talk, then Escape back to the chat`);
  await press(dialog.getByRole('radio', { name: 'Push to talk' }));
  await dialog.getByRole('button', { name: 'Hold to talk' }).waitFor();
  await capture('voice-push-to-talk');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await chatHeading.waitFor();
  await waitFor(page, 'leaving voice mode tells the server', async () => sent.at(-1)?.type === 'voice-stop', 5_000);
  // The spoken turn is part of the conversation like a typed one.
  await page.getByTestId('message-assistant').filter({ hasText: 'You said' }).first().waitFor();

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await context.close();
  return report;
}

/** Polls `check` every `intervalMs` until it holds; for what the page does in its own time. */
async function waitFor(page: Page, what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await page.waitForTimeout(intervalMs);
  }
}
