/**
 * Every public known-answer test in ../shared/vectors, run through the noble adapter
 * (src/crypto/noble.ts) and through every AeadBackend (noble, core, openssl, node). Sources and licenses:
 * ../shared/vectors/README.md, wycheproof/README.md, rfc/README.md.
 *
 * Exact counts are asserted so that a truncated or swapped vector file fails instead of passing
 * with fewer cases.
 */
import { createCipheriv, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AeadBackend, coreAead, nobleAead } from '../src/crypto/aead.js';
import { chachaOpenInto, chachaSealInto, hchacha20 } from '../src/crypto/chacha20-poly1305.js';
import {
  chachaOpen,
  chachaSeal,
  hkdfExpand,
  hkdfExtract,
  xchachaOpen,
  xchachaSeal,
} from '../src/crypto/noble.js';
import { composeNodeAead, nodeAead, opensslAead, WASM_SMALL_MESSAGE } from '../src/node/aead.js';
import { createWasmCore } from '../src/node/wasm-core.js';
import { describeShared, hex, toHex } from './helpers/shared-vectors.js';

const wasm = createWasmCore();

/**
 * noble (portable default), the allocation-free core, OpenSSL for every length, the Node backend
 * (core up to SMALL_MESSAGE bytes, OpenSSL above), the WebAssembly core on its own, and the Node
 * backend the Node entry installs (WebAssembly up to WASM_SMALL_MESSAGE bytes, OpenSSL above).
 */
const BACKENDS: readonly AeadBackend[] = [
  nobleAead,
  coreAead,
  opensslAead,
  nodeAead,
  wasm.aead,
  composeNodeAead('node+wasm', wasm.aead, WASM_SMALL_MESSAGE),
];

const Hex = z.string().regex(/^(?:[0-9a-f]{2})*$/);
const Result = z.enum(['valid', 'invalid', 'acceptable']);

const AeadFile = z.object({
  numberOfTests: z.number().int(),
  testGroups: z.array(
    z.object({
      tests: z.array(
        z.object({
          tcId: z.number().int(),
          flags: z.array(z.string()),
          key: Hex,
          iv: Hex,
          aad: Hex,
          msg: Hex,
          ct: Hex,
          tag: Hex,
          result: Result,
        }),
      ),
    }),
  ),
});
type AeadCase = z.infer<typeof AeadFile>['testGroups'][number]['tests'][number];

const HkdfFile = z.object({
  numberOfTests: z.number().int(),
  testGroups: z.array(
    z.object({
      tests: z.array(
        z.object({
          tcId: z.number().int(),
          flags: z.array(z.string()),
          ikm: Hex,
          salt: Hex,
          info: Hex,
          size: z.number().int().nonnegative(),
          okm: Hex,
          result: Result,
        }),
      ),
    }),
  ),
});
type HkdfCase = z.infer<typeof HkdfFile>['testGroups'][number]['tests'][number];

const RfcKat = z.object({
  format: z.literal('rfc_kat/1'),
  hkdf_sha256: z.object({
    tests: z.array(
      z.object({
        id: z.string(),
        ikm: Hex,
        salt: Hex,
        info: Hex,
        length: z.number().int(),
        prk: Hex,
        okm: Hex,
      }),
    ),
  }),
  xchacha20_poly1305: z.object({
    tests: z.array(
      z.object({
        id: z.string(),
        key: Hex,
        nonce: Hex,
        aad: Hex,
        plaintext: Hex,
        poly1305_key: Hex,
        ciphertext: Hex,
        tag: Hex,
        sealed: Hex,
      }),
    ),
  }),
  hchacha20: z.object({
    tests: z.array(z.object({ id: z.string(), key: Hex, nonce16: Hex, subkey: Hex })),
  }),
});

/** Test-table rows with a readable title. */
function rows<T extends { tcId: number; flags: string[]; result: string }>(tests: T[]) {
  return tests.map((t) => ({ ...t, title: `tcId ${t.tcId} ${t.result} [${t.flags.join(',')}]` }));
}

function count<T extends { result: string }>(tests: T[], result: string): number {
  return tests.filter((t) => t.result === result).length;
}

type Seal = AeadBackend['seal'];
type Open = AeadBackend['open'];

