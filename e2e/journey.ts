/**
 * The user journey of the web client, run once per device profile: sign up, choose the companion,
 * chat with a streamed answer (and survive a dropped connection), reload and see the history, find
 * and delete a memory, edit a file, visit settings, log out and back in by keyboard alone. Every
 * screen is checked with axe and photographed into docs/screenshots.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Locator } from 'playwright-core';
import { type AxeFinding, checkAccessibility } from './accessibility.ts';

export interface DeviceProfile {
  name: 'desktop' | 'phone';
  context: BrowserContextOptions;
}

export const profiles: DeviceProfile[] = [
  { name: 'desktop', context: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

export interface JourneyOptions {
  baseUrl: string;
  /** The fake model's control origin, to script answers. */
  fakeModelOrigin: string;
  screenshotDirectory: string;
}

export interface JourneyReport {
  screens: string[];
  findings: AxeFinding[];
}

async function script(fakeModelOrigin: string, match: string, steps: object[]): Promise<void> {
  const response = await fetch(`${fakeModelOrigin}/__control/scripts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ match, steps }),
  });
  assert.equal(response.status, 201, 'the fake model accepts the script');
}

export async function runJourney(browser: Browser, profile: DeviceProfile, options: JourneyOptions): Promise<JourneyReport> {
  const context = await browser.newContext({ ...profile.context, baseURL: options.baseUrl, reducedMotion: 'reduce', colorScheme: 'light' });
  const page = await context.newPage();
  const report: JourneyReport = { screens: [], findings: [] };
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const touch = profile.context.hasTouch === true;
  const press = (locator: Locator) => (touch ? locator.tap() : locator.click());
  let screenNumber = 0;

  async function capture(screen: string, fullPage = false): Promise<void> {
    screenNumber += 1;
    const file = `${profile.name}-${String(screenNumber).padStart(2, '0')}-${screen}.png`;
    await page.screenshot({ path: path.join(options.screenshotDirectory, file), fullPage });
    report.screens.push(file);
    report.findings.push(...(await checkAccessibility(page, `${profile.name} ${screen}`)));
  }

  const unique = `${profile.name}-${Date.now().toString(36)}`;
  const email = `journey-${unique}@example.com`;
  const password = 'correct horse battery staple';
  const hikingLine = `I love hiking in the Alps every summer (${unique})`;
  const reply = 'How wonderful! The Alps in summer are glorious. Which trail is your favourite?';
  const memoryText = `Loves hiking in the Alps every summer (${unique})`;
  // The first answer is the chat reply; the next request with the same text is the memory extraction.
  await script(options.fakeModelOrigin, unique, [
    { text: reply, chunkDelayMs: 30 },
    { text: JSON.stringify({ memories: [{ action: 'add', kind: 'preference', text: memoryText, importance: 0.7, when: null }] }) },
  ]);

  console.log(`${profile.name}: sign up`);
  await page.goto('/signup');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await capture('signup');
  await page.getByLabel('Your name').fill('Robin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await press(page.getByRole('button', { name: 'Sign up' }));

  console.log(`${profile.name}: onboarding`);
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  await capture('onboarding', true);
  await page.getByLabel("Your companion's name").fill('Juniper');
  const personas = page.getByRole('group', { name: 'Personality' }).getByRole('radio');
  const voices = page.getByRole('group', { name: 'Voice' }).getByRole('radio');
  const avatars = page.getByRole('group', { name: 'Avatar' }).getByRole('radio');
  await press(personas.nth(1));
  await press(voices.nth(2));
  await press(page.getByRole('button', { name: /Play a preview of/ }).nth(2));
  await page.getByText(/Playing|no preview/).waitFor();
  await press(avatars.nth(3));
  const chosenAvatar = await avatars.nth(3).getAttribute('value');
  await press(page.getByRole('button', { name: 'Start talking' }));

  console.log(`${profile.name}: chat`);
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  await capture('chat-empty');
  const textDeltas: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"text-delta"')) textDeltas.push(payload);
    }),
  );
  // The socket opened before the listener; reopen it so its frames are seen.
  await page.evaluate(() => (window as { kindredDebug?: { dropRealtime(): void } }).kindredDebug?.dropRealtime());
  await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor({ state: 'detached', timeout: 15_000 });
  const composer = page.getByLabel('Message Juniper');
  await composer.fill(hikingLine);
  await press(page.getByRole('button', { name: 'Send' }));
  await page.getByTestId('message-streaming').waitFor();
  await page.getByTestId('message-assistant').filter({ hasText: 'Which trail is your favourite?' }).waitFor();
  assert.ok(textDeltas.length > 3, `the reply streamed in pieces (${textDeltas.length} text-delta frames)`);
  assert.equal((await page.locator(`.message.assistant img[src="/avatars/${chosenAvatar}.svg"]`).count()) > 0, true, 'the avatar is beside the reply');
  await capture('chat-reply');

  console.log(`${profile.name}: a dropped connection loses nothing`);
  await page.evaluate(() => (window as { kindredDebug?: { dropRealtime(): void } }).kindredDebug?.dropRealtime());
  const afterDrop = `Are you still there after the drop? (${unique})`;
  await script(options.fakeModelOrigin, afterDrop, [{ text: 'Still here, nothing was lost.' }]);
  await composer.fill(afterDrop);
  await press(page.getByRole('button', { name: 'Send' }));
  await page.getByTestId('message-assistant').filter({ hasText: 'Still here, nothing was lost.' }).waitFor({ timeout: 20_000 });

  console.log(`${profile.name}: reload and see the history`);
  await page.reload();
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  await page.getByTestId('message-user').filter({ hasText: hikingLine }).waitFor();
  await page.getByTestId('message-assistant').filter({ hasText: 'Which trail is your favourite?' }).waitFor();
  assert.equal(await page.getByTestId('message-user').filter({ hasText: afterDrop }).count(), 1, 'the message sent across the drop is stored exactly once');

  console.log(`${profile.name}: memories`);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Memories' }));
  await page.getByRole('heading', { name: 'Memories' }).waitFor();
  const memory = page.getByTestId('memory').filter({ hasText: memoryText });
  // Memories are extracted in the background after the turn: search again until it shows.
  for (let attempt = 0; attempt < 30 && (await memory.count()) === 0; attempt += 1) {
    await page.getByLabel('Search memories').fill('Alps');
    await press(page.getByRole('button', { name: 'Search', exact: true }));
    await page.waitForTimeout(500);
    if ((await memory.count()) > 0) break;
    await page.getByLabel('Search memories').fill('');
    await press(page.getByRole('button', { name: 'Search', exact: true }));
    await page.waitForTimeout(500);
  }
  await memory.waitFor({ timeout: 5_000 });
  await capture('memories');
  await press(memory.getByRole('button', { name: /^Delete memory/ }));
  await press(memory.getByRole('button', { name: 'Yes, forget it' }));
  await memory.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'Memory deleted.' }).waitFor();

  console.log(`${profile.name}: files`);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }));
  await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
  await page.getByLabel('New file name').fill('notes/trips.md');
  await press(page.getByRole('button', { name: 'Create' }));
  await page.getByLabel('Content').fill('# Trips\n\n- The Alps in July');
  await press(page.getByRole('button', { name: 'Save' }));
  await page.getByRole('status').filter({ hasText: 'Saved notes/trips.md.' }).waitFor();
  await page.getByLabel('Content').fill('# Trips\n\n- The Alps in July\n- The Dolomites in September');
  await press(page.getByRole('button', { name: 'Save' }));
  await page.getByText('2 versions').waitFor();
  await press(page.getByRole('heading', { name: 'Earlier versions' }).locator('xpath=following-sibling::ul[1]').getByRole('button').last());
  await page.getByRole('heading', { name: /^Version of/ }).waitFor();
  await capture('files');

  console.log(`${profile.name}: settings`);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }));
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await page.getByRole('switch').first().waitFor();
  await capture('settings', true);
  await press(page.getByRole('radio', { name: 'Dark', exact: true }));
  await capture('settings-dark');
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }));
  await page.getByTestId('message-assistant').first().waitFor();
  await capture('chat-dark');
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }));
  await press(page.getByRole('radio', { name: 'Light', exact: true }));

  console.log(`${profile.name}: log out and back in, by keyboard alone`);
  await press(page.getByRole('button', { name: 'Log out' }));
  await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
  await capture('login');
  await page.getByLabel('Email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'Tab moves from email to password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  await page.getByTestId('message-user').filter({ hasText: hikingLine }).waitFor();

  // Errors read as sentences: an unknown account's login says so in words, not as an id.
  await page.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST' }));
  await page.goto('/login');
  await page.getByLabel('Email').fill(`nobody-${unique}@example.com`);
  await page.getByLabel('Password').fill('not the password');
  await press(page.getByRole('button', { name: 'Log in' }));
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /do not match an account/);
  await capture('login-error');

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await context.close();
  return report;
}
