import path from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { checkAccessibility } from './accessibility.ts';
import type { DeviceProfile, JourneyReport } from './journey.ts';

/** What every feature journey works with: its page, its report, and the steps each one repeats. */
export interface JourneyPage {
  page: Page;
  report: JourneyReport;
  /** Errors the page threw, checked at the end of the journey. */
  pageErrors: string[];
  /** A tap on touch profiles, a click elsewhere. */
  press(locator: Locator): Promise<void>;
  /** Photographs the screen into the screenshot folder as `<profile>-<journey>-<screen>.png` and runs axe on it. */
  capture(screen: string, fullPage?: boolean): Promise<void>;
  /** An API answer, fetched by the page itself so its session cookie is used. */
  readApi<Answer>(apiPath: string): Promise<Answer>;
  close(): Promise<void>;
}

/** Opens a fresh browser context for one journey on one device profile. */
export async function openJourneyPage(
  browser: Browser,
  profile: DeviceProfile,
  options: { baseUrl: string; screenshotDirectory: string; journey: string; context?: BrowserContextOptions },
): Promise<JourneyPage> {
  const context = await browser.newContext({
    ...(options.context ?? profile.context),
    baseURL: options.baseUrl,
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });
  const page = await context.newPage();
  const report: JourneyReport = { screens: [], findings: [] };
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const touch = profile.context.hasTouch === true;
  return {
    page,
    report,
    pageErrors,
    press: (locator) => (touch ? locator.tap() : locator.click()),
    async capture(screen, fullPage = false) {
      const file = `${profile.name}-${options.journey}-${screen}.png`;
      await page.screenshot({ path: path.join(options.screenshotDirectory, file), fullPage });
      report.screens.push(file);
      report.findings.push(...(await checkAccessibility(page, `${profile.name} ${options.journey} ${screen}`)));
    },
    readApi: <Answer>(apiPath: string) =>
      page.evaluate(async (url) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
        return (await response.json()) as Answer;
      }, apiPath),
    close: () => context.close(),
  };
}