/**
 * Wycheproof AEAD semantics (wycheproof/README.md): `valid` → seal gives ct‖tag and open gives msg;
 * `invalid` → open fails. For this adapter "fails" means `null` for a bad tag/ciphertext, and a throw
 * (RangeError) for InvalidNonceSize: the nonce is never truncated or padded.
 */
function checkAead(t: AeadCase, seal: Seal, open: Open): void {
  const key = hex(t.key);
  const iv = hex(t.iv);
  const aad = hex(t.aad);
  const msg = hex(t.msg);
  const sealed = hex(t.ct + t.tag);
  if (t.result === 'valid') {
    expect(toHex(seal(key, iv, aad, msg))).toBe(t.ct + t.tag);
    const opened = open(key, iv, aad, sealed);
    expect(opened === null ? null : toHex(opened)).toBe(t.msg);
  } else if (t.flags.includes('InvalidNonceSize')) {
    expect(() => open(key, iv, aad, sealed)).toThrowError(RangeError);
    expect(() => seal(key, iv, aad, msg)).toThrowError(RangeError);
  } else {
    expect(open(key, iv, aad, sealed)).toBeNull();
  }
}

describe('the noble backend is the adapter', () => {
  it('nobleAead.seal/open are xchachaSeal/xchachaOpen', () => {
    expect(nobleAead.seal).toBe(xchachaSeal);
    expect(nobleAead.open).toBe(xchachaOpen);
  });
});

describeShared('Wycheproof xchacha20_poly1305_test.json', (load) => {
  const file = AeadFile.parse(load('wycheproof/xchacha20_poly1305_test.json'));
  const tests = file.testGroups.flatMap((g) => g.tests);

  it('has all 315 tests: 246 valid, 69 invalid, 9 InvalidNonceSize', () => {
    expect(file.numberOfTests).toBe(315);
    expect(tests).toHaveLength(315);
    expect(count(tests, 'valid')).toBe(246);
    expect(count(tests, 'invalid')).toBe(69);
    expect(tests.filter((t) => t.flags.includes('InvalidNonceSize'))).toHaveLength(9);
  });

  describe.each(BACKENDS)('backend $name', (backend) => {
    it.each(rows(tests))('$title', (t) => checkAead(t, backend.seal, backend.open));
  });
});

const CHACHA_IMPLS = [
  { name: 'noble adapter', seal: chachaSeal, open: chachaOpen },
  { name: 'core', seal: chachaSealInto, open: chachaOpenInto },
  { name: 'wasm', seal: wasm.chacha.seal, open: wasm.chacha.open },
] as const;

describeShared('Wycheproof chacha20_poly1305_test.json', (load) => {
  const file = AeadFile.parse(load('wycheproof/chacha20_poly1305_test.json'));
  const tests = file.testGroups.flatMap((g) => g.tests);

  it('has all 325 tests: 256 valid, 69 invalid', () => {
    expect(file.numberOfTests).toBe(325);
    expect(tests).toHaveLength(325);
    expect(count(tests, 'valid')).toBe(256);
    expect(count(tests, 'invalid')).toBe(69);
  });

  describe.each(CHACHA_IMPLS)('$name', (impl) => {
    it.each(rows(tests))('$title', (t) => checkAead(t, impl.seal, impl.open));
  });
});

interface HkdfImpl {
  readonly name: string;
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, size: number): Uint8Array;
}

/**
 * The adapter, and node:crypto's HKDF as the independent reference that test/kdf.test.ts
 * cross-checks the key schedule against — so that reference is itself proven on the vectors.
 */
const HKDF_IMPLS: readonly HkdfImpl[] = [
  {
    name: 'adapter hkdfExtract + hkdfExpand',
    hkdf: (ikm, salt, info, size) => hkdfExpand(hkdfExtract(ikm, salt), info, size),
  },
  {
    name: 'node:crypto hkdfSync (reference)',
    hkdf: (ikm, salt, info, size) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, size)),
  },
];

