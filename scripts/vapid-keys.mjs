// `npm run vapid-keys`: a new VAPID key pair for Web Push (RFC 8292), printed as the three variables
// Kindred reads. Set them once per deployment (`wrangler secret put VAPID_PRIVATE_KEY`, the public key
// and subject as vars): changing the pair invalidates every browser's subscription, since each was
// made for the public key.
import { webcrypto } from 'node:crypto';

const subject = process.argv[2] ?? 'mailto:you@example.com';
const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const publicKey = Buffer.from(await webcrypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
const privateKey = (await webcrypto.subtle.exportKey('jwk', pair.privateKey)).d;
console.log(`VAPID_PUBLIC_KEY=${publicKey}`);
console.log(`VAPID_PRIVATE_KEY=${privateKey}`);
console.log(`VAPID_SUBJECT=${subject}`);
