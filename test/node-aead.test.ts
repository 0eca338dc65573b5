/**
 * The node:crypto XChaCha20-Poly1305 backend (src/node/aead.ts): same bytes as noble on random
 * inputs, strict rejection, noble's argument contract, and install/fallback behaviour. The vectors
 * themselves run through both backends in crypto-kat.test.ts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AeadBackend, coreAead, getAeadBackend, nobleAead, setAeadBackend } from '../src/crypto/aead.js';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import {
  composeNodeAead,
  installNodeAead,
  nodeAead,
  nodeAeadAvailable,
  opensslAead,
  SMALL_MESSAGE,
  WASM_SMALL_MESSAGE,
} from '../src/node/aead.js';
import { createWasmCore } from '../src/node/wasm-core.js';
import { filled, realisticSession } from './helpers/fixtures.js';
import { hex, toHex } from './helpers/shared-vectors.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const plaintextLength = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.constantFrom(0, 1, 15, 16, 17, 63, 64, 65, 650, 16_384, 65_535, 65_536, 65_537, 70_000),
  fc.integer({ min: 0, max: 70_000 }),
);

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
  return out;
}

afterEach(() => {
  setAeadBackend(nobleAead);
});

describe('nodeAead vs nobleAead', () => {
  it('is named "node"', () => {
    expect(nodeAead.name).toBe('node');
    expect(Object.isFrozen(nodeAead)).toBe(true);
  });

  it('produces byte-identical ciphertext ‖ tag and each opens the other (lengths 0..70000, incl. 64 KiB)', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(24),
        fc.uint8Array({ maxLength: 200 }),
        plaintextLength,
        fc.integer(),
        (key, nonce, aad, length, seed) => {
          const plaintext = filled(length, seed);
          const byNode = nodeAead.seal(key, nonce, aad, plaintext);
          const byNoble = nobleAead.seal(key, nonce, aad, plaintext);
          expect(byNode).toHaveLength(length + 16);
          expect(toHex(byNode)).toBe(toHex(byNoble));
          const a = nodeAead.open(key, nonce, aad, byNoble);
          const b = nobleAead.open(key, nonce, aad, byNode);
          expect(a === null ? null : toHex(a)).toBe(toHex(plaintext));
          expect(b === null ? null : toHex(b)).toBe(toHex(plaintext));
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([65_535, 65_536, 65_537, 70_000])('is byte-identical for %i-byte plaintexts', (n) => {
    const key = filled(32, n);
    const nonce = filled(24, n + 1);
    const aad = filled(57, n + 2);
    const plaintext = filled(n, n + 3);
    const sealed = nodeAead.seal(key, nonce, aad, plaintext);
    expect(toHex(sealed)).toBe(toHex(nobleAead.seal(key, nonce, aad, plaintext)));
    const opened = nodeAead.open(key, nonce, aad, sealed);
    expect(opened === null ? null : toHex(opened)).toBe(toHex(plaintext));
  });

  it('returns plain Uint8Arrays (not pooled Buffers)', () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(24);
    for (const n of [0, 5, 650, 65_536]) {
      const sealed = nodeAead.seal(key, nonce, new Uint8Array(0), filled(n, n));
      expect(Buffer.isBuffer(sealed)).toBe(false);
      expect(sealed.byteOffset).toBe(0);
      expect(sealed.buffer.byteLength).toBe(n + 16);
      const opened = nodeAead.open(key, nonce, new Uint8Array(0), sealed);
      expect(opened).not.toBeNull();
      expect(Buffer.isBuffer(opened)).toBe(false);
      expect(opened?.buffer.byteLength).toBe(n);
    }
  });

  it('accepts inputs that are subarray views of larger buffers', () => {
    const pool = filled(200, 7);
    const key = pool.subarray(3, 35);
    const nonce = pool.subarray(41, 65);
    const aad = pool.subarray(70, 81);
    const plaintext = pool.subarray(90, 190);
    const sealed = nodeAead.seal(key, nonce, aad, plaintext);
    expect(toHex(sealed)).toBe(toHex(nobleAead.seal(key, nonce, aad, plaintext)));
    const framed = new Uint8Array(sealed.length + 9);
    framed.set(sealed, 4);
    const opened = nodeAead.open(key, nonce, aad, framed.subarray(4, 4 + sealed.length));
    expect(opened === null ? null : toHex(opened)).toBe(toHex(plaintext));
  });
});

const wasm = createWasmCore().aead;

/**
 * The fast backends: core (short messages), OpenSSL (long ones), node, which picks by length, and
 * the same with the WebAssembly core for short messages.
 */
