import { expect, vi } from 'vitest';
import { outreachLogAnswerSchema } from '../../common/outreach.ts';
import { api, readJson } from '../api.ts';

/**
 * Waits until the delivery queue has finished sending the account's outreach, so an export is taken at
 * rest, as a person's would be: a message still being sent comes back from an import as failed (an
 * import never resends; the outreach tests show that).
 */
export async function settledDeliveries(token: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const { entries } = await readJson(await api('/api/v1/outreach/log', { token }), outreachLogAnswerSchema);
      expect(entries.filter((entry) => entry.status === 'sending')).toEqual([]);
    },
    { timeout: 15_000, interval: 100 },
  );
}
