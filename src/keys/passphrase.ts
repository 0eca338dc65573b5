/**
 * Passphrase-derived master keys (SPEC §9.5), an explicit opt-in: a random key from
 * `generateKey()` is stronger than almost any passphrase.
 *
 *   P = UTF8(NFC(passphrase))
 *   K = scrypt(P, ASCII("session-seal/v1 passphrase") ‖ kid ‖ salt, N = 2^log2N, r, p, 32)   RFC 7914
 *   V = HMAC-SHA256(K, ASCII("session-seal/v1 passphrase-check"))[0..8)
 *
 * The text form `sskp1_…` stores kid, cost, salt and V — not K. V turns a wrong passphrase into an
 * error at load time instead of a service that seals under a wrong key with a known kid. The cost
 * is capped *before* scrypt runs, so a hostile text cannot make loading take minutes.
 */
import { equalBytes, hmacSha256, randomBytes, scrypt } from '../crypto/noble.js';
import { isWellFormed, utf8Encode } from '../encoding/utf8.js';
import { DecryptionFailedError, KeyFormatError, KeyMaterialMissingError } from '../errors.js';
import {
  importKey,
  isKidText,
  KEY_LENGTH,
  KID_LENGTH,
  kidFromText,
  kidToText,
  type MasterKey,
} from './key.js';
import { classifyKeyText, decodeKeyText, encodeKeyText } from './text.js';

const SALT_LABEL = utf8Encode('session-seal/v1 passphrase');
const CHECK_LABEL = utf8Encode('session-seal/v1 passphrase-check');
export const PASSPHRASE_SALT_LENGTH = 16;
const VERIFIER_LENGTH = 8;
/** kid(8) ‖ log2N(1) ‖ r(1) ‖ p(1) ‖ salt(16) ‖ V(8). */
const BODY_LENGTH = KID_LENGTH + 3 + PASSPHRASE_SALT_LENGTH + VERIFIER_LENGTH;

/** Default cost: N = 2^17, r = 8, p = 1 (128 MiB, about a second). */
export const PASSPHRASE_DEFAULT_COST = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/**
 * Accepted cost, on writing and on reading (SPEC §9.5): 2^10 ≤ N ≤ 2^20, 1 ≤ r ≤ 16, 1 ≤ p ≤ 4,
 * and 128·N·r·p ≤ 256 MiB (scrypt's memory is 128·N·r bytes; its time grows with N·r·p).
 */
export const PASSPHRASE_COST_CAP = Object.freeze({
  minLog2N: 10,
  maxLog2N: 20,
  maxR: 16,
  maxP: 4,
  maxWork: 256 * 1024 * 1024,
});

export interface PassphraseKeyOptions {
  /** scrypt N, a power of two (default 2^17). Values below the default are for tests. */
  readonly N?: number;
  /** scrypt r (default 8). */
  readonly r?: number;
  /** scrypt p (default 1). */
  readonly p?: number;
  /** 16 bytes; default fresh from the CSPRNG. Given only to reproduce a vector. */
  readonly salt?: Uint8Array;
  /** Key id text; default random. Given only to reproduce a vector. */
  readonly kid?: string;
}

export interface PassphraseKey {
  readonly key: MasterKey;
  /** `sskp1_…`: everything but the passphrase needed to re-derive `key`. */
  readonly text: string;
}

/**
 * Derive a new master key from a passphrase with scrypt; returns the key and its text form.
 * Wrong argument types are TypeError, cost or salt out of range RangeError, an empty passphrase
 * ERR_KEY_MATERIAL_MISSING.
 */
export function deriveKeyFromPassphrase(
  passphrase: string,
  options: PassphraseKeyOptions = {},
): PassphraseKey {
  const pass = passphraseBytes(passphrase);
  const {
    N = PASSPHRASE_DEFAULT_COST.N,
    r = PASSPHRASE_DEFAULT_COST.r,
    p = PASSPHRASE_DEFAULT_COST.p,
  } = options;
  const log2N = Number.isInteger(N) && N > 0 ? Math.log2(N) : Number.NaN;
  if (!Number.isInteger(log2N) || !Number.isInteger(r) || !Number.isInteger(p) || !costOk(log2N, r, p)) {
    throw new RangeError(
      'scrypt cost out of range: N a power of two in 2^10..2^20, r 1..16, p 1..4, 128·N·r·p ≤ 256 MiB',
    );
  }
  const salt = options.salt ?? randomBytes(PASSPHRASE_SALT_LENGTH);
  if (!(salt instanceof Uint8Array) || salt.length !== PASSPHRASE_SALT_LENGTH) {
    throw new RangeError(`salt must be ${PASSPHRASE_SALT_LENGTH} bytes`);
  }
  if (options.kid !== undefined && !isKidText(options.kid)) {
    throw new RangeError('kid must be 16 lowercase hex characters');
  }
  const kid = options.kid === undefined ? randomBytes(KID_LENGTH) : kidFromText(options.kid);
  const k = derive(pass, kid, salt, log2N, r, p);
  const body = new Uint8Array(BODY_LENGTH);
  body.set(kid, 0);
  body.set([log2N, r, p], KID_LENGTH);
  body.set(salt, KID_LENGTH + 3);
  body.set(verifier(k), KID_LENGTH + 3 + PASSPHRASE_SALT_LENGTH);
  return { key: importKey(kidToText(kid), k), text: encodeKeyText('passphrase', body) };
}