const FAST: readonly AeadBackend[] = [
  nodeAead,
  coreAead,
  opensslAead,
  wasm,
  composeNodeAead('node+wasm', wasm, WASM_SMALL_MESSAGE),
];

describe.each(FAST)('$name open rejects every single-bit change with null', (backend) => {
  const key = filled(32, 1);
  const nonce = filled(24, 2);
  const aad = filled(13, 3);
  const plaintext = filled(37, 4);
  const sealed = backend.seal(key, nonce, aad, plaintext);

  it('the untampered message opens', () => {
    const opened = backend.open(key, nonce, aad, sealed);
    expect(opened === null ? null : toHex(opened)).toBe(toHex(plaintext));
  });

  it.each([
    {
      what: 'ciphertext ‖ tag',
      bits: sealed.length * 8,
      open: (i: number) => backend.open(key, nonce, aad, flipBit(sealed, i)),
    },
    {
      what: 'aad',
      bits: aad.length * 8,
      open: (i: number) => backend.open(key, nonce, flipBit(aad, i), sealed),
    },
    {
      what: 'nonce',
      bits: nonce.length * 8,
      open: (i: number) => backend.open(key, flipBit(nonce, i), aad, sealed),
    },
    {
      what: 'key',
      bits: key.length * 8,
      open: (i: number) => backend.open(flipBit(key, i), nonce, aad, sealed),
    },
  ])('each of the $bits bits of the $what', ({ bits, open }) => {
    const accepted: number[] = [];
    for (let i = 0; i < bits; i++) if (open(i) !== null) accepted.push(i);
    expect(accepted).toEqual([]);
  });

  it('truncated, extended or empty input', () => {
    expect(backend.open(key, nonce, aad, sealed.subarray(0, sealed.length - 1))).toBeNull();
    expect(backend.open(key, nonce, aad, sealed.subarray(1))).toBeNull();
    const extended = new Uint8Array(sealed.length + 1);
    extended.set(sealed);
    expect(backend.open(key, nonce, aad, extended)).toBeNull();
    for (let n = 0; n <= 16; n++) expect(backend.open(key, nonce, aad, sealed.subarray(0, n))).toBeNull();
    expect(backend.open(key, nonce, new Uint8Array(0), sealed)).toBeNull();
  });
});

describe.each([...FAST, nobleAead])('argument contract of $name (same for all)', (backend: AeadBackend) => {
  const ok = {
    key: new Uint8Array(32),
    nonce: new Uint8Array(24),
    aad: new Uint8Array(0),
    data: new Uint8Array(20),
  };

  it.each([0, 16, 24, 31, 33, 64])('seal with a key of %i bytes → RangeError', (n) => {
    expect(() => backend.seal(new Uint8Array(n), ok.nonce, ok.aad, ok.data)).toThrowError(RangeError);
  });

  it.each([0, 8, 12, 16, 23, 25, 32])('nonce of %i bytes → RangeError (never truncated or padded)', (n) => {
    expect(() => backend.seal(ok.key, new Uint8Array(n), ok.aad, ok.data)).toThrowError(RangeError);
    expect(() => backend.open(ok.key, new Uint8Array(n), ok.aad, ok.data)).toThrowError(RangeError);
  });

  it('non-Uint8Array arguments → TypeError', () => {
    const notBytes = ['x'.repeat(32), Array.from({ length: 32 }, () => 0)] as unknown as Uint8Array[];
    for (const bad of [...notBytes, undefined as unknown as Uint8Array]) {
      expect(() => backend.seal(bad, ok.nonce, ok.aad, ok.data)).toThrowError(TypeError);
      expect(() => backend.seal(ok.key, bad, ok.aad, ok.data)).toThrowError(TypeError);
      expect(() => backend.seal(ok.key, ok.nonce, ok.aad, bad)).toThrowError(TypeError);
    }
    for (const bad of notBytes)
      expect(() => backend.seal(ok.key, ok.nonce, bad, ok.data)).toThrowError(TypeError);
  });
});

