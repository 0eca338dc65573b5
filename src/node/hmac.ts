/**
 * The Node fast path for the bundle MAC's HMAC-SHA256 (src/crypto/hmac.ts): node:crypto's
 * `createHmac`, installed by the Node entry after it reproduces noble on a self-test. The MAC key
 * is handed to OpenSSL for the one call, as the AEAD key is for long messages (src/node/aead.ts).
 */
import { createHmac } from 'node:crypto';
import { type HmacSha256, setNativeHmacSha256 } from '../crypto/hmac.js';
import { hmacSha256 as nobleHmacSha256 } from '../crypto/noble.js';

/** HMAC-SHA256 through OpenSSL, as a plain Uint8Array (not a Buffer from the shared pool). */
export const nodeHmacSha256: HmacSha256 = (key, message) =>
  Uint8Array.from(createHmac('sha256', key).update(message).digest());

/**
 * RFC 4231 §4.3 test case 2 (key "Jefe"), then keys of 0, 32, 64 and 65 bytes (65 is hashed first,
 * RFC 2104 §2) over messages across the 64-byte block boundary, against noble.
 */
function selfTest(fn: HmacSha256): boolean {
  const jefe = new TextEncoder().encode('Jefe');
  const what = new TextEncoder().encode('what do ya want for nothing?');
  const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  if (Buffer.from(fn(jefe, what)).toString('hex') !== expected) return false;
  const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 31 + 7) & 0xff);
  for (const keyLength of [0, 32, 64, 65]) {
    const key = data.subarray(0, keyLength);
    for (const length of [0, 55, 56, 63, 64, 65, 200]) {
      const message = data.subarray(200 - length);
      const a = fn(key, message);
      const b = nobleHmacSha256(key, message);
      if (!(a instanceof Uint8Array) || Buffer.compare(a, b) !== 0) return false;
    }
  }
  return true;
}

/** Install node:crypto's HMAC-SHA256 when it passes the self-test; returns whether it is in use. */
export function installNodeHmac(): boolean {
  let ok = false;
  try {
    ok = selfTest(nodeHmacSha256);
  } catch {
    ok = false;
  }
  setNativeHmacSha256(ok ? nodeHmacSha256 : undefined);
  return ok;
}
