/**
 * The user journey of the web client, run once per device profile: a first visit lands on sign-up
 * (a weak password is refused in words), onboarding meets the companion in three steps, the first
 * chat opens with the persona's greeting, the reply visibly streams (and survives a dropped
 * connection), reload keeps the history, find, forget and restore a memory, write, read and delete a
 * file (with Undo), go through the settings' sections, log out (a returning device lands on log-in)
 * and back in by keyboard alone, a failed reply says why and is retried, and a second person skips
 * onboarding and deletes their account; back as the first person, Today lists a reminder they add,
 * and Reaching out saves new quiet hours and shows its log. Every screen is checked with axe and
 * photographed into docs/screenshots.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import type { Catalog, Companion } from '../common/client.ts';
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

/**
 * Reads the reply being streamed until `finished` shows, and answers each different text it had on
 * the way: a reply that only appeared whole would answer none.
 */
async function watchStreamingReply(page: Page, finished: Locator): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (await finished.count()) === 0) {
    const text = await page.evaluate(() => document.querySelector('[data-testid="message-streaming"] .bubble-text')?.textContent ?? '');
    if (text !== '' && text !== seen.at(-1)) seen.push(text);
    await page.waitForTimeout(20);
  }
  return seen;
}

async function readApi<Answer>(page: Page, path: string): Promise<Answer> {
  const response = await page.request.get(path);
  assert.equal(response.status(), 200, `GET ${path} answers`);
  return (await response.json()) as Answer;
}