describe.each(FAST)('argument contract of $name beyond noble', (backend) => {
  const nonce = new Uint8Array(24);
  const sealed = backend.seal(new Uint8Array(32), nonce, new Uint8Array(0), new Uint8Array(20));

  // noble's adapter (xchachaOpen) turns a wrong key length into `null`, as it catches every decrypt
  // error; the fast backends keep it a programmer error on open too.
  it.each([0, 16, 31, 33, 64])('open with a key of %i bytes → RangeError', (n) => {
    expect(() => backend.open(new Uint8Array(n), nonce, new Uint8Array(0), sealed)).toThrowError(RangeError);
  });

  it('a missing aad → TypeError (noble treats it as empty)', () => {
    const missing = undefined as unknown as Uint8Array;
    expect(() => backend.seal(new Uint8Array(32), nonce, missing, new Uint8Array(1))).toThrowError(TypeError);
    expect(() => backend.open(new Uint8Array(32), nonce, missing, sealed)).toThrowError(TypeError);
    expect(() => backend.open(new Uint8Array(32), nonce, new Uint8Array(0), missing)).toThrowError(TypeError);
  });
});
describe.each(FAST)('$name writes into caller memory (`out`)', (backend) => {
  const key = filled(32, 11);
  const nonce = filled(24, 12);
  const aad = filled(40, 13);

  it.each([0, 1, 15, 16, 17, 64, 497, SMALL_MESSAGE, SMALL_MESSAGE + 1, 4096])(
    '%i-byte plaintext: seal and open return `out`, with the same bytes as noble',
    (n) => {
      const plaintext = filled(n, n + 1);
      const out = new Uint8Array(n + 16);
      expect(backend.seal(key, nonce, aad, plaintext, out)).toBe(out);
      expect(toHex(out)).toBe(toHex(nobleAead.seal(key, nonce, aad, plaintext)));
      const back = new Uint8Array(n);
      expect(backend.open(key, nonce, aad, out, back)).toBe(back);
      expect(toHex(back)).toBe(toHex(plaintext));
    },
  );

  it.each([0, 100, SMALL_MESSAGE + 100])('a %i-byte message with a bad tag leaves `out` untouched', (n) => {
    const sealed = backend.seal(key, nonce, aad, filled(n, 3));
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 0x80;
    const out = new Uint8Array(n).fill(0xa5);
    expect(backend.open(key, nonce, aad, sealed, out)).toBeNull();
    expect(out.every((b) => b === 0xa5)).toBe(true);
  });

  it('an `out` of the wrong length → RangeError, before any work', () => {
    const plaintext = filled(50, 4);
    for (const n of [0, 49, 65, 67]) {
      expect(() => backend.seal(key, nonce, aad, plaintext, new Uint8Array(n))).toThrowError(RangeError);
    }
    const sealed = backend.seal(key, nonce, aad, plaintext);
    for (const n of [0, 49, 51, 66]) {
      expect(() => backend.open(key, nonce, aad, sealed, new Uint8Array(n))).toThrowError(RangeError);
    }
  });
});