describeShared('Wycheproof hkdf_sha256_test.json', (load) => {
  const file = HkdfFile.parse(load('wycheproof/hkdf_sha256_test.json'));
  const tests = file.testGroups.flatMap((g) => g.tests);

  it('has all 86 tests: 83 valid, 3 invalid (all SizeTooLarge)', () => {
    expect(file.numberOfTests).toBe(86);
    expect(tests).toHaveLength(86);
    expect(count(tests, 'valid')).toBe(83);
    const invalid = tests.filter((t) => t.result === 'invalid');
    expect(invalid).toHaveLength(3);
    for (const t of invalid) expect(t.flags).toContain('SizeTooLarge');
  });

  describe.each(HKDF_IMPLS)('$name', (impl) => {
    it.each(rows(tests))('$title', (t: HkdfCase) => {
      const ikm = hex(t.ikm);
      const salt = hex(t.salt);
      const info = hex(t.info);
      if (t.result === 'valid') {
        expect(toHex(impl.hkdf(ikm, salt, info, t.size))).toBe(t.okm);
      } else {
        // SizeTooLarge: more than 255 * HashLen bytes (RFC 5869 §2.3) must throw, never truncate.
        expect(t.size).toBeGreaterThan(255 * 32);
        expect(() => impl.hkdf(ikm, salt, info, t.size)).toThrowError();
      }
    });
  });

  it('the adapter throws its RFC 5869 length error for SizeTooLarge', () => {
    expect(() => hkdfExpand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrowError(
      /255\*HashLen/,
    );
    expect(hkdfExpand(new Uint8Array(32), new Uint8Array(0), 255 * 32)).toHaveLength(8160);
  });
});

describeShared('RFC / CFRG draft known answers (rfc/rfc_kat.json)', (load) => {
  const kat = RfcKat.parse(load('rfc/rfc_kat.json'));

  it('has 3 HKDF, 1 XChaCha AEAD and 1 HChaCha20 test', () => {
    expect(kat.hkdf_sha256.tests.map((t) => t.id)).toEqual(['rfc5869-A.1', 'rfc5869-A.2', 'rfc5869-A.3']);
    expect(kat.xchacha20_poly1305.tests).toHaveLength(1);
    expect(kat.hchacha20.tests).toHaveLength(1);
  });

  describe('RFC 5869 Appendix A.1–A.3 (HKDF-SHA256)', () => {
    it.each(kat.hkdf_sha256.tests)('$id: PRK and OKM', (t) => {
      const prk = hkdfExtract(hex(t.ikm), hex(t.salt));
      expect(toHex(prk)).toBe(t.prk);
      expect(toHex(hkdfExpand(prk, hex(t.info), t.length))).toBe(t.okm);
    });
  });

  describe('draft-irtf-cfrg-xchacha-03 A.3.1 (AEAD_XChaCha20_Poly1305)', () => {
    const [t] = kat.xchacha20_poly1305.tests;
    if (t === undefined) throw new Error('rfc_kat.json: no XChaCha test');

    it('sealed = ciphertext ‖ tag', () => {
      expect(t.sealed).toBe(t.ciphertext + t.tag);
    });

    it.each(BACKENDS)('backend $name seals and opens the draft vector', (backend) => {
      const key = hex(t.key);
      const nonce = hex(t.nonce);
      const aad = hex(t.aad);
      expect(toHex(backend.seal(key, nonce, aad, hex(t.plaintext)))).toBe(t.sealed);
      const opened = backend.open(key, nonce, aad, hex(t.sealed));
      expect(opened === null ? null : toHex(opened)).toBe(t.plaintext);
    });

    it('Poly1305 key = first 32 keystream bytes under the HChaCha20 subkey (§2.3, RFC 8439 §2.6)', () => {
      const nonce = hex(t.nonce);
      const subkey = hchacha20(hex(t.key), nonce.subarray(0, 16));
      // node:crypto 'chacha20' takes a 16-byte IV: 32-bit LE block counter (0) ‖ 96-bit nonce.
      const iv = new Uint8Array(16);
      iv.set(nonce.subarray(16, 24), 8);
      const keystream = createCipheriv('chacha20', subkey, iv).update(new Uint8Array(32));
      expect(toHex(keystream)).toBe(t.poly1305_key);
    });
  });

  describe('draft-irtf-cfrg-xchacha-03 §2.2.1 (HChaCha20)', () => {
    it.each(kat.hchacha20.tests)('$id', (t) => {
      expect(toHex(hchacha20(hex(t.key), hex(t.nonce16)))).toBe(t.subkey);
    });
  });
});
