/**
 * The automated accessibility check: axe-core, injected into the page from the npm package, run
 * against WCAG 2.1 A and AA and axe's best practices. Serious and critical findings fail the run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  screen: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
  passes: unknown[];
}

/** Runs axe on the page as it is; answers the serious and critical violations, and logs every one. */
export async function checkAccessibility(page: Page, screen: string): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol rather than added as a <script>: the app's
  // Content-Security-Policy rightly refuses inline scripts, and the journey keeps that policy on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })) as AxeResult;
  });
  const findings = result.violations.map((violation) => ({
    screen,
    id: violation.id,
    impact: violation.impact ?? 'unknown',
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
  const blocking = findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
  const summary = findings.length === 0 ? 'no violations' : findings.map((finding) => `${finding.impact} ${finding.id} (${finding.targets.length})`).join(', ');
  console.log(`  axe ${screen}: ${result.passes.length} rules pass; ${summary}`);
  return blocking;
}
