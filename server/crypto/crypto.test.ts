import { describe, expect, it } from 'vitest';
import { decryptText, encryptText, keptCharactersPerKey, keptUnder } from './content-cipher.ts';
import { base64ToBytes, bytesToBase64, bytesToBase64Url, bytesToHex, randomBytes } from './encoding.ts';
import { createUserKeys, importMasterKey, masterKeyId, masterKeyRing, rewrapUserKey, unwrapUserKeys } from './user-keys.ts';

const newKeyBase64 = () => bytesToBase64(randomBytes(32));
const masterKey = () => masterKeyRing(newKeyBase64());

/** A data key as the first version wrote it: `v1.<iv>.<sealed>`, no master key id. */
async function wrapAsVersionOne(masterBase64: string, userId: string, secret: Uint8Array<ArrayBuffer>): Promise<string> {
  const iv = randomBytes(12);
  const additionalData = new TextEncoder().encode(`kindred/data-key/v1:${userId}`);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, await importMasterKey(masterBase64), secret);
  return `v1.${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(sealed))}`;
}

describe('envelope encryption', () => {
  it('seals and opens a text under the user key unwrapped from storage', async () => {
    const master = await masterKey();
    const { wrapped, keys } = await createUserKeys(master, 'user_a');
    const sealed = await encryptText(keys.encryption, 'I am scared about tomorrow', 'message:1:text');
    expect(sealed).not.toContain('scared');
    const unwrapped = await unwrapUserKeys(master, 'user_a', wrapped);
    expect(wrapped.startsWith(`v2.${master.current.id}.`)).toBe(true);
    expect(await decryptText(unwrapped.keys.encryption, sealed, 'message:1:text')).toBe('I am scared about tomorrow');
  });

  it('uses a fresh nonce each time', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    expect(await encryptText(keys.encryption, 'same', 'c')).not.toBe(await encryptText(keys.encryption, 'same', 'c'));
  });

  it('refuses a ciphertext moved to another field, another user, or opened with another master key', async () => {
    const master = await masterKey();
    const alice = await createUserKeys(master, 'user_alice');
    const bob = await createUserKeys(master, 'user_bob');
    const sealed = await encryptText(alice.keys.encryption, 'private', 'message:1:text');
    await expect(decryptText(alice.keys.encryption, sealed, 'message:2:text')).rejects.toThrow();
    await expect(decryptText(bob.keys.encryption, sealed, 'message:1:text')).rejects.toThrow();
    await expect(unwrapUserKeys(master, 'user_bob', alice.wrapped)).rejects.toThrow();
    await expect(unwrapUserKeys(await masterKey(), 'user_alice', alice.wrapped)).rejects.toThrow();
  });
});

