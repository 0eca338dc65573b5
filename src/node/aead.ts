/**
 * XChaCha20-Poly1305 on `node:crypto` — the Node fast path behind `AeadBackend` (src/crypto/aead.ts).
 *
 * draft-irtf-cfrg-xchacha-03 §2.3 defines AEAD_XChaCha20_Poly1305 as: subkey = HChaCha20(key,
 * nonce[0..16)), then RFC 8439 ChaCha20-Poly1305 under that subkey with the 12-byte nonce
 * 0x00000000 ‖ nonce[16..24). OpenSSL has the second half natively ('chacha20-poly1305') but not
 * HChaCha20, which comes from the noble adapter (the one place that imports @noble/*). The output is
 * byte-identical to the noble backend; test/crypto-kat.test.ts runs the Wycheproof and draft vectors
 * through both, and `installNodeAead` re-checks the draft vector at run time before switching.
 */
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { type AeadBackend, setAeadBackend } from '../crypto/aead.js';
import { hchacha20 } from '../crypto/noble.js';

const KEY_LENGTH = 32;
const NONCE_LENGTH = 24;
const TAG_LENGTH = 16;
const CIPHER = 'chacha20-poly1305';

function assertBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Same contract as noble: TypeError for a non-Uint8Array, RangeError for a wrong key/nonce length. */
function assertArgs(key: unknown, nonce: unknown, aad: unknown, dataName: string, data: unknown): void {
  assertBytes('key', key, KEY_LENGTH);
  assertBytes('nonce', nonce, NONCE_LENGTH);
  assertBytes('aad', aad);
  assertBytes(dataName, data);
}

/** HChaCha20 subkey and RFC 8439 nonce for one message (draft-irtf-cfrg-xchacha-03 §2.3). */
function derive(key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array; iv: Uint8Array } {
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const iv = new Uint8Array(12); // first 4 bytes stay 0x00000000
  iv.set(nonce.subarray(16, 24), 4);
  return { subkey, iv };
}

function seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  assertArgs(key, nonce, aad, 'plaintext', plaintext);
  const { subkey, iv } = derive(key, nonce);
  const cipher = createCipheriv(CIPHER, subkey, iv, { authTagLength: TAG_LENGTH });
  subkey.fill(0); // OpenSSL holds its own copy of the key schedule now
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const ct = cipher.update(plaintext);
  const tail = cipher.final(); // empty for a stream cipher; kept so nothing is lost if it ever is not
  const tag = cipher.getAuthTag();
  // noble's layout, ciphertext ‖ tag, as a plain Uint8Array over its own ArrayBuffer (never a slice
  // of Node's shared Buffer pool). allocUnsafeSlow skips the zero-fill: every byte is written below.
  const length = ct.length + tail.length + TAG_LENGTH;
  const backing = Buffer.allocUnsafeSlow(length);
  const out = new Uint8Array(backing.buffer, backing.byteOffset, length);
  out.set(ct, 0);
  out.set(tail, ct.length);
  out.set(tag, ct.length + tail.length);
  return out;
}

function open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  assertArgs(key, nonce, aad, 'sealed', sealed);
  const { subkey, iv } = derive(key, nonce);
  if (sealed.length < TAG_LENGTH) {
    subkey.fill(0);
    return null;
  }
  const ctLength = sealed.length - TAG_LENGTH;
  const decipher = createDecipheriv(CIPHER, subkey, iv, { authTagLength: TAG_LENGTH });
  subkey.fill(0);
  decipher.setAuthTag(sealed.subarray(ctLength));
  decipher.setAAD(aad, { plaintextLength: ctLength });
  // OpenSSL decrypts before it checks the tag: this buffer must not escape unless final() succeeds.
  const pt = decipher.update(sealed.subarray(0, ctLength));
  try {
    decipher.final();
  } catch {
    pt.fill(0);
    return null;
  }
  // `update` returns a Buffer that owns its whole ArrayBuffer; view it as a plain Uint8Array
  // without a copy. Copy only if it ever comes from Node's shared pool (other data in the slab).
  if (pt.byteOffset === 0 && pt.buffer.byteLength === pt.length)
    return new Uint8Array(pt.buffer, 0, pt.length);
  const copy = Uint8Array.from(pt);
  pt.fill(0);
  return copy;
}

/** XChaCha20-Poly1305 on OpenSSL's ChaCha20-Poly1305 plus HChaCha20. Same bytes as `nobleAead`. */
export const nodeAead: AeadBackend = Object.freeze({ name: 'node', seal, open });

let available: boolean | undefined;

/** Whether `node:crypto` offers 'chacha20-poly1305' (false on runtimes whose OpenSSL lacks it). */
export function nodeAeadAvailable(): boolean {
  if (available === undefined) {
    try {
      available = getCiphers().includes(CIPHER);
    } catch {
      available = false;
    }
  }
  return available;
}

/*
 * Self-test vector: draft-irtf-cfrg-xchacha-03, Appendix A.3.1 "AEAD_XCHACHA20_POLY1305"
 * (https://datatracker.ietf.org/doc/html/draft-irtf-cfrg-xchacha-03). SEALED is the draft's
 * ciphertext followed by its tag c0875924c1c7987947deafd8780acf49.
 */
const KAT_KEY = '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f';
const KAT_NONCE = '404142434445464748494a4b4c4d4e4f5051525354555657';
const KAT_AAD = '50515253c0c1c2c3c4c5c6c7';
const KAT_PLAINTEXT =
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
const KAT_SEALED =
  'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
  'c0875924c1c7987947deafd8780acf49';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Seal and open the draft vector, and require a flipped tag bit to be rejected. */
function selfTest(backend: AeadBackend): boolean {
  const key = bytes(KAT_KEY);
  const nonce = bytes(KAT_NONCE);
  const aad = bytes(KAT_AAD);
  const plaintext = Uint8Array.from(Buffer.from(KAT_PLAINTEXT, 'latin1'));
  const sealed = backend.seal(key, nonce, aad, plaintext);
  if (Buffer.from(sealed).toString('hex') !== KAT_SEALED) return false;
  const opened = backend.open(key, nonce, aad, sealed);
  if (opened === null || !Buffer.from(opened).equals(plaintext)) return false;
  const forged = Uint8Array.from(sealed);
  forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
  return backend.open(key, nonce, aad, forged) === null;
}

/**
 * Make `nodeAead` the process-wide backend, if `node:crypto` has ChaCha20-Poly1305 and the backend
 * reproduces the draft vector. Otherwise noble stays in place. Returns whether node was installed.
 */
export function installNodeAead(): boolean {
  if (!nodeAeadAvailable()) return false;
  try {
    if (!selfTest(nodeAead)) return false;
  } catch {
    return false;
  }
  setAeadBackend(nodeAead);
  return true;
}
