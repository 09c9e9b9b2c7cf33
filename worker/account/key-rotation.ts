import { asc, eq, gt } from 'drizzle-orm';
import { readConfig } from '../../server/config/config.ts';
import { masterKeyId } from '../../server/crypto/user-keys.ts';
import type { Env } from '../../server/env.ts';
import { log } from '../../server/logging/log.ts';
import { whatsAppDirectory } from '../channels/whatsapp-directory.ts';
import { companionOf } from '../companion-stub.ts';
import { database } from '../db/database.ts';
import { keyRotations, users } from '../db/schema.ts';

/** How far one sweep got. */
export interface KeyRotationProgress {
  masterKeyId: string;
  usersVisited: number;
  keysRewrapped: number;
  finished: boolean;
}

/** Users visited side by side: each visit wakes one object, and a batch should not flood the namespace. */
const parallelVisits = 8;

/**
 * One run of the master key rotation sweep (the Worker's cron, every few minutes while
 * `MASTER_KEY_PREVIOUS` is set): visits users in id order from where the last run stopped, asks each
 * one's object to wrap its data key by the current master key (nothing else is read or written
 * there), and keys its WhatsApp directory row again by the current key. Stops when its time is up or
 * every user was visited; `key_rotations` keeps the place and the counts. Until it has finished, the
 * previous keys must stay configured; objects not yet visited also rewrap themselves when first used.
 */
export async function sweepKeyRotation(
  env: Env,
  options: { batchSize?: number; budgetMs?: number; now?: () => number } = {},
): Promise<KeyRotationProgress | null> {
  const config = readConfig(env);
  if (config.MASTER_KEY_PREVIOUS.length === 0) return null;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const budgetMs = options.budgetMs ?? 20_000;
  const batchSize = options.batchSize ?? 100;
  const orm = database(env.DB);
  const id = await masterKeyId(config.MASTER_KEY);
  await orm
    .insert(keyRotations)
    .values({ masterKeyId: id, startedAt: new Date(startedAt) })
    .onConflictDoNothing();
  const stored = await orm.select().from(keyRotations).where(eq(keyRotations.masterKeyId, id)).get();
  if (!stored) throw new Error('The key rotation row vanished as it was made.');
  let state: typeof keyRotations.$inferSelect = stored;
  const directory = whatsAppDirectory(env.DB, config.MASTER_KEY, config.MASTER_KEY_PREVIOUS);

  while (!state.finishedAt && now() - startedAt < budgetMs) {
    const batch: { id: string }[] = await orm
      .select({ id: users.id })
      .from(users)
      .where(gt(users.id, state.cursor))
      .orderBy(asc(users.id))
      .limit(batchSize)
      .all();
    let rewrapped = 0;
    for (let start = 0; start < batch.length; start += parallelVisits) {
      const outcomes = await Promise.all(batch.slice(start, start + parallelVisits).map(({ id: userId }) => visit(userId)));
      rewrapped += outcomes.filter((outcome) => outcome === 'rewrapped').length;
    }
    const last = batch.at(-1)?.id;
    const next: Pick<typeof keyRotations.$inferSelect, 'cursor' | 'usersVisited' | 'keysRewrapped' | 'finishedAt'> = {
      cursor: last ?? state.cursor,
      usersVisited: state.usersVisited + batch.length,
      keysRewrapped: state.keysRewrapped + rewrapped,
      finishedAt: batch.length < batchSize ? new Date(now()) : null,
    };
    await orm.update(keyRotations).set(next).where(eq(keyRotations.masterKeyId, id));
    state = { ...state, ...next };
  }
  const progress = { masterKeyId: id, usersVisited: state.usersVisited, keysRewrapped: state.keysRewrapped, finished: state.finishedAt !== null };
  log.info('key rotation sweep', { ...progress });
  return progress;

  async function visit(userId: string): Promise<'rewrapped' | 'current' | 'none'> {
    const companion = await companionOf(env, userId);
    const outcome = await companion.rewrapDataKey();
    const number = await companion.whatsapp.directoryNumber();
    // Claiming again under the current key replaces the row kept under a previous one.
    if (number) await directory.claim(number, userId, new Date(now()));
    return outcome;
  }
}
