import { Hono } from 'hono';
import { describeProviders, readConfig } from '../../server/config/config.ts';
import type { AppEnv } from '../app-env.ts';

/** Liveness and readiness, outside `/api/v1` and without authentication. */
export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get('/healthz', (context) => context.json({ status: 'ok' }));

healthRoutes.get('/readyz', async (context) => {
  const checks: Record<string, 'ok' | 'failed'> = {};
  let providers: ReturnType<typeof describeProviders> | { error: string } | undefined;
  try {
    providers = describeProviders(readConfig(context.env));
    checks.configuration = 'ok';
  } catch (error) {
    checks.configuration = 'failed';
    providers = { error: error instanceof Error ? error.message : 'invalid' };
  }
  const probe = async (name: string, check: () => Promise<unknown>) => {
    try {
      await check();
      checks[name] = 'ok';
    } catch {
      checks[name] = 'failed';
    }
  };
  await Promise.all([
    probe('d1', () => context.env.DB.prepare('SELECT 1').first()),
    // A fixed, never-user name: readiness must not wake or create any user's object.
    probe('durableObject', async () => {
      const stub = context.env.COMPANION.getByName('readiness-probe');
      const response = await stub.fetch('https://companion/readiness');
      await response.body?.cancel();
    }),
  ]);
  const ready = Object.values(checks).every((value) => value === 'ok');
  return context.json({ status: ready ? 'ready' : 'not-ready', checks, providers }, ready ? 200 : 503);
});