describe('master key rotation', () => {
  it('opens a key wrapped by the previous master key, and rewraps it by the new one without changing what it seals', async () => {
    const [oldBase64, newBase64] = [newKeyBase64(), newKeyBase64()];
    const before = await createUserKeys(await masterKeyRing(oldBase64), 'user_a');
    const sealed = await encryptText(before.keys.encryption, 'the same words', 'message:1:text');
    const during = await masterKeyRing(newBase64, [oldBase64]);
    const opened = await unwrapUserKeys(during, 'user_a', before.wrapped);
    expect(opened.wrappedBy.id).toBe(await masterKeyId(oldBase64));
    const rewrapped = await rewrapUserKey(during, 'user_a', before.wrapped);
    expect(rewrapped?.startsWith(`v2.${await masterKeyId(newBase64)}.`)).toBe(true);
    // After the rotation, the new master key alone opens it, and the sealed text is untouched.
    const after = await unwrapUserKeys(await masterKeyRing(newBase64), 'user_a', rewrapped ?? '');
    expect(await decryptText(after.keys.encryption, sealed, 'message:1:text')).toBe('the same words');
    expect(await rewrapUserKey(await masterKeyRing(newBase64), 'user_a', rewrapped ?? '')).toBeNull();
    // Without the old key configured, a key it wrapped is refused, naming the missing key's id, never guessed.
    await expect(unwrapUserKeys(await masterKeyRing(newBase64), 'user_a', before.wrapped)).rejects.toThrow(await masterKeyId(oldBase64));
  });

  it('opens a key of the first format (no key id) with whichever configured key wrapped it, and rewraps it', async () => {
    const [oldBase64, newBase64] = [newKeyBase64(), newKeyBase64()];
    const secret = randomBytes(32);
    const legacy = await wrapAsVersionOne(oldBase64, 'user_b', secret);
    const during = await masterKeyRing(newBase64, [oldBase64]);
    expect((await unwrapUserKeys(during, 'user_b', legacy)).wrappedBy.id).toBe(await masterKeyId(oldBase64));
    const rewrapped = await rewrapUserKey(during, 'user_b', legacy);
    expect(rewrapped?.startsWith(`v2.${await masterKeyId(newBase64)}.`)).toBe(true);
    // The same secret: what the old wrapping opened, the new one opens to the same keys.
    const sealed = await encryptText((await unwrapUserKeys(during, 'user_b', legacy)).keys.encryption, 'kept', 'c');
    expect(await decryptText((await unwrapUserKeys(await masterKeyRing(newBase64), 'user_b', rewrapped ?? '')).keys.encryption, sealed, 'c')).toBe('kept');
    // A first-format key under the current master key is still rewritten, so every key names its master key afterwards.
    expect(await rewrapUserKey(await masterKeyRing(oldBase64), 'user_b', legacy)).not.toBeNull();
    await expect(unwrapUserKeys(await masterKeyRing(newBase64), 'user_b', legacy)).rejects.toThrow('none of the configured');
  });

  it('gives each master key a stable id that does not reveal it', async () => {
    const base64 = newKeyBase64();
    expect(await masterKeyId(base64)).toBe(await masterKeyId(base64));
    expect(await masterKeyId(base64)).toMatch(/^[0-9a-f]{16}$/);
    expect(await masterKeyId(newKeyBase64())).not.toBe(await masterKeyId(base64));
    expect(base64ToBytes(base64).length).toBe(32);
  });
});

describe('encodings', () => {
  it('match the standard base64, base64url and hex of the same bytes', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    const standard = btoa(String.fromCharCode(...bytes));
    expect(bytesToBase64(bytes)).toBe(standard);
    expect(Array.from(base64ToBytes(standard))).toEqual(Array.from(bytes));
    expect(bytesToBase64Url(bytes)).toBe(standard.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
    expect(bytesToHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff');
  });
});

describe('opened texts kept per key', () => {
  it('still refuses a sealed text it has opened before when it is presented under another field', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const sealed = await encryptText(keys.encryption, 'kept', 'message:1:text');
    expect(await decryptText(keys.encryption, sealed, 'message:1:text')).toBe('kept');
    await expect(decryptText(keys.encryption, sealed, 'message:1:speaker')).rejects.toThrow();
  });

  it('opens long texts, which it does not keep, as well as short ones', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const long = 'a long file '.repeat(1_000);
    expect(await decryptText(keys.encryption, await encryptText(keys.encryption, long, 'file:1'), 'file:1')).toBe(long);
    expect(keptUnder(keys.encryption).texts).toBe(0);
  });

  it('keeps no more characters under a key than its bound, and still opens the texts it dropped', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const texts = Array.from({ length: 60 }, (_, index) => `message ${index}: ${'so much to say '.repeat(200)}`);
    const sealed: string[] = [];
    for (const [index, text] of texts.entries()) sealed.push(await encryptText(keys.encryption, text, `message:${index}:text`));
    // 60 texts of ~3,000 characters and their ~4,100-character sealed forms: over 400 Ki characters sealed.
    const kept = keptUnder(keys.encryption);
    expect(kept.characters).toBeGreaterThan(keptCharactersPerKey / 2);
    expect(kept.characters).toBeLessThanOrEqual(keptCharactersPerKey);
    expect(kept.texts).toBeLessThan(texts.length);
    for (const [index, text] of texts.entries()) expect(await decryptText(keys.encryption, sealed[index] ?? '', `message:${index}:text`)).toBe(text);
    expect(keptUnder(keys.encryption).characters).toBeLessThanOrEqual(keptCharactersPerKey);
  });

  it('counts a text opened again once', async () => {
    const { keys } = await createUserKeys(await masterKey(), 'user_a');
    const sealed = await encryptText(keys.encryption, 'kept once', 'message:1:text');
    const once = keptUnder(keys.encryption);
    await decryptText(keys.encryption, sealed, 'message:1:text');
    expect(keptUnder(keys.encryption)).toEqual(once);
    expect(once.texts).toBe(1);
  });
});
