import { base64ToBytes, bytesToHex } from '../crypto/encoding.ts';

const directoryInfo = new TextEncoder().encode('kindred/whatsapp-directory/v1');
const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The HMAC key of the WhatsApp directory, derived from the master key: D1 can find a person by their
 * number without ever holding the number, and a dump of D1 alone cannot be reversed by trying every
 * number (which a plain hash of ten-odd digits would allow).
 */
function directoryKey(masterKeyBase64: string): Promise<CryptoKey> {
  let key = keys.get(masterKeyBase64);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', base64ToBytes(masterKeyBase64), 'HKDF', false, ['deriveKey'])
      .then((root) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: directoryInfo },
          root,
          { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          ['sign'],
        ),
      );
    keys.set(masterKeyBase64, key);
  }
  return key;
}

/** The number in E.164 (`+` and digits): WhatsApp's `wa_id` and `from` are the same digits without the `+`. */
export function toE164(numberOrWhatsAppId: string): string {
  const digits = numberOrWhatsAppId.replace(/\D/g, '');
  return `+${digits}`;
}

/** The directory key of a phone number: HMAC-SHA-256 of its E.164 form, as hex. */
export async function phoneNumberDigest(masterKeyBase64: string, phoneNumber: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await directoryKey(masterKeyBase64), new TextEncoder().encode(toE164(phoneNumber)));
  return bytesToHex(new Uint8Array(signature));
}

/** The number as settings show it: its first digits and its last four ("+44 •••• ••0123"). */
export function maskPhoneNumber(phoneNumber: string): string {
  const e164 = toE164(phoneNumber);
  return `${e164.slice(0, 3)} •••• ••${e164.slice(-4)}`;
}