describe('installNodeAead / setAeadBackend', () => {
  it('node:crypto has chacha20-poly1305 on this Node', () => {
    expect(nodeAeadAvailable()).toBe(true);
  });

  it('installs the node backend after its self-test, and setAeadBackend switches back', () => {
    setAeadBackend(nobleAead);
    expect(getAeadBackend()).toBe(nobleAead);
    expect(installNodeAead()).toBe(true);
    expect(getAeadBackend()).toBe(nodeAead);
    expect(installNodeAead()).toBe(true);
    expect(getAeadBackend()).toBe(nodeAead);
    setAeadBackend(nobleAead);
    expect(getAeadBackend()).toBe(nobleAead);
  });

  it('setAeadBackend rejects an object without seal/open', () => {
    expect(() => setAeadBackend({ name: 'broken' } as unknown as AeadBackend)).toThrowError(TypeError);
    expect(getAeadBackend()).toBe(nobleAead);
  });

  it('leaves noble in place and returns false when the self-test fails', async () => {
    vi.resetModules();
    vi.doMock('../src/crypto/chacha20-poly1305.js', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../src/crypto/chacha20-poly1305.js')>()),
      // A wrong (all-zero) subkey on the OpenSSL path: the draft A.3.1 vector no longer matches.
      hchacha20: () => new Uint8Array(32),
    }));
    try {
      const aead = await import('../src/crypto/aead.js');
      const node = await import('../src/node/aead.js');
      expect(node.installNodeAead()).toBe(false);
      expect(aead.getAeadBackend().name).toBe('noble');
      // A WebAssembly core still installs on its own: OpenSSL is what failed.
      const { createWasmCore } = await import('../src/node/wasm-core.js');
      expect(node.installNodeAead(createWasmCore().aead)).toBe(true);
      expect(aead.getAeadBackend().name).toBe('wasm');
    } finally {
      vi.doUnmock('../src/crypto/chacha20-poly1305.js');
      vi.resetModules();
    }
  });

  it('leaves noble in place and returns false when node:crypto lacks chacha20-poly1305', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:crypto')>()),
      getCiphers: () => ['aes-256-gcm'],
    }));
    try {
      const aead = await import('../src/crypto/aead.js');
      const node = await import('../src/node/aead.js');
      expect(node.nodeAeadAvailable()).toBe(false);
      expect(node.installNodeAead()).toBe(false);
      expect(aead.getAeadBackend().name).toBe('noble');
      const { createWasmCore } = await import('../src/node/wasm-core.js');
      const wasm = createWasmCore().aead;
      expect(node.installNodeAead(wasm)).toBe(true);
      expect(aead.getAeadBackend()).toBe(wasm);
    } finally {
      vi.doUnmock('node:crypto');
      vi.resetModules();
    }
  });

  it('a backend that calls back into session-seal is refused (TypeError), and the flag resets', () => {
    const keyring = createKeyring({ primary: generateKey() });
    const state = realisticSession(0);
    const sealed = sealSession(state, keyring);
    const before = getAeadBackend();
    let inner: unknown;
    const calling: AeadBackend = {
      name: 'calls-back',
      seal: (...args) => {
        try {
          sealSession(state, keyring);
        } catch (err) {
          inner = err;
        }
        return coreAead.seal(...args);
      },
      open: (...args) => {
        unsealSession(sealed, keyring);
        return coreAead.open(...args);
      },
    };
    try {
      setAeadBackend(calling);
      sealSession(state, keyring); // the backend swallows the inner error: the outer seal still works
      expect(inner).toBeInstanceOf(TypeError);
      expect((inner as Error).message).toBe('an AEAD backend must not call back into session-seal');
      expect(() => unsealSession(sealed, keyring)).toThrow(TypeError);
    } finally {
      setAeadBackend(before);
    }
    // Not stuck: plain calls work again.
    expect(unsealSession(sealSession(state, keyring), keyring)).toEqual(state);
  });

  it('importing src/index.node.ts installs the node backend, WebAssembly for short messages', async () => {
    vi.resetModules();
    try {
      const aead = await import('../src/crypto/aead.js');
      const kdf = await import('../src/crypto/kdf.js');
      expect(aead.getAeadBackend().name).toBe('noble');
      expect(kdf.nativeEnvelopeKeysInUse()).toBe(false);
      const entry = await import('../src/index.node.js');
      expect(typeof entry.sealSession).toBe('function');
      expect(aead.getAeadBackend().name).toBe('node+wasm');
      expect(kdf.nativeEnvelopeKeysInUse()).toBe(true);
    } finally {
      vi.resetModules();
    }
  });

  it('the hard-coded self-test vector is the draft A.3.1 sealed output', () => {
    // Guards the constants in src/node/aead.ts independently of ../shared (crypto-kat covers the file).
    const sealed = nodeAead.seal(
      hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
      hex('404142434445464748494a4b4c4d4e4f5051525354555657'),
      hex('50515253c0c1c2c3c4c5c6c7'),
      new TextEncoder().encode(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
      ),
    );
    expect(toHex(sealed.subarray(sealed.length - 16))).toBe('c0875924c1c7987947deafd8780acf49');
  });
});

describe('noble adapter: length errors throw on open too', () => {
  it('wrong key or nonce length is a RangeError, not a null "tag mismatch"', async () => {
    const { xchachaOpen, chachaOpen } = await import('../src/crypto/noble.js');
    const z = (n: number) => new Uint8Array(n);
    expect(() => xchachaOpen(z(31), z(24), z(0), z(16))).toThrow(RangeError);
    expect(() => xchachaOpen(z(32), z(12), z(0), z(16))).toThrow(RangeError);
    expect(() => chachaOpen(z(32), z(24), z(0), z(16))).toThrow(RangeError);
    expect(xchachaOpen(z(32), z(24), z(0), z(16))).toBeNull();
  });
});
