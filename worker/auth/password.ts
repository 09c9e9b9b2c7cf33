import { scryptAsync } from '@noble/hashes/scrypt.js';
import { base64ToBytes, bytesToBase64, randomBytes } from '../../server/crypto/encoding.ts';

/**
 * Passwords are hashed with scrypt (memory-hard), via @noble/hashes because Workers have no native
 * scrypt or Argon2 and cannot compile WebAssembly at run time, which rules out the WASM Argon2 builds.
 *
 * Parameters: N = 2^15, r = 8, p = 1 — 32 MiB of memory and about 130 ms of CPU per hash. OWASP's
 * scrypt table trades memory for passes; its 128 MiB row cannot fit a Worker isolate (128 MB for
 * everything, several requests at once), so we take the largest memory cost that leaves room for
 * concurrent logins, and make guessing expensive at the door too: login attempts are rate-limited.
 * The parameters are stored with each hash, so they can be raised later and old hashes still verify.
 */
export const passwordHashParameters = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 } as const;
export type PasswordHashParameters = { readonly N: number; readonly r: number; readonly p: number; readonly dkLen: number };

/** The parameters for a configured cost (log2 of N); 15 gives `passwordHashParameters`. */
export function passwordHashParametersFor(log2Cost: number): PasswordHashParameters {
  return { ...passwordHashParameters, N: 2 ** log2Cost };
}

export async function hashPassword(password: string, parameters: PasswordHashParameters = passwordHashParameters): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, { ...parameters, asyncTick: 20 });
  return ['scrypt', parameters.N, parameters.r, parameters.p, bytesToBase64(salt), bytesToBase64(hash)].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, costText, blockText, parallelText, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = base64ToBytes(hashText);
  const actual = await scryptAsync(password.normalize('NFKC'), base64ToBytes(saltText), {
    N: Number(costText),
    r: Number(blockText),
    p: Number(parallelText),
    dkLen: expected.length,
    asyncTick: 20,
  });
  return constantTimeEqual(actual, expected);
}

function constantTimeEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++) difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  return difference === 0;
}
