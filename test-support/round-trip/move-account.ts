import { expect } from 'vitest';
import { type ImportReport, importReportSchema } from '../../common/import.ts';
import { api, readJson } from '../api.ts';

/** The export document of an account, parsed, as the person downloads it: for tests that change it before importing. */
export async function exportOf(token: string): Promise<Record<string, unknown>> {
  const response = await api('/api/v1/me/export', { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** Imports `document` into the (empty) account of `token`; answers the report. */
export async function importInto(token: string, document: unknown): Promise<ImportReport> {
  return readJson(await api('/api/v1/me/import', { token, body: document }), importReportSchema);
}
