/**
 * The Life journey, run once per device profile (the phone at 360 px, the narrowest width the screen
 * must work at): a new person has moods from the past six weeks (recorded through the API with `at`,
 * their notes mentioning walks with Sam on good days and deadlines on harder ones), opens Life from
 * the main navigation and taps a mood with a note. The trend chart renders in Chromium with one SVG
 * point per bucket the summary answers, the range switch redraws it by week, and the insights name
 * what goes with good and harder days. They add a habit and tap Done (the count moves), add a goal
 * and set its progress with the slider and a note, complete it (asked first) and find it among the
 * completed ones, and turn on the weekly reflection, which says when the next one comes. Every screen
 * is checked with axe in light and dark and photographed into docs/screenshots.
 *
 * What it assumes of the server (issue 12, built by the other helpers): the routes of
 * common/client.ts (`/moods`, `/moods/summary`, `/goals`, `/goals/:id/updates`, `/reflection`) with
 * the shapes of common/mood.ts, common/goals.ts and common/reflection.ts; and that the four good and
 * five harder days with a note in the last four weeks are enough for `insights.enoughData` (the moods
 * capability asks for three of each).
 */
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Goal, MoodSummary, ReflectionAnswer } from '../common/client.ts';
import type { DeviceProfile, JourneyReport } from './journey.ts';
import { openJourneyPage } from './journey-page.ts';

export interface LifeJourneyOptions {
  baseUrl: string;
  screenshotDirectory: string;
}

/** The width the screen must work at: the narrowest common phone. */
const narrowPhoneViewport = { width: 360, height: 780 };

const goodDayNote = 'Long walk in the park with Sam, felt calm';
const harderDayNote = 'Deadline at work again, slept badly';

