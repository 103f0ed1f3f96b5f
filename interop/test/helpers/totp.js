// A tiny RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) over node:crypto, to act
// as the user's authenticator app in the interop tests.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Decodes RFC 4648 base32 (no padding needed). */
export function base32Decode(s) {
  const clean = String(s).toUpperCase().replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The TOTP code of a base32 secret at timeMs. */
export function totp(secret, timeMs = Date.now()) {
  const counter = Math.floor(timeMs / 1000 / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The secret of an otpauth:// URI. */
export function otpauthSecret(uri) {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`otpauth URI without a secret: ${uri}`);
  return secret;
}
