import { readConfig } from '../../server/config/config.ts';
import { decryptBytes, decryptText, encryptBytes, encryptText } from '../../server/crypto/content-cipher.ts';
import { createUserKeys, type MasterKeyRing, masterKeyRing, rewrapUserKey, type UserKeys, unwrapUserKeys } from '../../server/crypto/user-keys.ts';

/** The configured master keys, base64: the one in use and, during a rotation, those it replaces. */
export type MasterKeysBase64 = () => { current: string; previous?: readonly string[] };

/** The master keys the environment's configuration names, read when the vault first needs them. */
export function configuredMasterKeys(env: Parameters<typeof readConfig>[0]): MasterKeysBase64 {
  return () => {
    const config = readConfig(env);
    return { current: config.MASTER_KEY, previous: config.MASTER_KEY_PREVIOUS };
  };
}

/**
 * The user's keys inside their object: created on first use, kept only wrapped by the master key,
 * and unwrapped once per object lifetime. `seal`/`open` bind each value to its row and column. A key
 * still wrapped by a master key being rotated out is wrapped again by the current one the first time
 * it is opened (and by `rewrap`, which the rotation sweep calls), without reading any content.
 */
export class UserVault {
  #keys: Promise<UserKeys> | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly userId: string,
    private readonly masterKeys: MasterKeysBase64,
  ) {}

  keys(): Promise<UserKeys> {
    this.#keys ??= this.#loadOrCreate().catch((error: unknown) => {
      this.#keys = undefined;
      throw error;
    });
    return this.#keys;
  }

  /** Drops the unwrapped keys from memory, after the stored key was destroyed. */
  forget(): void {
    this.#keys = undefined;
  }

  async seal(plaintext: string, context: string): Promise<string> {
    return encryptText((await this.keys()).encryption, plaintext, context);
  }

  async open(sealed: string, context: string): Promise<string> {
    return decryptText((await this.keys()).encryption, sealed, context);
  }

  /** Bytes (a backup's chunks), bound to `context` like `seal`. */
  async sealBytes(plaintext: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>> {
    return encryptBytes((await this.keys()).encryption, plaintext, context);
  }

  async openBytes(sealed: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>> {
    return decryptBytes((await this.keys()).encryption, sealed, context);
  }

  /**
   * A keyed digest (HMAC-SHA-256 with the user's blind-index key, hex) of `label` and `bytes`: equal
   * inputs give equal digests for this user only, and a digest tells nothing of what it was made
   * from to anyone without the key. The label keeps each use apart from the blind-index terms.
   */
  async keyedDigest(label: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
    const prefix = new TextEncoder().encode(`${label}:`);
    const labelled = new Uint8Array(prefix.byteLength + bytes.byteLength);
    labelled.set(prefix);
    labelled.set(bytes, prefix.byteLength);
    const signature = await crypto.subtle.sign('HMAC', (await this.keys()).blindIndex, labelled);
    return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  async sealOptional(plaintext: string | null, context: string): Promise<string | null> {
    return plaintext === null ? null : this.seal(plaintext, context);
  }

  async openOptional(sealed: string | null, context: string): Promise<string | null> {
    return sealed === null ? null : this.open(sealed, context);
  }

  /**
   * Wraps the stored data key by the current master key if another wrapped it: `rewrapped`, `current`
   * when nothing needed doing, `none` when this user has no key yet. Never reads content.
   */
  async rewrap(): Promise<'rewrapped' | 'current' | 'none'> {
    const row = this.#storedKey();
    if (!row) return 'none';
    const rewrapped = await rewrapUserKey(await this.#ring(), this.userId, row.wrapped_key);
    if (rewrapped === null) return 'current';
    // Only if it is still the one read: a concurrent rewrap of the same key wrote an equal one.
    this.sql.exec('UPDATE user_keys SET wrapped_key = ? WHERE id = 1 AND wrapped_key = ?', rewrapped, row.wrapped_key);
    return 'rewrapped';
  }

  #ring(): Promise<MasterKeyRing> {
    const { current, previous } = this.masterKeys();
    return masterKeyRing(current, previous);
  }

  #storedKey(): { wrapped_key: string } | undefined {
    return this.sql.exec<{ wrapped_key: string }>('SELECT wrapped_key FROM user_keys WHERE id = 1').toArray()[0];
  }

  async #loadOrCreate(): Promise<UserKeys> {
    const ring = await this.#ring();
    const row = this.#storedKey();
    if (row) {
      const { keys, wrappedBy } = await unwrapUserKeys(ring, this.userId, row.wrapped_key);
      if (wrappedBy.id !== ring.current.id || !row.wrapped_key.startsWith('v2.')) await this.rewrap();
      return keys;
    }
    const created = await createUserKeys(ring, this.userId);
    // Another call may have raced us between the read and here only within this one object, and
    // `#keys` memoises the promise, so a single key is ever created.
    this.sql.exec('INSERT INTO user_keys (id, wrapped_key, created_at) VALUES (1, ?, ?)', created.wrapped, Date.now());
    return created.keys;
  }
}