/** Polls until `check` holds, for work the app finishes in the background (a deletion after its undo window). */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
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
    // A full-page picture keeps the viewport where it is, so a bar stuck to it would show mid-page:
    // for the picture, scroll to where each bar rests (the top bar at the top, the phone's tab bar at the end).
    const scrolledFrom = fullPage
      ? await page.evaluate((toEnd) => {
          const from = window.scrollY;
          window.scrollTo(0, toEnd ? document.documentElement.scrollHeight : 0);
          return from;
        }, profile.name === 'phone')
      : undefined;
    await page.screenshot({ path: path.join(options.screenshotDirectory, file), fullPage });
    if (scrolledFrom !== undefined) await page.evaluate((from) => window.scrollTo(0, from), scrolledFrom);
    report.screens.push(file);
    report.findings.push(...(await checkAccessibility(page, `${profile.name} ${screen}`)));
  }

  /** An API answer as text, fetched by the page itself so its session cookie is used. */
  const apiText = (apiPath: string) => page.evaluate(async (url) => (await fetch(url)).text(), apiPath);

  const unique = `${profile.name}-${Date.now().toString(36)}`;
  const email = `journey-${unique}@example.com`;
  const password = 'correct horse battery staple';
  const hikingLine = `I love hiking in the Alps every summer (${unique})`;
  const reply = 'How wonderful! The Alps in summer are glorious. Which trail is your favourite?';
  const memoryText = `Loves hiking in the Alps every summer (${unique})`;
  // The first answer is the chat reply, slow enough to watch it grow; the next request with the same
  // text is the memory extraction.
  await script(options.fakeModelOrigin, unique, [
    { text: reply, chunkDelayMs: 60 },
    { text: JSON.stringify({ memories: [{ action: 'add', kind: 'preference', text: memoryText, importance: 0.7, when: null }] }) },
  ]);

  console.log(`${profile.name}: a first visit lands on sign-up`);
  await page.goto('/');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/signup', 'a device that never signed in opens on sign-up');
  await capture('signup');
  await page.getByLabel('Your name').fill('Robin');
  await page.getByLabel('Email').fill(email);
  // A password everyone tries first is refused, with the reason in words.
  await page.getByLabel('Password').fill('password1');
  await press(page.getByRole('button', { name: 'Sign up' }));
  const weakPassword = page.getByRole('alert');
  await weakPassword.waitFor();
  assert.match((await weakPassword.textContent()) ?? '', /most common/);
  await page.getByLabel('Password').fill(password);
  await press(page.getByRole('button', { name: 'Sign up' }));

  console.log(`${profile.name}: onboarding, one short step at a time`);
  const catalog = await readApi<Catalog>(page, '/api/v1/catalog');
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  await page.getByText('Step 1 of 3').waitFor();
  const onboardingHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(onboardingHeight < 1_600, `the first step is short (${onboardingHeight} px, the old form was 3,600 px on a phone)`);
  await capture('onboarding');
  await page.getByLabel("Your companion's name").fill('Juniper');
  const personas = page.getByRole('group', { name: 'Personality' }).getByRole('radio');
  await press(personas.nth(1));
  const chosenPersonaId = await personas.nth(1).getAttribute('value');
  const greeting = catalog.personas.find((persona) => persona.id === chosenPersonaId)?.greeting;
  assert.ok(greeting !== undefined, 'the chosen personality has a greeting');
  await press(page.getByRole('button', { name: 'Next' }));

  await page.getByRole('heading', { name: 'Choose a voice' }).waitFor();
  await page.getByText('Step 2 of 3').waitFor();
  const voices = page.getByRole('group', { name: 'Voice' }).getByRole('radio');
  await press(voices.nth(2));
  await press(page.getByRole('button', { name: /Play a preview of/ }).nth(2));
  await page.getByText(/Playing|no preview/).waitFor();
  // Back keeps what was chosen.
  await press(page.getByRole('button', { name: 'Back' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  assert.equal(await page.getByLabel("Your companion's name").inputValue(), 'Juniper', 'Back keeps the name');
  assert.equal(await personas.nth(1).isChecked(), true, 'Back keeps the personality');
  await press(page.getByRole('button', { name: 'Next' }));
  assert.equal(await voices.nth(2).isChecked(), true, 'the voice is still chosen');
  await press(page.getByRole('button', { name: 'Next' }));

  await page.getByRole('heading', { name: 'Choose a look' }).waitFor();
  await page.getByText('Step 3 of 3').waitFor();
  const avatars = page.getByRole('group', { name: 'Avatar' }).getByRole('radio');
  await press(avatars.nth(3));
  const chosenAvatar = await avatars.nth(3).getAttribute('value');
  const preview = page.getByTestId('avatar-preview');
  assert.equal(await preview.getByRole('img').getAttribute('src'), `/avatars/${chosenAvatar}.svg`, 'the chosen avatar is previewed large');
  await preview.getByText('Juniper').waitFor();
  await press(page.getByRole('button', { name: 'Start talking' }));

  console.log(`${profile.name}: chat, the greeting waiting and the reply streaming`);
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  // The greeting is a stored message of the first conversation, not only a placeholder.
  await page.getByTestId('message-assistant').filter({ hasText: greeting }).waitFor();
  const messagesRegion = page.getByRole('region', { name: 'Messages' });
  const mainNavigation = page.getByRole('navigation', { name: 'Main' });
  if (profile.name === 'phone') {
    const log = await messagesRegion.boundingBox();
    assert.ok(log !== null && log.y <= 70, `on a phone the conversation starts right under a compact header (at ${log?.y} px; it was 215 px)`);
    const tabs = await mainNavigation.boundingBox();
    assert.ok(tabs !== null && Math.round(tabs.y + tabs.height) === 844, 'on a phone the sections are a tab bar at the bottom');
  } else {
    const tabs = await mainNavigation.boundingBox();
    assert.ok(tabs !== null && tabs.y < 60, 'on a desktop the sections stay at the top');
  }
  assert.equal(await page.getByRole('combobox').count(), 0, 'conversations are no longer a clipped select');
  await capture('chat-greeting');
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
  const finishedReply = page.getByTestId('message-assistant').filter({ hasText: 'Which trail is your favourite?' });
  const partials = await watchStreamingReply(page, finishedReply);
  await finishedReply.waitFor();
  // The streaming bubble may hold the whole text for a moment before the stored reply replaces it.
  const unfinished = partials.filter((partial) => partial.length < reply.length);
  assert.ok(unfinished.length >= 2, `the reply visibly grew before it was complete (seen: ${JSON.stringify(partials)})`);
  for (const [index, partial] of partials.entries()) {
    assert.ok(reply.startsWith(partial), `each streamed text is a beginning of the reply (${partial})`);
    if (index > 0) assert.ok(partial.length > (partials[index - 1] ?? '').length, 'the streamed text only grows');
  }
  console.log(`  the reply grew through ${unfinished.length} partial texts before it was complete`);
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
  await page.getByTestId('message-assistant').filter({ hasText: greeting }).waitFor();
  assert.equal(await page.getByTestId('message-user').filter({ hasText: afterDrop }).count(), 1, 'the message sent across the drop is stored exactly once');

  console.log(`${profile.name}: moving an event asks first, in the chat, with the event shown`);
  const dentist = await page.evaluate(async () => {
    const response = await fetch('/api/v1/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Dentist', start: '2027-03-02T10:00', end: '2027-03-02T11:00', timezone: 'Europe/Berlin', location: 'Main Street 4' }),
    });
    return (await response.json()) as { id: string };
  });
  // Not containing `unique`: the memory extraction's scripted answer waits under that text.
  const moveLine = `Please move my dentist appointment to Thursday (${crypto.randomUUID().slice(0, 8)})`;
  await script(options.fakeModelOrigin, moveLine, [
    { toolCalls: [{ name: 'move_event', arguments: { eventId: dentist.id, start: '2027-03-04T10:00' } }] },
    { text: 'I have asked you to confirm the move.' },
  ]);
  await composer.fill(moveLine);
  await press(page.getByRole('button', { name: 'Send' }));
  await page.getByTestId('message-assistant').filter({ hasText: 'I have asked you to confirm the move.' }).waitFor({ timeout: 20_000 });
  const moveCard = page.getByTestId('confirmation-card').filter({ hasText: 'Dentist' });
  await moveCard.getByText('Moves to').waitFor();
  await moveCard.getByText('Main Street 4').waitFor();
  const listedBefore = JSON.parse(await apiText('/api/v1/events?from=2027-03-01T00:00:00Z&to=2027-03-10T00:00:00Z')) as { events: { start: string }[] };
  assert.match(listedBefore.events[0]?.start ?? '', /^2027-03-02/, 'nothing moves before the person confirms');
  await capture('chat-confirmation');
  // The answer is a real button, reached and pressed from the keyboard.
  await moveCard.getByRole('button', { name: 'Confirm' }).focus();
  await page.keyboard.press('Enter');
  await moveCard.getByText('Confirmed: done.').waitFor();
  await page.getByTestId('message-assistant').filter({ hasText: 'Moved “Dentist” to' }).waitFor();
  const listedAfter = JSON.parse(await apiText('/api/v1/events?from=2027-03-01T00:00:00Z&to=2027-03-10T00:00:00Z')) as { events: { start: string }[] };
  assert.match(listedAfter.events[0]?.start ?? '', /^2027-03-04/, 'the event moved once confirmed');
  // Reloaded, the card is still there, answered.
  await page.reload();
  await page.getByTestId('confirmation-card').filter({ hasText: 'Dentist' }).getByText('Confirmed: done.').waitFor();

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
  // The status line says what the last action did: after adding, then after searching.
  const birthday = `My sister's birthday is on the fourth of May (${unique})`;
  await page.getByLabel('Tell Juniper something to remember').fill(birthday);
  await press(page.getByRole('button', { name: 'Remember', exact: true }));
  await page.getByRole('status').filter({ hasText: 'Juniper will remember that.' }).waitFor();
  await page.getByLabel('Search memories').fill('birthday');
  await press(page.getByRole('button', { name: 'Search', exact: true }));
  await page.getByRole('status').filter({ hasText: '1 memory matching “birthday”.' }).waitFor();
  assert.equal(await page.getByText('Juniper will remember that.').count(), 0, 'a search replaces the message about the memory added before it');
  // Forgetting is a quiet action, not a red button on every card, and it can be undone.
  const birthdayMemory = page.getByTestId('memory').filter({ hasText: birthday });
  assert.equal(await page.locator('[data-testid="memory"] .button.danger').count(), 0, 'no solid red Delete on the cards');
  const undoToast = page.getByTestId('undo-toast');
  await press(birthdayMemory.getByRole('button', { name: /^Forget memory/ }));
  await birthdayMemory.waitFor({ state: 'detached' });
  await undoToast.filter({ hasText: 'Forgot “My sister' }).waitFor();
  await capture('memories-undo');
  await press(undoToast.getByRole('button', { name: 'Undo' }));
  await birthdayMemory.waitFor();
  // Forgotten for real once the toast goes (dismissing it ends the undo window at once).
  await press(birthdayMemory.getByRole('button', { name: /^Forget memory/ }));
  await press(undoToast.getByRole('button', { name: 'Dismiss' }));
  await undoToast.waitFor({ state: 'detached' });
  await waitUntil('the memory is deleted on the server', async () => !(await apiText('/api/v1/memories')).includes('fourth of May'));

  console.log(`${profile.name}: files`);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }));
  await page.getByRole('heading', { name: 'Files', exact: true }).waitFor();
  const fileRow = (name: string) => page.getByRole('button', { name: new RegExp(`^${name.replaceAll('.', '\\.')}`) });
  // A new account has no files yet: the screen says what they are for and how to start one.
  const filesEmpty = page.getByTestId('files-empty');
  await filesEmpty.waitFor();
  await capture('files-empty');
  await press(filesEmpty.getByRole('button', { name: 'Write your first note' }));
  await page.getByLabel('New file name').fill('notes/trips.md');
  await press(page.getByRole('button', { name: 'Create' }));
  // What a file may hold is not trusted: script, handlers and script links must not survive formatting.
  const hostile = `<img src="x" onerror="document.body.dataset.injected = 'image'"><script>document.body.dataset.injected = 'script'</script>\n\n[a link](javascript:document.body.dataset.injected='link')`;
  await page.getByLabel('Content').fill(`# Trips\n\n- The Alps in July\n\n${hostile}`);
  await press(page.getByRole('button', { name: 'Save' }));
  await page.getByRole('status').filter({ hasText: 'Saved notes/trips.md.' }).waitFor();
  await page.getByLabel('Content').fill(`# Trips\n\n- The Alps in July\n- The **Dolomites** in September\n\n${hostile}`);
  await press(page.getByRole('button', { name: 'Save' }));
  await page.getByText('Version history (2)').waitFor();
  // Markdown reads formatted, with a toggle back to the text.
  await press(page.getByRole('radio', { name: 'Read' }));
  const formatted = page.getByTestId('markdown-view');
  await formatted.getByRole('heading', { name: 'Trips' }).waitFor();
  await formatted.locator('strong', { hasText: 'Dolomites' }).waitFor();
  assert.equal(await formatted.getByText('# Trips').count(), 0, 'the Markdown is formatted, not shown as text');
  assert.equal(await formatted.locator('img, script, [onerror], a[href^="javascript"]').count(), 0, 'the formatted file is sanitized');
  await press(formatted.getByText('a link'));
  assert.equal(await page.evaluate(() => document.body.dataset['injected'] ?? 'none'), 'none', 'nothing in the file ran');
  await capture('files');
  await press(page.getByText('Version history (2)'));
  await press(page.locator('.file-versions-list button').last());
  await page.getByRole('heading', { name: /^Version of/ }).waitFor();

  // Deleting asks first, then offers Undo, which brings the file back with all its versions.
  const deleteTrips = async () => {
    await press(page.getByRole('button', { name: 'Delete file' }));
    const confirmDelete = page.getByRole('dialog', { name: 'Delete notes/trips.md?' });
    await confirmDelete.waitFor();
    return confirmDelete;
  };
  const confirmDelete = await deleteTrips();
  await capture('files-delete-confirm');
  await press(confirmDelete.getByRole('button', { name: 'Delete', exact: true }));
  await fileRow('notes/trips.md').waitFor({ state: 'detached' });
  await undoToast.filter({ hasText: 'Deleted notes/trips.md' }).waitFor();
  await press(undoToast.getByRole('button', { name: 'Undo' }));
  await fileRow('notes/trips.md').filter({ hasText: '2 versions' }).waitFor();

  // Without Undo the file is deleted on the server once the toast goes.
  await press(fileRow('notes/trips.md'));
  await press((await deleteTrips()).getByRole('button', { name: 'Delete', exact: true }));
  await press(undoToast.getByRole('button', { name: 'Dismiss' }));
  await waitUntil('the file is deleted on the server', async () => !(await apiText('/api/v1/files')).includes('notes/trips.md'));
  await filesEmpty.waitFor();

  console.log(`${profile.name}: settings`);
  const sectionsNavigation = page.getByRole('navigation', { name: 'Settings sections' });
  // On a phone each section is a screen of its own: step back to the list before opening another.
  const openSettingsSection = async (name: string) => {
    if (!(await sectionsNavigation.isVisible())) await press(page.getByRole('link', { name: '‹ Settings' }));
    await press(sectionsNavigation.getByRole('link', { name: new RegExp(`^${name}`) }));
    await page.getByRole('heading', { name, exact: true }).waitFor();
  };
  await press(mainNavigation.getByRole('link', { name: 'Settings' }));
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  for (const name of ['Companion', 'Profile & time zone', 'Appearance', 'Tools', 'Reminders & notifications', 'Reaching out', 'Your data']) {
    await sectionsNavigation.getByRole('link', { name: new RegExp(`^${name}`) }).waitFor();
  }
  const settingsHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(settingsHeight < 1_600, `settings open as short sections, not one long form (${settingsHeight} px tall)`);
  await capture('settings');

  // Tools by a human name and sentence, each with a switch; never the model's names or instructions.
  await openSettingsSection('Tools');
  const dateTool = page.getByRole('switch', { name: 'Date and time' });
  await dateTool.waitFor();
  assert.equal(await page.getByText('current_time').count(), 0, 'no tool shows the name the model calls it by');
  assert.equal(await page.getByText(/Use it before|the user/).count(), 0, 'no tool shows words written for the model');
  assert.equal((await page.getByRole('switch', { name: 'Recall' }).getAttribute('aria-describedby')) !== null, true, 'each switch is described');
  await press(dateTool);
  assert.equal(await dateTool.isChecked(), false, 'the switch turns off');
  await press(dateTool);
  assert.equal(await dateTool.isChecked(), true, 'and on again');
  await capture('settings-tools');

  // The voice picker previews with the device's voice when the server has none, and logs no error.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await openSettingsSection('Companion');
  await press(page.getByRole('link', { name: /^Voice/ }));
  await page.getByRole('heading', { name: 'Voice', exact: true }).waitFor();
  await press(page.getByRole('button', { name: /^Listen to/ }).nth(1));
  await page.getByText(/Playing|no preview/).waitFor();
  await press(page.getByRole('radio', { checked: false }).first());
  await page
    .getByRole('status')
    .filter({ hasText: /Saved\. Juniper now speaks with/ })
    .waitFor();
  assert.deepEqual(consoleErrors, [], 'no console error while previewing a voice');

  // Keeping recordings of what the person says is off until they turn it on, and stays as they left it.
  const keepRecordings = page.getByRole('switch', { name: 'Keep recordings of what I say' });
  await keepRecordings.waitFor();
  assert.equal(await keepRecordings.isChecked(), false, 'recordings are not kept by default');
  assert.notEqual(await keepRecordings.getAttribute('aria-describedby'), null, 'the switch says what on and off mean');
  await press(keepRecordings);
  await page.getByRole('status').filter({ hasText: 'Saved. Recordings of what you say will be kept.' }).waitFor();
  assert.deepEqual(await readApi(page, '/api/v1/voice/settings'), { keepAudio: true }, 'keeping recordings is saved');
  await page.reload();
  await page.getByRole('heading', { name: 'Voice', exact: true }).waitFor();
  await keepRecordings.waitFor();
  assert.equal(await keepRecordings.isChecked(), true, 'the switch is still on after a reload');
  await capture('settings-voice', true);
  await keepRecordings.focus();
  await page.keyboard.press('Space');
  await page.getByRole('status').filter({ hasText: 'Saved. Recordings are no longer kept.' }).waitFor();
  assert.equal(await keepRecordings.isChecked(), false, 'the switch turns off by keyboard');
  assert.deepEqual(await readApi(page, '/api/v1/voice/settings'), { keepAudio: false }, 'no longer keeping recordings is saved');
  await press(page.getByRole('link', { name: '‹ Companion' }));
  await page.getByRole('heading', { name: 'Companion', exact: true }).waitFor();

  // Reminders ask for notification permission only when switched on.
  await context.grantPermissions(['notifications'], { origin: options.baseUrl });
  await openSettingsSection('Reminders & notifications');
  const remindersSwitch = page.getByRole('switch', { name: 'Notifications on this device' });
  await remindersSwitch.waitFor();
  assert.equal(await remindersSwitch.isChecked(), false, 'reminders start off');
  await press(remindersSwitch);
  await page.getByRole('status').filter({ hasText: 'On. Notifications will reach you on this device.' }).waitFor();
  assert.equal(await remindersSwitch.isChecked(), true, 'the switch stays on once allowed');
  await capture('settings-reminders');

  // Deleting the account asks for the word; once typed, the instruction turns into a confirmation.
  await openSettingsSection('Your data');
  // Among the devices signed in, this one is marked, and is signed out from the menu rather than here.
  const thisDevice = page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem').filter({ hasText: '(this device)' });
  await thisDevice.waitFor();
  assert.equal(await thisDevice.getByRole('button').count(), 0, 'this device has no sign-out button of its own');
  const deleteInstruction = page.getByText('Type the word delete to confirm.');
  await deleteInstruction.waitFor();
  await page.getByLabel('Type “delete” to confirm').fill('delete');
  await page.getByText('✓ Confirmed.').waitFor();
  assert.equal(await deleteInstruction.count(), 0, 'the instruction is gone once the word is typed');
  await page.getByLabel('Type “delete” to confirm').fill('');

  await openSettingsSection('Appearance');
  await press(page.getByRole('radio', { name: 'Dark', exact: true }));
  await capture('settings-dark');
  await press(mainNavigation.getByRole('link', { name: 'Chat' }));
  await page.getByTestId('message-assistant').first().waitFor();
  await capture('chat-dark');
  await press(mainNavigation.getByRole('link', { name: 'Settings' }));
  await openSettingsSection('Appearance');
  await press(page.getByRole('radio', { name: 'Light', exact: true }));
  // Back to the list of sections, where logging out is.
  if (!(await sectionsNavigation.isVisible())) await press(page.getByRole('link', { name: '‹ Settings' }));

  console.log(`${profile.name}: log out and back in, by keyboard alone`);
  await press(page.getByRole('button', { name: 'Log out' }));
  await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
  await capture('login');
  // A device someone signed in on before opens on log-in, not sign-up.
  await page.goto('/');
  await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login', 'a returning device opens on log-in');
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

  console.log(`${profile.name}: conversations, and a failed reply that is retried`);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Email').fill(email);
  await press(page.getByRole('button', { name: 'Log in' }));
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  let conversations: Locator;
  if (profile.name === 'phone') {
    // On a phone the conversations are a drawer: a modal dialog that Escape closes.
    await press(page.getByRole('button', { name: 'Conversations' }));
    conversations = page.getByRole('dialog', { name: 'Conversations' });
    await conversations.waitFor();
    await page.keyboard.press('Escape');
    await conversations.waitFor({ state: 'hidden' });
    await press(page.getByRole('button', { name: 'Conversations' }));
    await conversations.waitFor();
  } else {
    conversations = page.getByRole('navigation', { name: 'Conversations' });
  }
  await conversations.getByRole('link', { name: new RegExp(`I love hiking.*${unique}`) }).waitFor();
  await capture('conversations');
  const firstConversation = new URL(page.url()).pathname;
  await press(conversations.getByRole('button', { name: 'New conversation' }));
  await page.waitForURL((url) => url.pathname.startsWith('/chat/') && url.pathname !== firstConversation);
  if (profile.name === 'phone') await conversations.waitFor({ state: 'hidden' });
  // Its own words, so no other script (nor the memory extraction of another turn) takes its answers.
  const troubled = `What should I pack for Lisbon? (${profile.name}-${Math.random().toString(36).slice(2, 10)})`;
  await script(options.fakeModelOrigin, troubled, [
    { error: { status: 500, message: 'The upstream model fell over.' } },
    { text: 'Second time lucky: light layers and comfortable shoes.', chunkDelayMs: 20 },
  ]);
  await composer.fill(troubled);
  await press(page.getByRole('button', { name: 'Send' }));
  const failed = page.getByTestId('message-assistant').filter({ hasText: "Juniper couldn't reply." });
  await failed.waitFor();
  assert.match((await failed.textContent()) ?? '', /language model had a problem/, 'the failure is said in plain words');
  await capture('chat-failed');
  await press(failed.getByRole('button', { name: 'Retry' }));
  await page.getByTestId('message-assistant').filter({ hasText: 'Second time lucky' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0, 'once retried, the failure offers no second retry');
  assert.equal(await page.getByTestId('message-user').filter({ hasText: troubled }).count(), 2, 'Retry sent the same words again');

  console.log(`${profile.name}: someone else skips onboarding, then deletes their account`);
  await page.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST' }));
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`skipper-${unique}@example.com`);
  await page.getByLabel('Password').fill(password);
  await press(page.getByRole('button', { name: 'Sign up' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  const defaults = await readApi<Companion>(page, '/api/v1/companion');
  await press(page.getByRole('button', { name: 'Next' }));
  await page.getByRole('heading', { name: 'Choose a voice' }).waitFor();
  await press(page.getByRole('button', { name: 'Next' }));
  await page.getByRole('heading', { name: 'Choose a look' }).waitFor();
  await capture('onboarding-look');
  await press(page.getByRole('button', { name: 'Skip for now' }));
  await page.getByRole('heading', { name: `Chat with ${defaults.name}` }).waitFor();
  assert.deepEqual(await readApi<Companion>(page, '/api/v1/companion'), defaults, 'skipping keeps the default companion');
  const defaultGreeting = catalog.personas.find((persona) => persona.id === defaults.personaId)?.greeting ?? '';
  await page.getByTestId('message-assistant').filter({ hasText: defaultGreeting }).waitFor();
  await press(mainNavigation.getByRole('link', { name: 'Settings' }));
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await openSettingsSection('Your data');
  await page.getByLabel('Type “delete” to confirm').fill('delete');
  await press(page.getByRole('button', { name: 'Delete my account' }));
  await page.getByRole('heading', { name: 'Your account and everything in it has been deleted' }).waitFor();
  await capture('goodbye');
  // The account is gone: a later visit on this device is treated as a new person's.
  const nextVisit = await context.newPage();
  await nextVisit.goto('/');
  await nextVisit.getByRole('heading', { name: 'Create your account' }).waitFor();
  await nextVisit.close();

  console.log(`${profile.name}: Today, one tap from the chat: a reminder added and listed`);
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await press(page.getByRole('button', { name: 'Log in' }));
  await page.getByRole('heading', { name: 'Chat with Juniper' }).waitFor();
  await press(mainNavigation.getByRole('link', { name: 'Today' }));
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  for (const heading of ['Agenda', 'Reminders', 'What I plan to bring up', 'Calendars']) {
    await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
  }
  await page.getByText('Nothing in your calendar today.').waitFor();
  const reminderText = `Water the plants (${unique})`;
  await page.getByLabel('Remind me to').fill(reminderText);
  // The date and time start at the next whole hour in the person's zone: always in the future.
  await press(page.getByRole('button', { name: 'Add reminder' }));
  await page
    .getByRole('status')
    .filter({ hasText: /^Reminder set for / })
    .waitFor();
  const listed = page.getByTestId('reminder').filter({ hasText: reminderText });
  await listed.waitFor();
  assert.equal((await listed.getByRole('button', { name: 'Snooze 10 min' }).getAttribute('aria-describedby')) !== null, true, 'each action names its reminder');
  const stored = await readApi<{ reminders: { text: string; status: string }[] }>(page, '/api/v1/reminders');
  assert.ok(
    stored.reminders.some((reminder) => reminder.text === reminderText && reminder.status === 'scheduled'),
    'the reminder is stored on the server',
  );
  await page.getByRole('button', { name: 'Connect Google Calendar' }).waitFor();
  await page.getByLabel('Import an .ics file').waitFor();
  await capture('today', true);

  console.log(`${profile.name}: reaching out: quiet hours changed, the channel order moved, the log shown`);
  await press(page.getByRole('link', { name: 'Reaching-out settings' }));
  await page.getByRole('heading', { name: 'Reaching out', exact: true }).waitFor();
  const paused = page.getByRole('switch', { name: 'Paused' });
  await paused.waitFor();
  assert.equal(await paused.isChecked(), false, 'outreach starts unpaused');
  await page.getByLabel('From').fill('21:30');
  await page.getByLabel('Until').fill('07:15');
  // The channel order moves by buttons, and focus stays with the moved channel.
  const moveDown = page.getByRole('button', { name: /^Move .* down$/ }).first();
  const firstChannel = ((await moveDown.getAttribute('aria-label')) ?? '').replace(/^Move | down$/g, '');
  const channelCount = await page.getByRole('button', { name: /^Move .* down$/ }).count();
  if (channelCount > 1) {
    await press(moveDown);
    assert.match(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''),
      new RegExp(`^Move ${firstChannel} `),
      'focus stays on the moved channel',
    );
  }
  await press(page.getByRole('button', { name: 'Save', exact: true }));
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const outreach = await readApi<{ settings: { quietHours: { start: string; end: string }; channelOrder: string[] } }>(page, '/api/v1/outreach');
  assert.deepEqual(outreach.settings.quietHours, { start: '21:30', end: '07:15' }, 'the quiet hours are saved');
  if (channelCount > 1) assert.notEqual(outreach.settings.channelOrder[0], undefined);
  await page.getByRole('heading', { name: 'What was sent' }).waitFor();
  await page.getByText('Nothing has been sent unasked yet.').or(page.getByTestId('outreach-log-entry').first()).waitFor();
  await capture('settings-outreach', true);

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await context.close();
  return report;
}
