/**
 * The WebAssembly core (wasm/core.c through src/node/wasm-core.ts): the same bytes as the portable
 * code on random inputs and on the SPEC vectors, strict rejection, the JS core's argument contract,
 * fallback beyond its buffers, no secret left in its memory, and install behaviour. The Wycheproof
 * and draft vectors run through it in crypto-kat.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreAead, getAeadBackend, nobleAead, setAeadBackend } from '../src/crypto/aead.js';
import {
  type NativeEnvelopeOpen,
  nativeEnvelopeOpenInUse,
  setNativeEnvelopeOpen,
} from '../src/crypto/envelope-open.js';
import {
  deriveEnvelopeKeys,
  expandEnvelopeKeys,
  nativeEnvelopeKeysInUse,
  setNativeEnvelopeKeys,
} from '../src/crypto/kdf.js';
import { INFO_ENVELOPE_V1 } from '../src/crypto/labels.js';
import { chachaSeal, hkdfExpand } from '../src/crypto/noble.js';
import { keyHmac } from '../src/crypto/sha256-hmac.js';
import { buildAad } from '../src/envelope/aad.js';
import { encodeHeader } from '../src/envelope/format.js';
import { sealValidated } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { importKey, keyPrk, kidFromText } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { installNodeAead, WASM_SMALL_MESSAGE } from '../src/node/aead.js';
import { createWasmCore, installWasmCore, selfTestWasmCore, type WasmCore } from '../src/node/wasm-core.js';
import { WASM_CORE_BASE64, WASM_CORE_SHA256 } from '../src/node/wasm-core-bytes.js';
import { expectCode } from './helpers/expect-code.js';
import { filled } from './helpers/fixtures.js';
import { toHex } from './helpers/shared-vectors.js';

const core = createWasmCore();
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

afterEach(() => {
  setNativeEnvelopeKeys(undefined);
  setAeadBackend(nobleAead);
});

describe('the module', () => {
  it('is the build recorded in wasm-core-bytes.ts (SHA-256 of the base64)', () => {
    const sha = createHash('sha256').update(Buffer.from(WASM_CORE_BASE64, 'base64')).digest('hex');
    expect(sha).toBe(WASM_CORE_SHA256);
  });

  it('passes its install self-test against the portable code', () => {
    expect(selfTestWasmCore(core, { aead: coreAead, envelopeKeys: expandEnvelopeKeys, keyHmac })).toBe(true);
  });

  it('fails the self-test when its key schedule is wrong (a flipped output bit)', () => {
    const broken: WasmCore = {
      ...core,
      envelopeKeys: (keys, kid, nonce, ek, commitment) => {
        core.envelopeKeys(keys, kid, nonce, ek, commitment);
        commitment[31] = (commitment[31] as number) ^ 1;
      },
    };
    expect(selfTestWasmCore(broken, { aead: coreAead, envelopeKeys: expandEnvelopeKeys, keyHmac })).toBe(
      false,
    );
  });
});

describe('XChaCha20-Poly1305 against noble', () => {
  const limit = core.limits.data - 16; // longest plaintext inside the module
  const length = fc.oneof(
    fc.integer({ min: 0, max: 700 }),
    fc.constantFrom(0, 1, 15, 16, 17, 63, 64, 65, WASM_SMALL_MESSAGE, limit, limit + 1, 70_000),
  );

  it('seals byte-identically and each opens the other (lengths across blocks and the module limit)', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 300 }),
        length,
        fc.integer(),
        (key, nonce, aad, n, seed) => {
          const plaintext = filled(n, seed);
          const byWasm = core.aead.seal(key, nonce, aad, plaintext);
          const byNoble = nobleAead.seal(key, nonce, aad, plaintext);
          expect(toHex(byWasm)).toBe(toHex(byNoble));
          const a = core.aead.open(key, nonce, aad, byNoble);
          expect(a === null ? null : toHex(a)).toBe(toHex(plaintext));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('takes AAD longer than its buffer through the JS core, same bytes', () => {
    const key = filled(32, 1);
    const nonce = filled(24, 2);
    for (const aadLength of [core.limits.aad, core.limits.aad + 1, 10_000]) {
      const aad = filled(aadLength, 3);
      const plaintext = filled(100, 4);
      const sealed = core.aead.seal(key, nonce, aad, plaintext);
      expect(toHex(sealed)).toBe(toHex(nobleAead.seal(key, nonce, aad, plaintext)));
      expect(toHex(core.aead.open(key, nonce, aad, sealed) ?? new Uint8Array(0))).toBe(toHex(plaintext));
    }
  });

  it('rejects every single-bit change of ciphertext, tag, AAD, nonce or key with null', () => {
    const key = filled(32, 5);
    const nonce = filled(24, 6);
    const aad = filled(13, 7);
    const plaintext = filled(37, 8);
    const sealed = core.aead.seal(key, nonce, aad, plaintext);
    const flip = (b: Uint8Array, bit: number) => {
      const out = Uint8Array.from(b);
      out[bit >>> 3] = (out[bit >>> 3] as number) ^ (1 << (bit & 7));
      return out;
    };
    for (let i = 0; i < sealed.length * 8; i++)
      expect(core.aead.open(key, nonce, aad, flip(sealed, i))).toBeNull();
    for (let i = 0; i < aad.length * 8; i++)
      expect(core.aead.open(key, nonce, flip(aad, i), sealed)).toBeNull();
    for (let i = 0; i < 24 * 8; i++) expect(core.aead.open(key, flip(nonce, i), aad, sealed)).toBeNull();
    for (let i = 0; i < 32 * 8; i++) expect(core.aead.open(flip(key, i), nonce, aad, sealed)).toBeNull();
  });

  it('truncated or empty input opens to null, never throws', () => {
    const key = filled(32, 9);
    const nonce = filled(24, 10);
    const sealed = core.aead.seal(key, nonce, new Uint8Array(0), filled(20, 11));
    for (const n of [0, 1, 15, 16, 35]) {
      expect(core.aead.open(key, nonce, new Uint8Array(0), sealed.subarray(0, n))).toBeNull();
    }
  });

  it('has the argument contract of the JS core: TypeError for non-bytes, RangeError for lengths', () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(24);
    const none = new Uint8Array(0);
    type Call = (b: typeof coreAead) => unknown;
    const cases: Array<[Call, ErrorConstructor]> = [
      [(b) => b.seal('k' as unknown as Uint8Array, nonce, none, none), TypeError],
      [(b) => b.seal(new Uint8Array(31), nonce, none, none), RangeError],
      [(b) => b.seal(key, new Uint8Array(12), none, none), RangeError],
      [(b) => b.open(key, nonce, [] as unknown as Uint8Array, new Uint8Array(16)), TypeError],
      [(b) => b.seal(key, nonce, none, new Uint8Array(4), new Uint8Array(4)), RangeError],
    ];
    for (const [call, type] of cases) {
      expect(() => call(core.aead)).toThrow(type);
      expect(() => call(coreAead)).toThrow(type);
    }
  });

  it('writes into `out` when given, and returns plain arrays that own their memory otherwise', () => {
    const key = filled(32, 12);
    const nonce = filled(24, 13);
    const plaintext = filled(650, 14);
    const out = new Uint8Array(666);
    expect(core.aead.seal(key, nonce, new Uint8Array(0), plaintext, out)).toBe(out);
    const sealed = core.aead.seal(key, nonce, new Uint8Array(0), plaintext);
    expect(sealed.buffer).not.toBe(core.memory.buffer);
    expect(sealed.buffer.byteLength).toBe(666);
    const opened = core.aead.open(key, nonce, new Uint8Array(0), sealed);
    expect(opened?.buffer).not.toBe(core.memory.buffer);
    expect(toHex(opened ?? new Uint8Array(0))).toBe(toHex(plaintext));
  });
});

describe('ChaCha20-Poly1305 (RFC 8439) against noble', () => {
  it('seals byte-identically and opens', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(12),
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 0, max: 600 }),
        (key, nonce, aad, n) => {
          const plaintext = filled(n, n + 1);
          const sealed = core.chacha.seal(key, nonce, aad, plaintext);
          expect(toHex(sealed)).toBe(toHex(chachaSeal(key, nonce, aad, plaintext)));
          const opened = core.chacha.open(key, nonce, aad, chachaSeal(key, nonce, aad, plaintext));
          expect(toHex(opened ?? new Uint8Array(0))).toBe(toHex(plaintext));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the envelope key schedule (SPEC §4.3)', () => {
  it('equals HKDF-Expand(PRK, INFO ‖ kid ‖ N, 64) for random PRK, kid and nonce', () => {
    setNativeEnvelopeKeys(core.envelopeKeys);
    fc.assert(
      fc.property(bytes(32), bytes(8), bytes(24), (prk, kid, nonce) => {
        const info = new Uint8Array([...INFO_ENVELOPE_V1, ...kid, ...nonce]);
        const okm = hkdfExpand(prk, info, 64);
        const { ek, commitment } = deriveEnvelopeKeys(prk, kid, nonce);
        expect(toHex(ek)).toBe(toHex(okm.subarray(0, 32)));
        expect(toHex(commitment)).toBe(toHex(okm.subarray(32)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the one-call envelope open (SPEC §7 steps 4–5)', () => {
  const open = core.envelopeOpen(WASM_SMALL_MESSAGE);

  it('opens what the portable code sealed; a wrong commitment, tag or AAD is false; too long is not taken', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(8),
        bytes(24),
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: WASM_SMALL_MESSAGE }),
        fc.nat(),
        (prk, kid, nonce, aad, n, bit) => {
          const { ek, commitment } = deriveEnvelopeKeys(prk, kid, nonce);
          const plaintext = filled(n, n + 7);
          const body = nobleAead.seal(ek, nonce, aad, plaintext);
          const keys = keyHmac(prk);
          const opened = open(keys, kid, nonce, commitment, aad, body);
          expect(opened?.buffer).toBe(core.memory.buffer); // in place, for the caller to wipe
          expect(toHex(opened ?? new Uint8Array(1))).toBe(toHex(plaintext));
          opened?.fill(0);
          const flip = (b: Uint8Array) => {
            const c = Uint8Array.from(b);
            const i = bit % (c.length * 8);
            c[i >>> 3] = (c[i >>> 3] as number) ^ (1 << (i & 7));
            return c;
          };
          expect(open(keys, kid, nonce, flip(commitment), aad, body)).toBeNull();
          expect(open(keys, kid, nonce, commitment, aad, flip(body))).toBeNull();
          if (aad.length > 0) expect(open(keys, kid, nonce, commitment, flip(aad), body)).toBeNull();
        },
      ),
      { numRuns: 100 },
    );
    const long = new Uint8Array(WASM_SMALL_MESSAGE + 17);
    const keys = keyHmac(new Uint8Array(32));
    const none = new Uint8Array(0);
    expect(open(keys, new Uint8Array(8), new Uint8Array(24), new Uint8Array(32), none, long)).toBeUndefined();
  });

  it('is used only while the AEAD backend it came with is installed', () => {
    const installed = installWasmCore();
    expect(installNodeAead(installed?.aead)).toBe(true);
    setNativeEnvelopeOpen(getAeadBackend(), installed?.envelopeOpen(WASM_SMALL_MESSAGE));
    try {
      expect(nativeEnvelopeOpenInUse()).toBe(true);
      setAeadBackend(nobleAead);
      expect(nativeEnvelopeOpenInUse()).toBe(false);
    } finally {
      setNativeEnvelopeOpen(undefined);
    }
  });
});

describe('memory hygiene', () => {
  it('leaves no key, key schedule or plaintext byte anywhere in its memory (stack included)', () => {
    // A fresh instance: its memory is all zero except INFO, written at creation.
    const fresh = createWasmCore();
    const r = fresh.regions;
    const before = Uint8Array.from(fresh.memory);
    const plaintexts: Uint8Array[] = [];
    let next = 20;
    const seedOf = () => 2 * next++ + 1; // odd and distinct: `filled` streams never coincide
    // Every export, every length class: empty, partial and whole blocks, several four-block
    // batches, the longest the module takes; opens that verify and one that does not.
    for (const [backend, nonceLength] of [
      [fresh.aead, 24],
      [fresh.chacha, 12],
    ] as const) {
      for (const n of [0, 1, 16, 64, 255, 256, 650, 2048, fresh.limits.data - 16]) {
        const key = filled(32, seedOf());
        const nonce = filled(nonceLength, seedOf());
        const aad = filled(n % 200, seedOf());
        const plaintext = filled(n, seedOf());
        plaintexts.push(plaintext);
        const sealed = backend.seal(key, nonce, aad, plaintext);
        expect(backend.open(key, nonce, aad, sealed)).not.toBeNull();
        if (n > 0) {
          const forged = Uint8Array.from(sealed);
          forged[0] = (forged[0] as number) ^ 1;
          expect(backend.open(key, nonce, aad, forged)).toBeNull();
        }
      }
    }
    const fusedPrk = filled(32, seedOf());
    const fusedKid = filled(8, seedOf());
    const fusedNonce = filled(24, seedOf());
    const derived = deriveEnvelopeKeys(fusedPrk, fusedKid, fusedNonce);
    const fusedPlaintext = filled(650, seedOf());
    plaintexts.push(fusedPlaintext);
    const fusedBody = nobleAead.seal(derived.ek, fusedNonce, new Uint8Array(0), fusedPlaintext);
    const fusedOpen = fresh.envelopeOpen(WASM_SMALL_MESSAGE);
    const fusedRun = (commitment: Uint8Array) =>
      fusedOpen(keyHmac(fusedPrk), fusedKid, fusedNonce, commitment, new Uint8Array(0), fusedBody);
    expect(fusedRun(new Uint8Array(32))).toBeNull();
    // Last, so that a plaintext left in DATA would still be there to find: the caller's wipe
    // (envelope/unseal.ts wipes what it parsed) is what clears it.
    const opened = fusedRun(derived.commitment);
    expect(toHex(opened ?? new Uint8Array(1))).toBe(toHex(fusedPlaintext));
    opened?.fill(0);
    fresh.envelopeKeys(
      keyHmac(filled(32, seedOf())),
      filled(8, seedOf()),
      filled(24, seedOf()),
      new Uint8Array(32),
      new Uint8Array(32),
    );

    // Only public inputs may remain: nonce, kid, AAD, and ciphertext ‖ tag in DATA.
    const publicRanges: Array<[number, number]> = [
      [r.nonce, r.nonce + 24],
      [r.kid, r.kid + 8],
      [r.aad, r.aad + fresh.limits.aad],
      [r.data, r.data + fresh.limits.data],
    ];
    const stray: number[] = [];
    for (let i = 0; i < before.length; i++) {
      if (fresh.memory[i] !== before[i] && !publicRanges.some(([a, b]) => i >= a && i < b)) stray.push(i);
    }
    expect(stray).toEqual([]);
    // And no plaintext in DATA either: no 16-byte run of any of them is anywhere in the memory.
    const memory = Buffer.from(fresh.memory.buffer, fresh.memory.byteOffset, fresh.memory.length);
    for (const p of plaintexts) {
      for (let o = 0; o + 16 <= p.length; o += 997) expect(memory.indexOf(p.subarray(o, o + 16))).toBe(-1);
    }
  });

  it('wipes the plaintext it decrypted in place once copied out', () => {
    const key = filled(32, 31);
    const nonce = filled(24, 32);
    const plaintext = filled(300, 33);
    const sealed = core.aead.seal(key, nonce, new Uint8Array(0), plaintext);
    core.aead.open(key, nonce, new Uint8Array(0), sealed);
    const d = core.regions.data;
    expect(core.memory.subarray(d, d + 300).every((b) => b === 0)).toBe(true);
  });
});

describe('installed: the SPEC vectors through the WebAssembly key schedule and AEAD', () => {
  let installed: WasmCore | undefined;
  beforeEach(() => {
    installed = installWasmCore();
    expect(installed).toBeDefined();
    expect(nativeEnvelopeKeysInUse()).toBe(true);
    expect(installNodeAead(installed?.aead)).toBe(true);
    expect(getAeadBackend().name).toBe('node+wasm');
    setNativeEnvelopeOpen(getAeadBackend(), installed?.envelopeOpen(WASM_SMALL_MESSAGE));
    expect(nativeEnvelopeOpenInUse()).toBe(true);
  });
  afterEach(() => setNativeEnvelopeOpen(undefined));

  /** A sealed record whose plaintext is `plaintext` itself (any bytes), built from the SPEC parts. */
  function sealRaw(plaintext: Uint8Array, key: ReturnType<typeof importKey>) {
    const kid = kidFromText(key.kid);
    const nonce = filled(24, 91);
    const { ek, commitment } = deriveEnvelopeKeys(keyPrk(key), kid, nonce);
    const header = encodeHeader(kid, nonce, commitment);
    const createdAt = '2026-11-23T11:00:00.000Z';
    const lastAccess = '2026-11-23T11:59:00.000Z';
    const enc = (t: string) => new TextEncoder().encode(t);
    const aad = buildAad(header, enc('s-1'), enc(createdAt), enc(lastAccess));
    const body = nobleAead.seal(ek, nonce, aad, plaintext);
    const envelope = new Uint8Array(header.length + body.length);
    envelope.set(header);
    envelope.set(body, header.length);
    return {
      sessionId: 's-1',
      metadata: { createdAt, lastAccess },
      sealedContext: Buffer.from(envelope).toString('base64url'),
    };
  }

  it('unsealing leaves no plaintext in the module: valid, not JSON, not UTF-8, or rejected by the schema', () => {
    const key = importKey('0123456789abcdef', new Uint8Array(32).fill(7));
    const keyring = createKeyring({ primary: key });
    const secretText = `n8n_api_${'q'.repeat(60)}`;
    const secret = Buffer.from(secretText);
    const memory = () => Buffer.from(installed?.memory ?? new Uint8Array(0));
    const context = { n8nApiUrl: 'https://a.example.com/api/v1', n8nApiKey: secretText };
    const enc = (t: string) => new TextEncoder().encode(t);
    // Opened and valid.
    expect(unsealSession(sealRaw(enc(JSON.stringify(context)), key), keyring).context).toEqual(context);
    expect(memory().indexOf(secret)).toBe(-1);
    // Opened, then parseContext throws (not JSON; an array; invalid UTF-8): the wipe is in `finally`.
    const invalidUtf8 = Uint8Array.from([...secret, 0xff, 0xfe]);
    for (const plaintext of [enc(`${secretText} is not JSON`), enc(`["${secretText}"]`), invalidUtf8]) {
      expectCode(() => unsealSession(sealRaw(plaintext, key), keyring), 'ERR_SESSION_INVALID');
      expect(memory().indexOf(secret)).toBe(-1);
    }
    // Opened, parsed, then rejected by the schema (a URL that is not http).
    const bad = enc(JSON.stringify({ ...context, n8nApiUrl: 'ftp://a.example.com/' }));
    expectCode(() => unsealSession(sealRaw(bad, key), keyring), 'ERR_SESSION_INVALID');
    expect(memory().indexOf(secret)).toBe(-1);
  });

  it('unsealing goes through the one-call open while its backend is installed, and only then', () => {
    const key = importKey('0123456789abcdef', new Uint8Array(32).fill(9));
    const keyring = createKeyring({ primary: key });
    const sealed = sealRaw(
      new TextEncoder().encode(JSON.stringify({ n8nApiUrl: 'https://a.example.com', n8nApiKey: 'k' })),
      key,
    );
    const real = installed?.envelopeOpen(WASM_SMALL_MESSAGE);
    let calls = 0;
    const spy: NativeEnvelopeOpen = (...args) => {
      calls++;
      return real?.(...args);
    };
    const backend = getAeadBackend();
    setNativeEnvelopeOpen(backend, spy);
    expect(unsealSession(sealed, keyring).sessionId).toBe('s-1');
    expect(calls).toBe(1);
    setAeadBackend(nobleAead); // another backend: the portable path, not the one-call open
    expect(unsealSession(sealed, keyring).sessionId).toBe('s-1');
    expect(calls).toBe(1);
    setAeadBackend(backend); // the same backend object again: the one-call open again
    expect(unsealSession(sealed, keyring).sessionId).toBe('s-1');
    expect(calls).toBe(2);
  });

  interface Vector {
    name: string;
    kid: string;
    masterKey: string;
    nonce: string;
    state: unknown;
    sealed: unknown;
  }
  const file = JSON.parse(readFileSync(new URL('../vectors/envelope-v1.json', import.meta.url), 'utf8')) as {
    positive: Vector[];
    negative: Array<{ name: string; expectedCode: string; input?: unknown; keyring?: unknown }>;
  };
  const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

  it.each(file.positive.map((v) => [v.name, v] as const))(
    '%s: opens to its state and reseals byte for byte',
    (_n, v) => {
      const key = importKey(v.kid, fromHex(v.masterKey));
      expect(kidFromText(v.kid)).toHaveLength(8);
      expect(unsealSession(v.sealed, createKeyring({ primary: key }))).toEqual(v.state);
      expect(sealValidated(v.state as Parameters<typeof sealValidated>[0], key, fromHex(v.nonce))).toEqual(
        v.sealed,
      );
    },
  );

  it('a flipped ciphertext byte of a vector is ERR_DECRYPTION_FAILED', () => {
    const v = file.positive[0] as Vector;
    const sealed = v.sealed as { sealedContext: string };
    const raw = Buffer.from(sealed.sealedContext, 'base64url');
    raw[raw.length - 20] = (raw[raw.length - 20] as number) ^ 1;
    const forged = { ...(v.sealed as object), sealedContext: raw.toString('base64url') };
    const keyring = createKeyring({ primary: importKey(v.kid, fromHex(v.masterKey)) });
    expectCode(() => unsealSession(forged, keyring), 'ERR_DECRYPTION_FAILED');
  });
});
