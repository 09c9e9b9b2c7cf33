/**
 * The care journey, run once per device profile (the phone at 360 px, the narrowest width the card
 * must work at): a new person picks the country for help lines in Settings → Profile and sees it
 * saved; in the chat they write a message the local screen flags ("I want to end my life, I can't do
 * this anymore"), and the reply comes with the care card: a labelled region, the emergency number first as
 * a `tel:` link, every resource a large tap target inside the screen. The card is still there after a
 * reload (it is stored with the message), and appears too when the model fails outright, since the
 * help never depends on the model. Every screen is checked with axe in light and dark and
 * photographed into docs/screenshots.
 *
 * What it assumes of the server (issue 12, built by the other helpers): `GET`/`PUT
 * /api/v1/care/settings` answering `{ country }`; the screen flags both sentences below as
 * `suicide-self-harm` with life at risk, so the reply carries a resource with `emergency: true`
 * and a phone; the directory's emergency number for Great Britain is 999 or 112; and a turn whose
 * model fails still ends with a `message-end` whose message (status `failed`) carries `care`.
 */
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Companion } from '../common/client.ts';
import { scriptFakeOpenAI } from '../test-support/fake-openai/control.ts';
import type { DeviceProfile, JourneyReport } from './journey.ts';
import { openJourneyPage } from './journey-page.ts';

export interface CareJourneyOptions {
  baseUrl: string;
  /** The fake model's control origin, to script answers. */
  fakeModelOrigin: string;
  screenshotDirectory: string;
}

/** The sentence from the issue: indirect, no "suicide" in it, and the local screen must still catch it. */
// Intent, so life is at risk and the emergency number leads (hopelessness alone puts the crisis lines first).
export const flaggedSentence = "I want to end my life, I can't do this anymore";
/** Said when the model is down: a plan, which the screen flags with life at risk. */
export const flaggedSentenceWithFailingModel = 'I have a plan to end my life tonight';

/** The width the card must work at: the narrowest common phone. */
const narrowPhoneViewport = { width: 360, height: 780 };

/** The care card of the reply at `index` among the assistant's messages, once it is there. */
async function careCardOfReply(page: Page, index: number): Promise<Locator> {
  const card = page.getByTestId('message-assistant').nth(index).getByRole('region', { name: 'Help you can reach now' });
  await card.waitFor({ timeout: 20_000 });
  return card;
}

/** Checks what every care card must show: the emergency number first, as a call link, every action a big enough target inside the screen. */
async function checkCareCard(page: Page, card: Locator, profile: DeviceProfile): Promise<void> {
  await card.getByText("You don't have to go through this alone. Real people can help right now:").waitFor();
  const resources = card.getByTestId('care-resource');
  assert.ok((await resources.count()) >= 1, 'the card lists at least one resource');
  const first = resources.first();
  assert.equal(await first.getAttribute('data-emergency'), 'true', 'the emergency number comes first');
  await first.getByText('Emergency', { exact: true }).waitFor();
  const emergencyCall = first.getByRole('link', { name: /^Call / });
  const emergencyHref = await emergencyCall.getAttribute('href');
  assert.match(emergencyHref ?? '', /^tel:(999|112)$/, `the emergency number of Great Britain is a call link (got ${emergencyHref})`);
  const emergencyMarks = await resources.evaluateAll((items) => items.map((item) => item.getAttribute('data-emergency') === 'true'));
  assert.ok(
    emergencyMarks.indexOf(false) === -1 || emergencyMarks.lastIndexOf(true) < emergencyMarks.indexOf(false),
    'every emergency number comes before the other lines',
  );

  const viewportWidth = page.viewportSize()?.width ?? 0;
  for (const action of await card.locator('a').all()) {
    const box = await action.boundingBox();
    assert.ok(box !== null, 'each action is shown');
    assert.ok(box.height >= 44, `each action is a large tap target (${await action.textContent()}: ${box.height} px high)`);
    assert.ok(box.x >= 0 && box.x + box.width <= viewportWidth + 0.5, `each action fits the ${profile.name} screen`);
    const href = (await action.getAttribute('href')) ?? '';
    if (href.startsWith('http')) {
      assert.equal(await action.getAttribute('target'), '_blank', 'web links open in a new tab');
      assert.match((await action.getAttribute('rel')) ?? '', /noopener/);
    } else {
      assert.match(href, /^tel:\+?[0-9]+$/, 'other links dial');
    }
  }
  const overflows = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert.equal(overflows, false, `nothing runs off the side of the ${viewportWidth} px screen`);
}

