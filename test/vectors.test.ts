/**
 * The executable spec: vectors/envelope-v1.json was produced by scripts/gen-vectors.mjs, an
 * implementation of SPEC §3–§7 that shares no code with src/ (node:crypto HMAC + libsodium). The
 * library must open every positive vector to its state, reproduce every byte of it when sealing
 * with the same key and nonce, and reject every negative vector with exactly the expected code.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAeadBackend, nobleAead, setAeadBackend } from '../src/crypto/aead.js';
import { nativeEnvelopeOpenInUse, setNativeEnvelopeOpen } from '../src/crypto/envelope-open.js';
import { deriveEnvelopeKeys, setNativeEnvelopeKeys } from '../src/crypto/kdf.js';
import { INFO_BUNDLE_MAC_V1, INFO_ENVELOPE_V1, SALT_V1 } from '../src/crypto/labels.js';
import { buildAad } from '../src/envelope/aad.js';
import {
  encodeHeader,
  HEADER_LENGTH,
  MAX_PLAINTEXT,
  MAX_SEALED_CONTEXT,
  MAX_SESSION_ID_BYTES,
  MAX_TIMESTAMP_BYTES,
  MIN_ENVELOPE_LENGTH,
  TAG_LENGTH,
} from '../src/envelope/format.js';
import { sealValidated } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { ERROR_CODES, type SessionSealErrorCode, type ValidationIssue } from '../src/errors.js';
import { generateKey, importKey, keyPrk, kidFromText, type MasterKey } from '../src/keys/key.js';
import { createKeyring, type Keyring, type KeyStatus } from '../src/keys/keyring.js';
import { installNodeAead, WASM_SMALL_MESSAGE } from '../src/node/aead.js';
import { installWasmCore } from '../src/node/wasm-core.js';
import type { SessionState } from '../src/schema.js';
import { expectCode } from './helpers/expect-code.js';

interface PositiveVector {
  readonly name: string;
  readonly description: string;
  readonly masterKey: string;
  readonly kid: string;
  readonly nonce: string;
  readonly state: SessionState;
  readonly plaintext: string;
  readonly prk: string;
  readonly ek: string;
  readonly commitment: string;
  readonly header: string;
  readonly aad: string;
  readonly ciphertextAndTag: string;
  readonly sealed: {
    sessionId: string;
    metadata: { createdAt: string; lastAccess: string };
    sealedContext: string;
  };
}

interface KeyringVectorEntry {
  readonly kid: string;
  readonly masterKey: string;
  readonly status: KeyStatus;
}

interface NegativeVector {
  readonly name: string;
  readonly description: string;
  readonly keyring: readonly KeyringVectorEntry[];
  readonly sealed: unknown;
  readonly expectedCode: SessionSealErrorCode;
  /** Compact form of a huge sealedContext: set `sealed.sealedContext = char.repeat(count)`. */
  readonly sealedContextRepeat?: { readonly char: string; readonly count: number };
  readonly expectedIssues?: readonly ValidationIssue[];
  readonly plaintextHex?: string;
}

interface VectorFile {
  readonly format: string;
  readonly generator: string;
  readonly constants: Record<string, string | number>;
  readonly positive: readonly PositiveVector[];
  readonly negative: readonly NegativeVector[];
}

const file = JSON.parse(
  readFileSync(new URL('../vectors/envelope-v1.json', import.meta.url), 'utf8'),
) as VectorFile;

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** A keyring exactly as the vector lists it; an unrelated primary is added if it names none. */
function keyringOf(entries: readonly KeyringVectorEntry[]): Keyring {
  const keys = entries.map((e) => ({ key: importKey(e.kid, fromHex(e.masterKey)), status: e.status }));
  const primary = keys.find((k) => k.status === 'primary')?.key ?? generateKey();
  const others: { key: MasterKey; status: 'decrypt-only' | 'disabled' }[] = [];
  for (const k of keys) if (k.status !== 'primary') others.push({ key: k.key, status: k.status });
  return createKeyring({ primary, keys: others });
}

/** The `sealed` input of a negative vector, with `sealedContextRepeat` expanded. */
function inputOf(v: NegativeVector): unknown {
  if (v.sealedContextRepeat === undefined) return v.sealed;
  const { char, count } = v.sealedContextRepeat;
  return { ...(v.sealed as Record<string, unknown>), sealedContext: char.repeat(count) };
}