/** Polls until `check` holds, for what the page redraws after an answer arrives. */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Records moods from the past through the API, as the page (with its session cookie): one every other day for six weeks. */
async function recordPastMoods(page: Page): Promise<number> {
  return page.evaluate(
    async ({ good, harder }) => {
      let recorded = 0;
      for (let daysAgo = 2; daysAgo <= 42; daysAgo += 2) {
        // Midday in UTC, so the local day is the same in any zone the browser reports.
        const at = new Date(Date.now() - daysAgo * 86_400_000);
        at.setUTCHours(12, 0, 0, 0);
        // Alternating good and harder days; every third one a plain okay day without a note.
        const kind = daysAgo % 6 === 0 ? 'okay' : daysAgo % 4 === 0 ? 'good' : 'harder';
        const body =
          kind === 'okay'
            ? { score: 3, at: at.toISOString() }
            : kind === 'good'
              ? { score: 4 + (daysAgo % 8 === 0 ? 1 : 0), note: good, at: at.toISOString() }
              : { score: 1 + (daysAgo % 10 === 0 ? 1 : 0), note: harder, at: at.toISOString() };
        const response = await fetch('/api/v1/moods', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        if (response.status !== 201 && response.status !== 200) throw new Error(`POST /moods answered ${response.status}: ${await response.text()}`);
        recorded++;
      }
      return recorded;
    },
    { good: goodDayNote, harder: harderDayNote },
  );
}

/** The SVG points the chart draws right now. */
const drawnPoints = (page: Page) => page.getByTestId('mood-chart').locator('[data-testid="mood-point"]').count();

/** Waits until the chart draws exactly the points the summary for `range` answers, and answers that summary. */
async function chartMatchesSummary(page: Page, readApi: <Answer>(path: string) => Promise<Answer>, range: MoodSummary['range']): Promise<MoodSummary> {
  let summary = await readApi<MoodSummary>(`/api/v1/moods/summary?range=${range}`);
  await waitUntil(`the ${range} chart draws one point per bucket (${summary.points.length})`, async () => {
    summary = await readApi<MoodSummary>(`/api/v1/moods/summary?range=${range}`);
    return (await drawnPoints(page)) === summary.points.length;
  });
  return summary;
}

export async function runLifeJourney(browser: Browser, profile: DeviceProfile, options: LifeJourneyOptions): Promise<JourneyReport> {
  const { page, report, pageErrors, press, capture, readApi, close } = await openJourneyPage(browser, profile, {
    baseUrl: options.baseUrl,
    screenshotDirectory: options.screenshotDirectory,
    journey: 'life',
    context: profile.name === 'phone' ? { ...profile.context, viewport: narrowPhoneViewport } : profile.context,
  });
  const captureLightAndDark = async (screen: string, target: Locator) => {
    await target.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await capture(screen);
    await page.emulateMedia({ colorScheme: 'dark' });
    await capture(`${screen}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
  };

  const unique = `${profile.name}-life-${Date.now().toString(36)}`;
  console.log(`${profile.name}: life: a new person with six weeks of moods opens Life`);
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Robin');
  await page.getByLabel('Email').fill(`life-${unique}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await press(page.getByRole('button', { name: 'Sign up' }));
  await page.getByRole('heading', { name: 'Meet your companion' }).waitFor();
  const recorded = await recordPastMoods(page);
  assert.equal(recorded, 21, 'the past moods are recorded');

  // From the chat, as a person would: the section is in the main navigation on every width.
  await page.goto('/chat');
  await press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Life' }));
  await page.getByRole('heading', { name: 'Life', level: 1 }).waitFor();

  console.log(`${profile.name}: life: one tap records a mood, with its note`);
  const moodCard = page.getByRole('region', { name: 'How are you feeling?' });
  await moodCard.getByLabel('Note').fill('Coffee with Sam before work');
  await press(moodCard.getByRole('button', { name: 'Good', exact: true }));
  await moodCard
    .getByRole('status')
    .filter({ hasText: /^Saved: good at \d\d:\d\d\.$/ })
    .waitFor();
  const todayEntry = moodCard.getByTestId('mood-entry');
  await todayEntry.filter({ hasText: 'Coffee with Sam before work' }).waitFor();
  assert.equal(await todayEntry.count(), 1, "today's one mood is listed");
  assert.equal(await moodCard.getByLabel('Note').inputValue(), '', 'the note field is cleared for the next one');

  console.log(`${profile.name}: life: the trend chart draws a point per day, and per week over three months`);
  const trendCard = page.getByRole('region', { name: 'Your mood over time' });
  const chart = trendCard.getByRole('img', { name: /^Mood over the last 4 weeks/ });
  await chart.waitFor();
  const byDay = await chartMatchesSummary(page, readApi, '4w');
  assert.equal(byDay.bucket, 'day');
  // Every other day of the last four weeks, and today's.
  assert.ok(byDay.points.length >= 13, `four weeks have a point for each day with a mood (${byDay.points.length})`);
  assert.match(
    (await chart.getAttribute('aria-label')) ?? '',
    new RegExp(`: ${byDay.points.length} days with entries, average \\d`),
    'the chart says what it shows',
  );
  assert.equal(await chart.evaluate((svg) => svg.tagName.toLowerCase()), 'svg');
  const line = await chart.locator('path.mood-chart-line').getAttribute('d');
  assert.equal((line?.match(/[ML]/g) ?? []).length, byDay.points.length, 'the line runs through every point');
  assert.equal(await trendCard.getByRole('table').locator('tbody tr').count(), byDay.points.length, 'the table beside the chart lists every point');

  const insights = trendCard.getByTestId('mood-insights');
  await insights.getByText('Only you can see this.', { exact: false }).waitFor();
  const goodDays = insights.locator('li', { hasText: 'Good days often mention' });
  const harderDays = insights.locator('li', { hasText: 'Harder days often mention' });
  await goodDays.waitFor();
  await harderDays.waitFor();
  assert.match((await goodDays.textContent()) ?? '', /walk|park|sam|calm/i, 'good days name what the good-day notes said');
  assert.match((await harderDays.textContent()) ?? '', /deadline|work|slept|badly/i, 'harder days name what the harder-day notes said');
  await captureLightAndDark('moods', trendCard);

  await press(trendCard.getByRole('radio', { name: '3 months' }));
  await trendCard.getByRole('img', { name: /^Mood over the last 3 months/ }).waitFor();
  const byWeek = await chartMatchesSummary(page, readApi, '3m');
  assert.equal(byWeek.bucket, 'week');
  assert.ok(byWeek.points.length >= 6 && byWeek.points.length < byDay.points.length, `three months draw a point per week (${byWeek.points.length})`);
  await press(trendCard.getByRole('radio', { name: '12 months' }));
  await trendCard.getByRole('img', { name: /^Mood over the last 12 months/ }).waitFor();
  await chartMatchesSummary(page, readApi, '12m');

  console.log(`${profile.name}: life: a habit, done with one tap`);
  const goalsCard = page.getByRole('region', { name: 'Goals and habits' });
  const form = goalsCard.getByRole('form', { name: 'Add a goal or a habit' });
  await press(form.getByRole('radio', { name: 'Habit' }));
  await form.getByRole('textbox', { name: 'Habit' }).fill('Walk for 20 minutes');
  await form.getByLabel('Times', { exact: true }).fill('2');
  await form.getByLabel('Per', { exact: true }).selectOption('day');
  await form.getByLabel('Part of life').selectOption('health');
  await form.getByLabel('How often').selectOption('day');
  await form.getByLabel('At', { exact: true }).fill('19:30');
  await press(form.getByRole('button', { name: 'Add habit' }));
  await form.getByRole('status').filter({ hasText: 'Added “Walk for 20 minutes” to Health.' }).waitFor();
  const habit = goalsCard.getByTestId('goal').filter({ hasText: 'Walk for 20 minutes' });
  await habit.getByText('Check-in every day at 19:30').waitFor();
  assert.equal(await habit.getByTestId('habit-count').textContent(), '0 of 2 today');
  await press(habit.getByRole('button', { name: 'Done' }));
  await waitUntil('the habit counts one done', async () => (await habit.getByTestId('habit-count').textContent()) === '1 of 2 today');
  const [storedHabit] = (await readApi<{ goals: Goal[] }>('/api/v1/goals')).goals.filter((goal) => goal.kind === 'habit');
  assert.equal(storedHabit?.doneThisPeriod, 1, 'the server counted it');
  assert.deepEqual(storedHabit?.habit, { timesPerPeriod: 2, period: 'day' });

  console.log(`${profile.name}: life: a goal, moved on with the slider and a note`);
  await press(form.getByRole('radio', { name: 'Goal' }));
  await form.getByRole('textbox', { name: 'Goal' }).fill('Run a 10k');
  await form.getByLabel('Part of life').selectOption('health');
  await form.getByLabel('Target date').fill('2027-06-30');
  await form.getByLabel('How often').selectOption('week');
  await form.getByLabel('On', { exact: true }).selectOption('sunday');
  await form.getByLabel('At', { exact: true }).fill('10:00');
  await press(form.getByRole('button', { name: 'Add goal' }));
  const goal = goalsCard.getByTestId('goal').filter({ hasText: 'Run a 10k' });
  await goal.getByText('Check-in on Sundays at 10:00').waitFor();
  assert.equal(await goal.getByTestId('goal-progress').textContent(), '0%');
  // The slider by keyboard: twelve steps of five.
  const slider = goal.getByRole('slider', { name: 'Progress' });
  await slider.focus();
  for (let step = 0; step < 12; step++) await page.keyboard.press('ArrowRight');
  assert.equal(await slider.inputValue(), '60');
  await goal.getByRole('textbox', { name: 'Note' }).fill('Ran 6k without stopping');
  await press(goal.getByRole('button', { name: 'Save progress' }));
  await waitUntil('the goal shows 60%', async () => (await goal.getByTestId('goal-progress').textContent()) === '60%');
  await goalsCard.getByRole('status').filter({ hasText: 'is at 60%' }).waitFor();
  const goalId = (await readApi<{ goals: Goal[] }>('/api/v1/goals')).goals.find((item) => item.title === 'Run a 10k')?.id;
  assert.ok(goalId, 'the goal is stored');
  const detail = await readApi<{ goal: Goal; updates: { progress: number | null; note: string | null }[] }>(`/api/v1/goals/${goalId}`);
  assert.equal(detail.goal.progress, 60);
  assert.ok(
    detail.updates.some((update) => update.progress === 60 && update.note === 'Ran 6k without stopping'),
    'the progress and its note are one update',
  );
  await captureLightAndDark('goals', goalsCard);

  console.log(`${profile.name}: life: completing a goal asks first, and it moves to Completed`);
  await press(goal.getByRole('button', { name: 'Complete' }));
  const dialog = page.getByRole('dialog', { name: 'Mark “Run a 10k” as reached?' });
  await dialog.waitFor();
  await press(dialog.getByRole('button', { name: 'Complete' }));
  await goalsCard.getByRole('status').filter({ hasText: '“Run a 10k” is completed.' }).waitFor();
  assert.equal(await goal.count(), 0, 'it leaves the active list');
  await press(goalsCard.getByRole('radio', { name: 'Completed' }));
  await goalsCard
    .getByTestId('goal')
    .filter({ hasText: 'Run a 10k' })
    .getByText(/^Reached /)
    .waitFor();
  await press(goalsCard.getByRole('radio', { name: 'Active' }));
  await habit.waitFor();

  console.log(`${profile.name}: life: the weekly reflection, turned on`);
  const reflectionCard = page.getByRole('region', { name: 'Weekly reflection' });
  const reflectionSwitch = reflectionCard.getByRole('switch', { name: 'Write me a weekly reflection' });
  assert.equal(await reflectionSwitch.isChecked(), false, 'the reflection starts off');
  await press(reflectionSwitch);
  await reflectionCard
    .getByRole('status')
    .filter({ hasText: /^Saved\.$/ })
    .waitFor();
  await reflectionCard.getByLabel('Day').selectOption('friday');
  await waitUntil('the reflection is saved on Fridays', async () => {
    const stored = await readApi<ReflectionAnswer>('/api/v1/reflection');
    return stored.settings.enabled && stored.settings.weekday === 'friday' && stored.nextAt !== null;
  });
  const nextAt = Date.parse((await readApi<ReflectionAnswer>('/api/v1/reflection')).nextAt ?? '');
  assert.ok(nextAt > Date.now() && nextAt <= Date.now() + 8 * 86_400_000, 'the next one is within the coming week');
  await reflectionCard
    .getByTestId('reflection-next')
    .filter({ hasText: /^The next one comes / })
    .waitFor();
  await captureLightAndDark('reflection', reflectionCard);

  if (profile.name === 'phone') {
    const overflows = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    assert.equal(overflows, false, 'nothing runs off the side of the 360 px screen');
  }
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  await close();
  return report;
}
