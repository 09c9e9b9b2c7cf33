import { and, eq, ne } from 'drizzle-orm';
import { phoneNumberDigest } from '../../server/whatsapp/phone-number-digest.ts';
import { database } from '../db/database.ts';
import { whatsAppNumbers, whatsAppOnboardedNumbers } from '../db/schema.ts';

/**
 * The Worker's side of WhatsApp: which user a number belongs to, and which unknown numbers were
 * already told how to link. Every key is the number's HMAC (`phoneNumberDigest`), never the number.
 */
export function whatsAppDirectory(db: D1Database, masterKey: string) {
  const orm = database(db);
  const digest = (phoneNumber: string) => phoneNumberDigest(masterKey, phoneNumber);

  return {
    /** The user who linked this number, if anyone did. */
    async ownerOf(phoneNumber: string): Promise<string | undefined> {
      const row = await orm
        .select({ userId: whatsAppNumbers.userId })
        .from(whatsAppNumbers)
        .where(eq(whatsAppNumbers.numberDigest, await digest(phoneNumber)))
        .get();
      return row?.userId;
    },

    /**
     * Claims the number for the user, answering false when another account holds it. A user holds one
     * number: claiming a new one releases the old.
     */
    async claim(phoneNumber: string, userId: string, now: Date): Promise<boolean> {
      const numberDigest = await digest(phoneNumber);
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
}
