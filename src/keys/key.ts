/**
 * A master key: 32 secret bytes and a public 8-byte key id (SPEC §4.1).
 *
 * The bytes live in a module-private WeakMap, not on the object, so `toString`, `JSON.stringify`,
 * `util.inspect`, structured logging and object spreading can only ever see the kid. Only modules
 * of this package reach the bytes, through `keyMaterial` / `keyPrk`, which `index.ts` does not
 * export.
 */

import { SALT_V1 } from '../crypto/labels.js';
import { hkdfExtract, randomBytes } from '../crypto/noble.js';

export const KEY_LENGTH = 32;
export const KID_LENGTH = 8;
const KID_TEXT = /^[0-9a-f]{16}$/;

const material = new WeakMap<MasterKey, Uint8Array>();
const prks = new WeakMap<MasterKey, Uint8Array>();

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** A master key. Holds no enumerable secret; its printable forms show the kid only. */
export class MasterKey {
  /** Key id: 16 lowercase hex characters (8 random bytes), public. */
  readonly kid: string;

  /** @internal Use `generateKey()` or `importKey()`. */
  constructor(kid: string, bytes: Uint8Array, token: typeof constructToken) {
    if (token !== constructToken) throw new TypeError('use generateKey() or importKey()');
    this.kid = kid;
    material.set(this, bytes);
    Object.freeze(this);
  }

  toString(): string {
    return `MasterKey(${this.kid})`;
  }

  toJSON(): { kid: string } {
    return { kid: this.kid };
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

const constructToken = Symbol('MasterKey');

/** A new master key from the CSPRNG; the kid is random too, never derived from the key bytes. */
export function generateKey(): MasterKey {
  const bytes = randomBytes(KEY_LENGTH);
  return new MasterKey(kidToText(randomBytes(KID_LENGTH)), bytes, constructToken);
}

/**
 * A master key from existing bytes (a copy is kept). `kid` is 16 lowercase hex characters.
 * Wrong types are `TypeError`, wrong lengths `RangeError` (programmer errors).
 */
export function importKey(kid: string, bytes: Uint8Array): MasterKey {
  if (typeof kid !== 'string') throw new TypeError('kid must be a string');
  if (!KID_TEXT.test(kid)) throw new RangeError('kid must be 16 lowercase hex characters');
  if (!(bytes instanceof Uint8Array)) throw new TypeError('key bytes must be a Uint8Array');
  if (bytes.length !== KEY_LENGTH) throw new RangeError(`key must be ${KEY_LENGTH} bytes`);
  return new MasterKey(kid, Uint8Array.from(bytes), constructToken);
}

/** True for a MasterKey made by this module. */
export function isMasterKey(value: unknown): value is MasterKey {
  return value instanceof MasterKey && material.has(value);
}

/** @internal The secret bytes. Never exported from the package entry points. */
export function keyMaterial(key: MasterKey): Uint8Array {
  const bytes = material.get(key);
  if (bytes === undefined) throw new TypeError('not a MasterKey');
  return bytes;
}

/** @internal PRK = HKDF-Extract(SALT_V1, K), computed once per key (SPEC §4.3). */
export function keyPrk(key: MasterKey): Uint8Array {
  let prk = prks.get(key);
  if (prk === undefined) {
    prk = hkdfExtract(keyMaterial(key), SALT_V1);
    prks.set(key, prk);
  }
  return prk;
}

/** Kid bytes → 16 lowercase hex characters (SPEC §3). */
export function kidToText(kid: Uint8Array): string {
  let s = '';
  for (const b of kid) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** 16 lowercase hex characters → 8 kid bytes. The caller has validated the text. */
export function kidFromText(kid: string): Uint8Array {
  const out = new Uint8Array(KID_LENGTH);
  for (let i = 0; i < KID_LENGTH; i++) out[i] = Number.parseInt(kid.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** True for a syntactically valid kid text. */
export function isKidText(kid: unknown): kid is string {
  return typeof kid === 'string' && KID_TEXT.test(kid);
}
