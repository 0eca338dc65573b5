/**
 * Text forms of key material (SPEC §9): one master key (`ssk1_…`) and one keyring (`sskr1_…`),
 * single-line ASCII for an environment variable or a key file.
 *
 *   text = PREFIX ‖ base64url(body ‖ CHECK),  CHECK = SHA-256(ASCII(PREFIX) ‖ body)[0..4)
 *
 * The fixed length catches every truncation; the checksum catches a mistyped character (a random
 * change passes with probability 2^-32), so a damaged value is `ERR_KEY_FORMAT`, never a different
 * key. The prefix in the checksum keeps the forms apart. `exportKeyText` / `exportKeyringText` are
 * the only ways key bytes leave the library; error messages never contain the text.
 */
import { equalBytes, sha256 } from '../crypto/noble.js';
import { base64urlLength, decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { KeyFormatError, KeyMaterialMissingError, KeyringInvalidError } from '../errors.js';
import {
  importKey,
  isMasterKey,
  KEY_LENGTH,
  KID_LENGTH,
  keyMaterial,
  kidFromText,
  kidToText,
  type MasterKey,
} from './key.js';
import {
  createKeyring,
  isKeyring,
  type Keyring,
  type KeyringMember,
  type KeyStatus,
  MAX_KEYRING_KEYS,
} from './keyring.js';

export const KEY_TEXT_PREFIX = 'ssk1_';
export const KEYRING_TEXT_PREFIX = 'sskr1_';
export const PASSPHRASE_TEXT_PREFIX = 'sskp1_';
export const CHECK_LENGTH = 4;
/** Longest text any reader looks at; longer input is rejected before any decoding (SPEC §9.4). */
export const MAX_KEY_TEXT_LENGTH = 8192;

/** SPEC §9.2: kid(8) ‖ K(32). */
const KEY_BODY = KID_LENGTH + KEY_LENGTH;
/** SPEC §9.3: status(1) ‖ kid(8) ‖ K(32) per entry. */
const ENTRY_BODY = 1 + KID_LENGTH + KEY_LENGTH;
const STATUS_BYTE: Readonly<Record<KeyStatus, number>> = { primary: 1, 'decrypt-only': 2, disabled: 3 };
const STATUS_OF: readonly (KeyStatus | undefined)[] = [undefined, 'primary', 'decrypt-only', 'disabled'];

/** Which text form a value is, from its prefix. */
export type KeyTextKind = 'key' | 'keyring' | 'passphrase';

const PREFIXES: Readonly<Record<KeyTextKind, string>> = {
  key: KEY_TEXT_PREFIX,
  keyring: KEYRING_TEXT_PREFIX,
  passphrase: PASSPHRASE_TEXT_PREFIX,
};
const NAMES: Readonly<Record<KeyTextKind, string>> = {
  key: 'key text',
  keyring: 'keyring text',
  passphrase: 'passphrase key text',
};
const FAMILY: Readonly<Record<string, KeyTextKind>> = { ssk: 'key', sskr: 'keyring', sskp: 'passphrase' };
const PREFIX_SHAPE = /^(ssk|sskr|sskp)([0-9]{1,6})_/;

/**
 * @internal SPEC §9.1 steps 1–3: length cap, edge whitespace, empty, prefix and version. Returns
 * the kind and the trimmed text. Never echoes the input.
 */
export function classifyKeyText(text: string): { kind: KeyTextKind; text: string } {
  if (typeof text !== 'string') throw new TypeError('key text must be a string');
  if (text.length > MAX_KEY_TEXT_LENGTH) {
    throw new KeyFormatError(`key text is longer than ${MAX_KEY_TEXT_LENGTH} characters`);
  }
  const trimmed = trimKeyText(text);
  if (trimmed.length === 0) throw new KeyMaterialMissingError('key text is empty: no key, no service');
  const m = PREFIX_SHAPE.exec(trimmed);
  const kind = m?.[1] === undefined ? undefined : FAMILY[m[1]];
  if (m === null || kind === undefined) {
    throw new KeyFormatError(
      `not a session-seal key text (expected a value starting with ${KEY_TEXT_PREFIX} or ${KEYRING_TEXT_PREFIX})`,
    );
  }
  if (m[0] !== PREFIXES[kind]) throw new KeyFormatError(`unsupported ${NAMES[kind]} version`);
  return { kind, text: trimmed };
}

/**
 * @internal Remove leading and trailing SP, HT, CR, LF (SPEC §9.1 step 2) — only those: other
 * whitespace is an error, not silently dropped. A loop, not a regex, so the cost stays linear.
 */
export function trimKeyText(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isEdgeSpace(text.charCodeAt(start))) start++;
  while (end > start && isEdgeSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isEdgeSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** @internal `PREFIX ‖ base64url(body ‖ CHECK)` (SPEC §9.1). */
export function encodeKeyText(kind: KeyTextKind, body: Uint8Array): string {
  const prefix = PREFIXES[kind];
  const out = new Uint8Array(body.length + CHECK_LENGTH);
  out.set(body, 0);
  out.set(check(prefix, body), body.length);
  return prefix + encodeBase64url(out);
}

/**
 * @internal SPEC §9.1 steps 4–6 on a classified text: canonical base64url, a body length that
 * `validLength` accepts, checksum. Returns the body without the checksum.
 */
export function decodeKeyText(
  kind: KeyTextKind,
  text: string,
  validLength: (bodyLength: number) => boolean,
  expected: string,
): Uint8Array {
  const prefix = PREFIXES[kind];
  const name = NAMES[kind];
  const bytes = decodeBase64url(text.slice(prefix.length));
  if (bytes === null) {
    throw new KeyFormatError(`${name} is not canonical base64url: the value is mistyped or truncated`);
  }
  const bodyLength = bytes.length - CHECK_LENGTH;
  if (bodyLength < 0 || !validLength(bodyLength)) {
    throw new KeyFormatError(
      `${name} has the wrong length (${expected}): the value is mistyped or truncated`,
    );
  }
  const body = bytes.subarray(0, bodyLength);
  if (!equalBytes(check(prefix, body), bytes.subarray(bodyLength))) {
    throw new KeyFormatError(`${name} checksum mismatch: the value is mistyped or truncated`);
  }
  return body;
}

function check(prefix: string, body: Uint8Array): Uint8Array {
  const p = utf8Encode(prefix);
  const input = new Uint8Array(p.length + body.length);
  input.set(p, 0);
  input.set(body, p.length);
  return sha256(input).subarray(0, CHECK_LENGTH);
}

/** Text length of a form with a body of `n` bytes. */
function textLength(kind: KeyTextKind, n: number): number {
  return PREFIXES[kind].length + base64urlLength(n + CHECK_LENGTH);
}

/** The one key's text form `ssk1_…` (64 characters). It contains the secret key: store it as one. */
export function exportKeyText(key: MasterKey): string {
  if (!isMasterKey(key)) throw new TypeError('exportKeyText expects a MasterKey');
  const body = new Uint8Array(KEY_BODY);
  body.set(kidFromText(key.kid), 0);
  body.set(keyMaterial(key), KID_LENGTH);
  return encodeKeyText('key', body);
}

/** A keyring's text form `sskr1_…`: every key with its status, primary first. Secret. */
export function exportKeyringText(keyring: Keyring): string {
  if (!isKeyring(keyring)) throw new TypeError('exportKeyringText expects a Keyring');
  const entries = keyring.entries();
  const body = new Uint8Array(entries.length * ENTRY_BODY);
  entries.forEach((e, i) => {
    const o = i * ENTRY_BODY;
    body[o] = STATUS_BYTE[e.status];
    body.set(kidFromText(e.key.kid), o + 1);
    body.set(keyMaterial(e.key), o + 1 + KID_LENGTH);
  });
  return encodeKeyText('keyring', body);
}

/**
 * One master key from its text form `ssk1_…`. Throws ERR_KEY_MATERIAL_MISSING (empty) or
 * ERR_KEY_FORMAT (anything else wrong, including a keyring text: use `importKeyringText`).
 */
export function importKeyText(text: string): MasterKey {
  const c = classifyKeyText(text);
  if (c.kind !== 'key') throw new KeyFormatError(wrongKind(c.kind, 'importKeyText'));
  return keyFromBody(c.text);
}

/**
 * A keyring from a keyring text `sskr1_…`, or from a single key text `ssk1_…` (that key becomes
 * the primary). Throws ERR_KEY_MATERIAL_MISSING, ERR_KEY_FORMAT, ERR_KEYRING_INVALID (the text is
 * intact but breaks an invariant: no primary first, a second primary, a duplicate kid).
 */
export function importKeyringText(text: string): Keyring {
  const c = classifyKeyText(text);
  if (c.kind === 'key') return createKeyring({ primary: keyFromBody(c.text) });
  if (c.kind !== 'keyring') throw new KeyFormatError(wrongKind(c.kind, 'importKeyringText'));
  const body = decodeKeyText(
    'keyring',
    c.text,
    (n) => n > 0 && n % ENTRY_BODY === 0 && n <= MAX_KEYRING_KEYS * ENTRY_BODY,
    `1 to ${MAX_KEYRING_KEYS} keys of ${ENTRY_BODY} bytes`,
  );
  // SPEC §9.3 order: every status byte is checked (ERR_KEY_FORMAT) before any keyring rule.
  for (let o = 0; o < body.length; o += ENTRY_BODY) {
    if (STATUS_OF[body[o] ?? 0] === undefined)
      throw new KeyFormatError('keyring text has an unknown key status');
  }
  let primary: MasterKey | undefined;
  const keys: KeyringMember[] = [];
  for (let o = 0; o < body.length; o += ENTRY_BODY) {
    const status = STATUS_OF[body[o] ?? 0] as KeyStatus;
    const key = importKey(
      kidToText(body.subarray(o + 1, o + 1 + KID_LENGTH)),
      body.subarray(o + 1 + KID_LENGTH, o + ENTRY_BODY),
    );
    // SPEC §9.3: the primary comes first and only first, so each keyring has one text.
    if ((o === 0) !== (status === 'primary')) {
      throw new KeyringInvalidError('a keyring text lists exactly one primary key, first');
    }
    if (status === 'primary') primary = key;
    else keys.push({ key, status });
  }
  if (primary === undefined)
    throw new KeyringInvalidError('a keyring text lists exactly one primary key, first');
  return createKeyring({ primary, keys });
}

function keyFromBody(text: string): MasterKey {
  const body = decodeKeyText('key', text, (n) => n === KEY_BODY, `${textLength('key', KEY_BODY)} characters`);
  return importKey(kidToText(body.subarray(0, KID_LENGTH)), body.subarray(KID_LENGTH));
}

function wrongKind(kind: KeyTextKind, fn: string): string {
  if (kind === 'keyring') return `this is a keyring text; ${fn} cannot read it (use importKeyringText)`;
  if (kind === 'passphrase') {
    return `this is a passphrase key text; ${fn} cannot read it (use loadPassphraseKey(text, passphrase))`;
  }
  return `this is a key text; ${fn} cannot read it (use importKeyText)`;
}
