/**
 * The Node fast paths for the bundle MAC's HMAC-SHA256 (src/node/hmac.ts) and the UTF-8 length of
 * long strings (src/node/utf8.ts): each must compute exactly what the portable code computes, is
 * installed only after a self-test, and a bundle's MAC is the same whichever one computed it.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sealSessions } from '../src/bundle/seal.js';
import { unsealSessions } from '../src/bundle/unseal.js';
import { hmacSha256, nativeHmacSha256InUse, setNativeHmacSha256 } from '../src/crypto/hmac.js';
import { hmacSha256 as nobleHmacSha256 } from '../src/crypto/noble.js';
import { portableUtf8Length, setNativeUtf8Length, utf8Length } from '../src/encoding/utf8.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { installNodeHmac, nodeHmacSha256 } from '../src/node/hmac.js';
import { detectNativeUtf8Length, installNodeUtf8Length } from '../src/node/utf8.js';
import { realisticSessions } from './helpers/fixtures.js';

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

afterEach(() => {
  setNativeHmacSha256(undefined);
  setNativeUtf8Length(undefined);
});

describe('HMAC-SHA256 through node:crypto', () => {
  it('installs after its self-test, and hmacSha256 then uses it', () => {
    expect(nativeHmacSha256InUse()).toBe(false);
    expect(installNodeHmac()).toBe(true);
    expect(nativeHmacSha256InUse()).toBe(true);
  });

  it('equals noble for random keys (0–100 bytes, longer than a block included) and messages', () => {
    installNodeHmac();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 3000 }), (key, message) => {
        const native = hmacSha256(key, message);
        expect(native.constructor).toBe(Uint8Array); // not a pooled Buffer
        expect(hexOf(native)).toBe(hexOf(nobleHmacSha256(key, message)));
      }),
      { numRuns: 300 },
    );
  });

  it('a bundle sealed with one implementation verifies with the other, both ways', () => {
    const keyring = createKeyring({ primary: generateKey() });
    const sessions = realisticSessions(5);
    const now = Date.parse(sessions[0]?.metadata.lastAccess ?? '');
    installNodeHmac();
    const sealedNative = sealSessions(sessions, keyring).bundle;
    setNativeHmacSha256(undefined);
    const sealedNoble = sealSessions(sessions, keyring).bundle;
    expect(unsealSessions(sealedNative, keyring, { now }).integrity.ok).toBe(true);
    installNodeHmac();
    expect(unsealSessions(sealedNoble, keyring, { now }).integrity.ok).toBe(true);
    // And a wrong MAC is still refused on the native path.
    const forged = { ...sealedNoble, entries: sealedNoble.entries.slice(1) };
    const r = unsealSessions(forged, keyring, { now });
    expect(r.integrity.ok).toBe(false);
    expect(r.integrity.ok ? '' : r.integrity.code).toBe('ERR_BUNDLE_INTEGRITY');
  });

  it('is left out (noble stays) when node:crypto computes something else', async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:crypto')>();
      return {
        ...real,
        createHmac: (alg: string, key: Uint8Array) =>
          real.createHmac(alg, Buffer.concat([key, Buffer.from([0])])),
      };
    });
    try {
      const hmac = await import('../src/crypto/hmac.js');
      const node = await import('../src/node/hmac.js');
      expect(node.installNodeHmac()).toBe(false);
      expect(hmac.nativeHmacSha256InUse()).toBe(false);
    } finally {
      vi.doUnmock('node:crypto');
      vi.resetModules();
    }
  });

  it('the exported function gives plain Uint8Arrays', () => {
    expect(nodeHmacSha256(new Uint8Array(32), new Uint8Array(10)).constructor).toBe(Uint8Array);
  });
});

describe('UTF-8 length through Buffer.byteLength', () => {
  // Any UTF-16 unit, lone surrogates included: the count of U+FFFD (3 bytes) must match too.
  const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
  const longText = fc
    .tuple(fc.string({ unit: anyUnit, maxLength: 300 }), fc.integer({ min: 1024, max: 3000 }))
    .map(([s, pad]) => 'a'.repeat(pad) + s);

  it('installs after its self-test', () => {
    expect(installNodeUtf8Length()).toBe(true);
    expect(detectNativeUtf8Length()).toBeTypeOf('function');
  });

  it('equals the portable count on long strings with any UTF-16 units, and short ones stay portable', () => {
    installNodeUtf8Length();
    fc.assert(
      fc.property(longText, (text) => {
        expect(utf8Length(text)).toBe(portableUtf8Length(text));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 40 }), (text) => {
        expect(utf8Length(text)).toBe(portableUtf8Length(text));
      }),
    );
  });

  it('agrees on flat one-byte strings once V8 has optimized the call (Node has fast paths there)', () => {
    installNodeUtf8Length();
    const texts = ['\u00e9'.repeat(2000), 'a'.repeat(1500), `${'b'.repeat(1100)}\u00ff`, 'x'.repeat(1024)];
    const expected = texts.map(portableUtf8Length);
    expect(expected).toEqual([4000, 1500, 1102, 1024]);
    for (let i = 0; i < 20_000; i++) {
      const k = i % texts.length;
      if (utf8Length(texts[k] as string) !== expected[k]) throw new Error(`disagreed at call ${i}`);
    }
  });

  it('is left out when Buffer.byteLength counts a lone surrogate differently', () => {
    // The realistic bug (seen in other runtimes): a lone surrogate counted as 2 bytes, not 3.
    const real = Buffer.byteLength;
    const spy = vi
      .spyOn(Buffer, 'byteLength')
      .mockImplementation(
        ((text: string) =>
          real(text, 'utf8') - (text.match(/\p{Cs}/gu)?.length ?? 0)) as typeof Buffer.byteLength,
      );
    try {
      expect(detectNativeUtf8Length()).toBeUndefined();
      expect(installNodeUtf8Length()).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });
});