/**
 * Re-derive a passphrase key from its `sskp1_…` text. Throws ERR_KEY_MATERIAL_MISSING (empty text
 * or passphrase), ERR_KEY_FORMAT (damaged text, another form, cost above the cap — checked before
 * scrypt runs), ERR_DECRYPTION_FAILED (wrong passphrase).
 */
export function loadPassphraseKey(text: string, passphrase: string): MasterKey {
  // SPEC §9.5 order: the text first (ERR_KEY_FORMAT), then the passphrase.
  const t = parsePassphraseText(text);
  const pass = passphraseBytes(passphrase);
  const k = derive(pass, t.kid, t.salt, t.log2N, t.r, t.p);
  if (!equalBytes(verifier(k), t.verifier)) throw new DecryptionFailedError();
  return importKey(kidToText(t.kid), k);
}

/** The public fields of a passphrase key text. */
interface PassphraseText {
  readonly kid: Uint8Array;
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
  readonly verifier: Uint8Array;
}

/**
 * @internal SPEC §9.5 reading, everything but scrypt: form, checksum, then the cost range and cap.
 * Throws ERR_KEY_MATERIAL_MISSING / ERR_KEY_FORMAT.
 */
export function parsePassphraseText(text: string): PassphraseText {
  const c = classifyKeyText(text);
  if (c.kind !== 'passphrase') {
    throw new KeyFormatError(
      c.kind === 'key'
        ? 'this is a key text; it needs no passphrase (use importKeyText)'
        : 'this is a keyring text; it needs no passphrase (use importKeyringText)',
    );
  }
  const body = decodeKeyText('passphrase', c.text, (n) => n === BODY_LENGTH, `${BODY_LENGTH} bytes`);
  const log2N = body[KID_LENGTH] ?? 0;
  const r = body[KID_LENGTH + 1] ?? 0;
  const p = body[KID_LENGTH + 2] ?? 0;
  if (log2N < PASSPHRASE_COST_CAP.minLog2N || r < 1 || p < 1) {
    throw new KeyFormatError('passphrase key text has scrypt parameters below the accepted range');
  }
  if (!costOk(log2N, r, p)) {
    throw new KeyFormatError(
      'passphrase key text: scrypt cost exceeds the cap (N ≤ 2^20, r ≤ 16, p ≤ 4, 128·N·r·p ≤ 256 MiB)',
    );
  }
  const saltEnd = KID_LENGTH + 3 + PASSPHRASE_SALT_LENGTH;
  return {
    kid: body.subarray(0, KID_LENGTH),
    log2N,
    r,
    p,
    salt: body.subarray(KID_LENGTH + 3, saltEnd),
    verifier: body.subarray(saltEnd),
  };
}

function costOk(log2N: number, r: number, p: number): boolean {
  const cap = PASSPHRASE_COST_CAP;
  return (
    log2N >= cap.minLog2N &&
    log2N <= cap.maxLog2N &&
    r >= 1 &&
    r <= cap.maxR &&
    p >= 1 &&
    p <= cap.maxP &&
    128 * 2 ** log2N * r * p <= cap.maxWork
  );
}

function passphraseBytes(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  if (!isWellFormed(passphrase)) throw new TypeError('passphrase must be well-formed Unicode');
  // NFC so the same passphrase typed on systems that compose differently gives the same key.
  const normal = passphrase.normalize('NFC');
  if (normal.length === 0) throw new KeyMaterialMissingError('passphrase is empty: no key, no service');
  return utf8Encode(normal);
}

function derive(
  pass: Uint8Array,
  kid: Uint8Array,
  salt: Uint8Array,
  log2N: number,
  r: number,
  p: number,
): Uint8Array {
  const s = new Uint8Array(SALT_LABEL.length + kid.length + salt.length);
  s.set(SALT_LABEL, 0);
  s.set(kid, SALT_LABEL.length);
  s.set(salt, SALT_LABEL.length + kid.length);
  return scrypt(pass, s, { N: 2 ** log2N, r, p, dkLen: KEY_LENGTH });
}

function verifier(k: Uint8Array): Uint8Array {
  return hmacSha256(k, CHECK_LABEL).subarray(0, VERIFIER_LENGTH);
}
