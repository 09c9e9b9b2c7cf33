import { decryptText, encryptText } from '../../server/crypto/content-cipher.ts';
import { createUserKeys, importMasterKey, type UserKeys, unwrapUserKeys } from '../../server/crypto/user-keys.ts';

/**
 * The user's keys inside their object: created on first use, kept only wrapped by the master key,
 * and unwrapped once per object lifetime. `seal`/`open` bind each value to its row and column.
 */
export class UserVault {
  #keys: Promise<UserKeys> | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly userId: string,
    private readonly masterKeyBase64: () => string,
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

  async sealOptional(plaintext: string | null, context: string): Promise<string | null> {
    return plaintext === null ? null : this.seal(plaintext, context);
  }

  async openOptional(sealed: string | null, context: string): Promise<string | null> {
    return sealed === null ? null : this.open(sealed, context);
  }

  async #loadOrCreate(): Promise<UserKeys> {
    const masterKey = await importMasterKey(this.masterKeyBase64());
    const row = this.sql.exec<{ wrapped_key: string }>('SELECT wrapped_key FROM user_keys WHERE id = 1').toArray()[0];
    if (row) return unwrapUserKeys(masterKey, this.userId, row.wrapped_key);
    const created = await createUserKeys(masterKey, this.userId);
    // Another call may have raced us between the read and here only within this one object, and
    // `#keys` memoises the promise, so a single key is ever created.
    this.sql.exec('INSERT INTO user_keys (id, wrapped_key, created_at) VALUES (1, ?, ?)', created.wrapped, Date.now());
    return created.keys;
  }
}
