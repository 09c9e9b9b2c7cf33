import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { memoriesAnswerSchema, memorySchema } from '../../common/protocol.ts';
import type { CompanionAgent } from '../../durable-objects/companion-agent.ts';
import { readConfig } from '../../server/config/config.ts';
import { masterKeyId, masterKeyRing, rewrapUserKey } from '../../server/crypto/user-keys.ts';
import type { Env } from '../../server/env.ts';
import { phoneNumberDigest } from '../../server/whatsapp/phone-number-digest.ts';
import { api, buildUser, readJson, uniqueText } from '../../test-support/api.ts';
import { uniquePhoneNumber } from '../../test-support/fake-whatsapp-graph/control.ts';
import { linkWhatsApp } from '../../test-support/whatsapp.ts';
import { whatsAppDirectory } from '../channels/whatsapp-directory.ts';
import { sweepKeyRotation } from './key-rotation.ts';

/**
 * A master key rotation under way: this project runs with a new MASTER_KEY and the tests' usual one
 * as MASTER_KEY_PREVIOUS. A user "from before" is one whose data key (and WhatsApp directory row) the
 * test puts back under the previous key, as they were before the new key was deployed.
 */
const testEnv = env as unknown as Env & { COMPANION: DurableObjectNamespace<CompanionAgent> };
const config = readConfig(testEnv);
const [previousKey = ''] = config.MASTER_KEY_PREVIOUS;

const storedKeyOf = (userId: string) =>
  runInDurableObject(
    testEnv.COMPANION.getByName(userId),
    (_instance, state) => state.storage.sql.exec<{ wrapped_key: string }>('SELECT wrapped_key FROM user_keys WHERE id = 1').one().wrapped_key,
  );

/** A person who wrote something, their data key then put back under the previous master key, as it was before the rotation. */
async function personFromBefore(options: { phoneNumber?: string } = {}) {
  const person = await buildUser();
  const memoryText = uniqueText('My sister lives in Lyon');
  const memory = await readJson(await api('/api/v1/memories', { token: person.token, body: { text: memoryText, kind: 'fact' } }), memorySchema, 201);
  if (options.phoneNumber) await linkWhatsApp(person.token, options.phoneNumber);
  await runInDurableObject(testEnv.COMPANION.getByName(person.user.id), async (_instance, state) => {
    const wrapped = state.storage.sql.exec<{ wrapped_key: string }>('SELECT wrapped_key FROM user_keys WHERE id = 1').one().wrapped_key;
    const older = await rewrapUserKey(await masterKeyRing(previousKey, [config.MASTER_KEY]), person.user.id, wrapped);
    state.storage.sql.exec('UPDATE user_keys SET wrapped_key = ? WHERE id = 1', older);
  });
  if (options.phoneNumber) {
    await testEnv.DB.prepare('UPDATE whatsapp_numbers SET number_digest = ? WHERE user_id = ?')
      .bind(await phoneNumberDigest(previousKey, options.phoneNumber), person.user.id)
      .run();
  }
  return { ...person, memory, memoryText };
}

describe('a master key rotation', () => {
  it('sweeps every user: data keys wrapped by the new key, WhatsApp directory rows keyed by it, nothing else touched', async () => {
    const [newId, oldId] = [await masterKeyId(config.MASTER_KEY), await masterKeyId(previousKey)];
    const phoneNumber = uniquePhoneNumber();
    const before = await personFromBefore({ phoneNumber });
    expect(await storedKeyOf(before.user.id)).toMatch(new RegExp(`^v2\\.${oldId}\\.`));
    const after = await buildUser();
    await api('/api/v1/memories', { token: after.token, body: { text: uniqueText('Made after the switch'), kind: 'fact' } });
    const afterKey = await storedKeyOf(after.user.id);
    expect(afterKey).toMatch(new RegExp(`^v2\\.${newId}\\.`));

    // Small batches and runs, as the cron would take them, until it says it has finished.
    let progress = await sweepKeyRotation(testEnv, { batchSize: 2 });
    while (progress && !progress.finished) progress = await sweepKeyRotation(testEnv, { batchSize: 2 });
    expect(progress).toMatchObject({ masterKeyId: newId, finished: true });
    expect(progress?.keysRewrapped).toBeGreaterThanOrEqual(1);

    expect(await storedKeyOf(before.user.id)).toMatch(new RegExp(`^v2\\.${newId}\\.`));
    // A user made after the switch kept their key exactly as it was.
    expect(await storedKeyOf(after.user.id)).toBe(afterKey);
    // The directory finds the number under the new key alone now.
    const row = await testEnv.DB.prepare('SELECT number_digest FROM whatsapp_numbers WHERE user_id = ?')
      .bind(before.user.id)
      .first<{ number_digest: string }>();
    expect(row?.number_digest).toBe(await phoneNumberDigest(config.MASTER_KEY, phoneNumber));
    expect(await whatsAppDirectory(testEnv.DB, config.MASTER_KEY).ownerOf(phoneNumber)).toBe(before.user.id);
    // Their words are as they were.
    const memories = await readJson(await api('/api/v1/memories', { token: before.token }), memoriesAnswerSchema);
    expect(memories.memories.map((memory) => memory.text)).toContain(before.memoryText);

    // Finished: a later run visits nobody again.
    const again = await sweepKeyRotation(testEnv);
    expect(again).toEqual(progress);
  });

  it('finds a WhatsApp number still keyed by the previous master key, and keys it again on the spot', async () => {
    const phoneNumber = uniquePhoneNumber();
    const before = await personFromBefore({ phoneNumber });
    const directory = whatsAppDirectory(testEnv.DB, config.MASTER_KEY, config.MASTER_KEY_PREVIOUS);
    expect(await directory.ownerOf(phoneNumber)).toBe(before.user.id);
    const row = await testEnv.DB.prepare('SELECT number_digest FROM whatsapp_numbers WHERE user_id = ?')
      .bind(before.user.id)
      .first<{ number_digest: string }>();
    expect(row?.number_digest).toBe(await phoneNumberDigest(config.MASTER_KEY, phoneNumber));
    // Another person cannot claim it under the new key while it is held under the old.
    const other = await buildUser();
    await testEnv.DB.prepare('UPDATE whatsapp_numbers SET number_digest = ? WHERE user_id = ?')
      .bind(await phoneNumberDigest(previousKey, phoneNumber), before.user.id)
      .run();
    expect(await directory.claim(phoneNumber, other.user.id, new Date())).toBe(false);
  });
});