export async function runCareJourney(browser: Browser, profile: DeviceProfile, options: CareJourneyOptions): Promise<JourneyReport> {
  const { page, report, pageErrors, press, capture, readApi, close } = await openJourneyPage(browser, profile, {
    baseUrl: options.baseUrl,
    screenshotDirectory: options.screenshotDirectory,
    journey: 'care',
    context: profile.name === 'phone' ? { ...profile.context, viewport: narrowPhoneViewport } : profile.context,
  });

  const unique = `${profile.name}-care-${Date.now().toString(36)}`;
  console.log(`${profile.name}: care: a new person picks the country for help lines`);
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Robin');
  await page.getByLabel('Email').fill(`care-${unique}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await press(page.getByRole('button', { name: 'Sign up' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  const companion = await readApi<Companion>('/api/v1/companion');

  await page.goto('/settings/profile');
  const countrySelect = page.getByLabel('Country for help lines');
  await countrySelect.waitFor();
  assert.equal(await countrySelect.inputValue(), '', 'a new person starts on automatic');
  await page.getByRole('option', { name: 'Automatic (from your time zone)' }).waitFor({ state: 'attached' });
  await countrySelect.selectOption('GB');
  await page.locator('.care-settings').getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.deepEqual(await readApi<{ country: string | null }>('/api/v1/care/settings'), { country: 'GB' }, 'the country is saved');
  await capture('settings');
  await page.reload();
  await page.getByLabel('Country for help lines').waitFor();
  assert.equal(await page.getByLabel('Country for help lines').inputValue(), 'GB', 'the saved country is shown again');

  console.log(`${profile.name}: care: a message the screen flags gets the care card with the reply`);
  const reply = "I'm really glad you told me. I'm here with you, and I'd like you to talk to someone right now too.";
  await scriptFakeOpenAI(options.fakeModelOrigin, flaggedSentence, [{ text: reply }]);
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }));
  await page.getByRole('heading', { name: `Chat with ${companion.name}` }).waitFor();
  await page.getByLabel(`Message ${companion.name}`).fill(flaggedSentence);
  await press(page.getByRole('button', { name: 'Send' }));
  await page.getByTestId('message-assistant').filter({ hasText: reply }).waitFor({ timeout: 20_000 });
  const card = page.getByTestId('message-assistant').filter({ hasText: reply }).getByRole('region', { name: 'Help you can reach now' });
  await card.waitFor();
  await checkCareCard(page, card, profile);
  assert.equal(await card.getAttribute('data-care-category'), 'suicide-self-harm');
  // The reply's first line at the top: the photo shows the reply and the emergency number together.
  await page
    .getByTestId('message-assistant')
    .filter({ hasText: reply })
    .evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await capture('chat-card');
  await page.emulateMedia({ colorScheme: 'dark' });
  await capture('chat-card-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  console.log(`${profile.name}: care: the card is stored with the reply`);
  await page.reload();
  const storedReply = page.getByTestId('message-assistant').filter({ hasText: reply });
  await storedReply.waitFor({ timeout: 20_000 });
  await checkCareCard(page, storedReply.getByRole('region', { name: 'Help you can reach now' }), profile);

  console.log(`${profile.name}: care: the model fails, and the help still comes`);
  // Enough failures for any retry the provider makes; a memory extraction that consumes one is harmless.
  await scriptFakeOpenAI(options.fakeModelOrigin, flaggedSentenceWithFailingModel, [
    { error: { status: 500, message: 'model down' } },
    { error: { status: 500, message: 'model down' } },
    { error: { status: 500, message: 'model down' } },
  ]);
  // The card to wait for is the one on the reply after those already shown, not the earlier one.
  const repliesBefore = await page.getByTestId('message-assistant').count();
  await page.getByLabel(`Message ${companion.name}`).fill(flaggedSentenceWithFailingModel);
  await press(page.getByRole('button', { name: 'Send' }));
  await page.getByTestId('message-user').filter({ hasText: flaggedSentenceWithFailingModel }).waitFor();
  const failedCard = await careCardOfReply(page, repliesBefore);
  await checkCareCard(page, failedCard, profile);
  await failedCard.scrollIntoViewIfNeeded();
  await capture('chat-card-model-failed');

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await close();
  return report;
}