describe('vectors/envelope-v1.json', () => {
  it('is the envelope v1 vector file and is not empty', () => {
    expect(file.format).toBe('session-seal/vectors/envelope-v1');
    expect(file.generator).toMatch(/independent/);
    expect(file.positive.length).toBeGreaterThanOrEqual(5);
    expect(file.negative.length).toBeGreaterThanOrEqual(30);
    const names = [...file.positive, ...file.negative].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('uses the constants of the library (SPEC §4.2, §5.1, §6)', () => {
    expect(file.constants).toEqual({
      SALT_V1: toHex(SALT_V1),
      INFO_ENVELOPE_V1: toHex(INFO_ENVELOPE_V1),
      INFO_BUNDLE_MAC_V1: toHex(INFO_BUNDLE_MAC_V1),
      VERSION: 1,
      HEADER_LENGTH,
      TAG_LENGTH,
      MIN_ENVELOPE_LENGTH,
      MAX_PLAINTEXT,
      MAX_SEALED_CONTEXT,
      MAX_SESSION_ID_BYTES,
      MAX_TIMESTAMP_BYTES,
    });
  });

  it('covers every unsealing error code of SPEC §12 with a negative vector', () => {
    const codes = new Set(file.negative.map((v) => v.expectedCode));
    for (const code of [
      'ERR_ENVELOPE_TOO_LARGE',
      'ERR_ENVELOPE_MALFORMED',
      'ERR_ENVELOPE_UNSUPPORTED_VERSION',
      'ERR_KEY_NOT_FOUND',
      'ERR_KEY_DISABLED',
      'ERR_DECRYPTION_FAILED',
      'ERR_SESSION_INVALID',
    ] as const) {
      expect(codes.has(code), code).toBe(true);
    }
    for (const code of codes) expect(ERROR_CODES).toContain(code);
  });
});

describe.each(file.positive.map((v) => [v.name, v] as const))('positive vector %s', (_name, v) => {
  const key = importKey(v.kid, fromHex(v.masterKey));
  const kid = kidFromText(v.kid);
  const nonce = fromHex(v.nonce);

  it('plaintext is JSON.stringify(state.context)', () => {
    expect(JSON.stringify(v.state.context)).toBe(v.plaintext);
  });

  it('key schedule matches: PRK, EK, COMMITMENT (SPEC §4.3)', () => {
    const prk = keyPrk(key);
    expect(toHex(prk)).toBe(v.prk);
    const { ek, commitment } = deriveEnvelopeKeys(prk, kid, nonce);
    expect(toHex(ek)).toBe(v.ek);
    expect(toHex(commitment)).toBe(v.commitment);
  });

  it('header and AAD match (SPEC §5.1, §5.2)', () => {
    expect(toHex(encodeHeader(kid, nonce, fromHex(v.commitment)))).toBe(v.header);
    const { sessionId, metadata } = v.state;
    const aad = buildAad(
      fromHex(v.header),
      utf8(sessionId),
      utf8(metadata.createdAt),
      utf8(metadata.lastAccess),
    );
    expect(toHex(aad)).toBe(v.aad);
  });

  it('sealedContext is base64url(header ‖ ciphertext ‖ tag)', () => {
    expect(Buffer.from(v.sealed.sealedContext, 'base64url').toString('hex')).toBe(
      v.header + v.ciphertextAndTag,
    );
    expect(v.ciphertextAndTag.length / 2).toBe(utf8(v.plaintext).length + TAG_LENGTH);
  });

  it('sealValidated with the same key and nonce reproduces the sealed record exactly', () => {
    const sealed = sealValidated(v.state, key, nonce);
    expect(sealed).toEqual(v.sealed);
    expect(JSON.stringify(sealed)).toBe(JSON.stringify(v.sealed));
  });

  it('unsealSession returns the state (key as primary)', () => {
    expect(unsealSession(v.sealed, createKeyring({ primary: key }))).toEqual(v.state);
  });

  it('unsealSession returns the state (key decrypt-only, another key primary)', () => {
    const keyring = createKeyring({ primary: generateKey(), keys: [{ key, status: 'decrypt-only' }] });
    expect(unsealSession(v.sealed, keyring)).toEqual(v.state);
  });
});

describe.each(file.negative.map((v) => [v.name, v] as const))('negative vector %s', (_name, v) => {
  it(`unsealSession throws ${v.expectedCode}`, () => {
    const err = expectCode(() => unsealSession(inputOf(v), keyringOf(v.keyring)), v.expectedCode);
    if (v.expectedIssues !== undefined) {
      expect(err).toHaveProperty('issues', v.expectedIssues);
    }
  });
});

/*
 * The same vectors with the Node entry's fast paths installed as it installs them: the WebAssembly
 * key schedule, the node+wasm AEAD, and the one-call envelope open (crypto/envelope-open.ts) —
 * every positive vector opens and reseals byte for byte, every negative one fails with its code.
 */
describe('with the Node fast paths installed (WebAssembly key schedule, AEAD and envelope open)', () => {
  beforeAll(() => {
    const wasm = installWasmCore();
    if (wasm === undefined || !installNodeAead(wasm.aead)) throw new Error('fast paths unavailable');
    setNativeEnvelopeOpen(getAeadBackend(), wasm.envelopeOpen(WASM_SMALL_MESSAGE));
    expect(nativeEnvelopeOpenInUse()).toBe(true);
  });
  afterAll(() => {
    setNativeEnvelopeOpen(undefined);
    setNativeEnvelopeKeys(undefined);
    setAeadBackend(nobleAead);
  });

  it.each(file.positive.map((v) => [v.name, v] as const))('positive %s', (_name, v) => {
    const key = importKey(v.kid, fromHex(v.masterKey));
    expect(unsealSession(v.sealed, createKeyring({ primary: key }))).toEqual(v.state);
    expect(sealValidated(v.state, key, fromHex(v.nonce))).toEqual(v.sealed);
  });

  it.each(file.negative.map((v) => [v.name, v] as const))('negative %s', (_name, v) => {
    const err = expectCode(() => unsealSession(inputOf(v), keyringOf(v.keyring)), v.expectedCode);
    if (v.expectedIssues !== undefined) expect(err).toHaveProperty('issues', v.expectedIssues);
  });
});
