/**
 * XChaCha20-Poly1305 for Node — the fast path behind `AeadBackend` (src/crypto/aead.ts).
 *
 * draft-irtf-cfrg-xchacha-03 §2.3 defines AEAD_XChaCha20_Poly1305 as: subkey = HChaCha20(key,
 * nonce[0..16)), then RFC 8439 ChaCha20-Poly1305 under that subkey with the 12-byte nonce
 * 0x00000000 ‖ nonce[16..24). The backend picks by message length:
 * - short messages go to the WebAssembly core (src/node/wasm-core.ts) up to WASM_SMALL_MESSAGE
 *   bytes when the Node entry could install it, else to the allocation-free JS core
 *   (crypto/chacha20-poly1305.ts) up to SMALL_MESSAGE bytes. A node:crypto call has a fixed
 *   cost — an OpenSSL context, and three ArrayBuffers (update, final, getAuthTag) that V8 must
 *   hand to its sweeper — which dominates short messages;
 * - longer ones get HChaCha20 from the JS core, then OpenSSL's 'chacha20-poly1305', whose
 *   per-byte speed wins.
 * The thresholds are where the curves cross on the 2-vCPU machine `npm run bench` runs on (JS
 * core against OpenSSL: 1 KiB when V8's ArrayBuffer sweeper is idle, about 3 KiB when it is busy;
 * WebAssembly against OpenSSL: 2–4 KiB); `node bench/aead-crossover.mjs` prints all three by
 * size. All give the same bytes: test/crypto-kat.test.ts runs the Wycheproof and draft vectors
 * through each (`opensslAead` is the long-message path on its own), and `installNodeAead`
 * re-checks the draft vector at run time before switching.
 */
import {
  type CipherChaCha20Poly1305,
  createCipheriv,
  createDecipheriv,
  type DecipherChaCha20Poly1305,
  getCiphers,
} from 'node:crypto';
import { type AeadBackend, setAeadBackend } from '../crypto/aead.js';
import { assertBytes, hchacha20, xchachaOpenInto, xchachaSealInto } from '../crypto/chacha20-poly1305.js';

const KEY_LENGTH = 32;
const NONCE_LENGTH = 24;
const TAG_LENGTH = 16;
const CIPHER = 'chacha20-poly1305';
/** Longest plaintext (bytes) sealed and opened by the JS core; see the header comment. */
export const SMALL_MESSAGE = 1024;
/**
 * The same for the WebAssembly core (src/node/wasm-core.ts), whose fixed cost is lower and whose
 * per-byte cost is about 2 ns: it beats OpenSSL up to 2 KiB and loses from 4 KiB on the bench machine.
 */
export const WASM_SMALL_MESSAGE = 2048;

/** Same contract as noble: TypeError for a non-Uint8Array, RangeError for a wrong key/nonce length. */
function assertArgs(key: unknown, nonce: unknown, aad: unknown, dataName: string, data: unknown): void {
  assertBytes('key', key, KEY_LENGTH);
  assertBytes('nonce', nonce, NONCE_LENGTH);
  assertBytes('aad', aad);
  assertBytes(dataName, data);
}

const SUBKEY = new Uint8Array(KEY_LENGTH); // wiped as soon as OpenSSL has its own copy

/** RFC 8439 nonce for one message (draft-irtf-cfrg-xchacha-03 §2.3): 0x00000000 ‖ nonce[16..24). */
function chachaIv(nonce: Uint8Array): Uint8Array {
  const iv = new Uint8Array(12); // first 4 bytes stay 0x00000000
  iv.set(nonce.subarray(16, 24), 4);
  return iv;
}

/** `out` if it was given (and is the right size), else a new array: a plain Uint8Array either way. */
function destination(out: Uint8Array | undefined, length: number): Uint8Array {
  if (out === undefined) return new Uint8Array(length);
  assertBytes('output', out, length);
  return out;
}

function opensslSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  assertArgs(key, nonce, aad, 'plaintext', plaintext);
  const dst = destination(out, plaintext.length + TAG_LENGTH);
  hchacha20(key, nonce.subarray(0, 16), SUBKEY);
  let cipher: CipherChaCha20Poly1305;
  try {
    cipher = createCipheriv(CIPHER, SUBKEY, chachaIv(nonce), { authTagLength: TAG_LENGTH });
  } finally {
    SUBKEY.fill(0); // OpenSSL holds its own copy of the key schedule now
  }
  cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const ct = cipher.update(plaintext);
  const tail = cipher.final(); // empty for a stream cipher; kept so nothing is lost if it ever is not
  // noble's layout, ciphertext ‖ tag.
  dst.set(ct, 0);
  dst.set(tail, ct.length);
  dst.set(cipher.getAuthTag(), ct.length + tail.length);
  return dst;
}

function opensslOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  out?: Uint8Array,
): Uint8Array | null {
  assertArgs(key, nonce, aad, 'sealed', sealed);
  if (sealed.length < TAG_LENGTH) return null;
  const ctLength = sealed.length - TAG_LENGTH;
  if (out !== undefined) assertBytes('output', out, ctLength);
  hchacha20(key, nonce.subarray(0, 16), SUBKEY);
  let decipher: DecipherChaCha20Poly1305;
  try {
    decipher = createDecipheriv(CIPHER, SUBKEY, chachaIv(nonce), { authTagLength: TAG_LENGTH });
  } finally {
    SUBKEY.fill(0);
  }
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
  // `update` returns a Buffer that owns its whole ArrayBuffer: without `out`, view it as a plain
  // Uint8Array, no copy. Otherwise (or if it ever comes from Node's shared pool) copy and wipe.
  if (out === undefined && pt.byteOffset === 0 && pt.buffer.byteLength === pt.length) {
    return new Uint8Array(pt.buffer, 0, pt.length);
  }
  const dst = out ?? new Uint8Array(ctLength);
  dst.set(pt);
  pt.fill(0);
  return dst;
}

/**
 * A Node backend: `small` up to `smallMax` plaintext bytes, OpenSSL above (see the header comment).
 * Both sides give the same bytes, so the split changes speed only.
 */
export function composeNodeAead(name: string, small: AeadBackend, smallMax: number): AeadBackend {
  return Object.freeze({
    name,
    seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out?: Uint8Array) {
      return plaintext instanceof Uint8Array && plaintext.length > smallMax
        ? opensslSeal(key, nonce, aad, plaintext, out)
        : small.seal(key, nonce, aad, plaintext, out);
    },
    open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out?: Uint8Array) {
      return sealed instanceof Uint8Array && sealed.length > smallMax + TAG_LENGTH
        ? opensslOpen(key, nonce, aad, sealed, out)
        : small.open(key, nonce, aad, sealed, out);
    },
  });
}

/** @internal OpenSSL for every length: the long-message path alone, for the vector tests. */
export const opensslAead: AeadBackend = Object.freeze({
  name: 'openssl',
  seal: opensslSeal,
  open: opensslOpen,
});

const jsCore: AeadBackend = { name: 'core', seal: xchachaSealInto, open: xchachaOpenInto };

/** XChaCha20-Poly1305: the JS core for short messages, OpenSSL for long ones. Same bytes as `nobleAead`. */
export const nodeAead: AeadBackend = composeNodeAead('node', jsCore, SMALL_MESSAGE);

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

function safeSelfTest(backend: AeadBackend): boolean {
  try {
    return selfTest(backend);
  } catch {
    return false;
  }
}

/**
 * Make `nodeAead` the process-wide backend, if `node:crypto` has ChaCha20-Poly1305 and the backend
 * reproduces the draft vector. With `small` (the WebAssembly core, already self-tested against
 * the portable code), short messages go to it instead of the JS core, up to WASM_SMALL_MESSAGE.
 * Otherwise noble stays in place. Returns whether a backend was installed.
 */
export function installNodeAead(small?: AeadBackend): boolean {
  // The draft vector is short: run it through the OpenSSL path on its own as well.
  const openssl = nodeAeadAvailable() && safeSelfTest(opensslAead);
  if (!openssl) {
    // No usable OpenSSL ChaCha20-Poly1305: the WebAssembly core alone (it hands messages beyond its
    // buffers to the JS core), or noble.
    if (small === undefined || !safeSelfTest(small)) return false;
    setAeadBackend(small);
    return true;
  }
  const backend =
    small === undefined ? nodeAead : composeNodeAead(`node+${small.name}`, small, WASM_SMALL_MESSAGE);
  if (!safeSelfTest(backend)) return false;
  setAeadBackend(backend);
  return true;
}
