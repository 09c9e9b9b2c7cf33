import { and, eq, inArray, ne } from 'drizzle-orm';
import { phoneNumberDigest } from '../../server/whatsapp/phone-number-digest.ts';
import { database } from '../db/database.ts';
import { whatsAppNumbers, whatsAppOnboardedNumbers } from '../db/schema.ts';

/**
 * The Worker's side of WhatsApp: which user a number belongs to, and which unknown numbers were
 * already told how to link. Every key is the number's HMAC (`phoneNumberDigest`), never the number.
 * During a master key rotation (`previousMasterKeys`), a number is also looked for under the keys
 * being replaced, and a row found under one is keyed again by the current key on the spot.
 */
export function whatsAppDirectory(db: D1Database, masterKey: string, previousMasterKeys: readonly string[] = []) {
  const orm = database(db);
  const digest = (phoneNumber: string) => phoneNumberDigest(masterKey, phoneNumber);
  /** The number's digest under every configured key, the current one first. */
  const allDigests = (phoneNumber: string) => Promise.all([masterKey, ...previousMasterKeys].map((key) => phoneNumberDigest(key, phoneNumber)));

  const directory = {
    /** The user who linked this number, if anyone did. */
    async ownerOf(phoneNumber: string): Promise<string | undefined> {
      const digests = await allDigests(phoneNumber);
      const rows = await orm
        .select({ userId: whatsAppNumbers.userId, numberDigest: whatsAppNumbers.numberDigest })
        .from(whatsAppNumbers)
        .where(digests.length === 1 ? eq(whatsAppNumbers.numberDigest, digests[0] ?? '') : inArray(whatsAppNumbers.numberDigest, digests))
        .all();
      const row = rows.find((candidate) => candidate.numberDigest === digests[0]) ?? rows[0];
      if (row && row.numberDigest !== digests[0]) await directory.claim(phoneNumber, row.userId, new Date());
      return row?.userId;
    },

    /**
     * Claims the number for the user, answering false when another account holds it. A user holds one
     * number: claiming a new one releases the old.
     */
    async claim(phoneNumber: string, userId: string, now: Date): Promise<boolean> {
      const [numberDigest = '', ...previousDigests] = await allDigests(phoneNumber);
      // Held under a key being rotated out by someone else: still theirs.
      if (previousDigests.length > 0) {
        const holder = await orm
          .select({ userId: whatsAppNumbers.userId })
          .from(whatsAppNumbers)
          .where(and(inArray(whatsAppNumbers.numberDigest, previousDigests), ne(whatsAppNumbers.userId, userId)))
          .get();
        if (holder) return false;
      }
      await orm.insert(whatsAppNumbers).values({ numberDigest, userId, linkedAt: now }).onConflictDoNothing();
      const owner = await orm.select({ userId: whatsAppNumbers.userId }).from(whatsAppNumbers).where(eq(whatsAppNumbers.numberDigest, numberDigest)).get();
      if (owner?.userId !== userId) return false;
      await orm.delete(whatsAppNumbers).where(and(eq(whatsAppNumbers.userId, userId), ne(whatsAppNumbers.numberDigest, numberDigest)));
      return true;
    },

    async release(userId: string): Promise<void> {
      await orm.delete(whatsAppNumbers).where(eq(whatsAppNumbers.userId, userId));
    },

    /** Records that this unknown number was answered; true only the first time, ever. */
    async firstContact(phoneNumber: string, now: Date): Promise<boolean> {
      const [, ...previousDigests] = await allDigests(phoneNumber);
      // Answered under a key being rotated out: once, ever, still holds.
      if (
        previousDigests.length > 0 &&
        (await orm.select().from(whatsAppOnboardedNumbers).where(inArray(whatsAppOnboardedNumbers.numberDigest, previousDigests)).get())
      )
        return false;
      const result = await orm
        .insert(whatsAppOnboardedNumbers)
        .values({ numberDigest: await digest(phoneNumber), answeredAt: now })
        .onConflictDoNothing()
        .run();
      return result.meta.changes > 0;
    },

    /** The onboarding reply did not go out: the next message from the number may try again. */
    async forgetContact(phoneNumber: string): Promise<void> {
      await orm.delete(whatsAppOnboardedNumbers).where(eq(whatsAppOnboardedNumbers.numberDigest, await digest(phoneNumber)));
    },
  };
  return directory;
}
