import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scrypt } from '../src/crypto/noble.js';
import { importKey, keyMaterial, type MasterKey } from '../src/keys/key.js';
import { createKeyring, MAX_KEYRING_KEYS } from '../src/keys/keyring.js';
import { deriveKeyFromPassphrase, loadPassphraseKey, parsePassphraseText } from '../src/keys/passphrase.js';
import {
  encodeKeyText,
  exportKeyringText,
  exportKeyText,
  importKeyringText,
  importKeyText,
  MAX_KEY_TEXT_LENGTH,
} from '../src/keys/text.js';
import { expectCode } from './helpers/expect-code.js';

// Wrap scrypt in a spy (same behaviour) so the cost-cap test can prove scrypt never ran.
vi.mock('../src/crypto/noble.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../src/crypto/noble.js')>();
  return { ...mod, scrypt: vi.fn(mod.scrypt) };
});

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const seq = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (i + from) & 255);

/*
 * Known-answer vectors (SPEC §9.7), computed independently with Node's `crypto` (createHash,
 * scryptSync, createHmac), not with this library.
 */
const KID_A = '0123456789abcdef';
const KID_B = 'fedcba9876543210';
const KEY_A = importKey(KID_A, seq(32));
const KEY_B = importKey(KID_B, seq(32, 32));
const KEY_TEXT_A = 'ssk1_ASNFZ4mrze8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eH87yQsA';
const KEYRING_TEXT_AB =
  'sskr1_AQEjRWeJq83vAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8C_ty6mHZUMhAgISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P_vti_E';
const PASS = 'correct horse battery staple';
const PASS_TEXT = 'sskp1_ASNFZ4mrze8KCAGgoaKjpKWmp6ipqqusra6vb-v641DrQVh-kcW8';
const PASS_KEY_HEX = 'fefe11456e536a82f512b5a704b6315b70adea7b2f85ef246bb54b3889ab274c';
const SMALL = { N: 2 ** 10, r: 8, p: 1 } as const;

function hex(key: MasterKey): string {
  return Buffer.from(keyMaterial(key)).toString('hex');
}

/** Every text made by replacing one character with another from `alphabet`. */
function* substitutions(text: string, alphabet: string): Generator<string> {
  for (let i = 0; i < text.length; i++) {
    for (const c of alphabet) if (c !== text[i]) yield text.slice(0, i) + c + text.slice(i + 1);
  }
}

/** Every proper non-empty prefix and suffix. */
function* truncations(text: string): Generator<string> {
  for (let n = 1; n < text.length; n++) {
    yield text.slice(0, n);
    yield text.slice(text.length - n);
  }
}

const OTHER_CHARS = ' .=+/\u00e9\n';

describe('key text ssk1_', () => {
  it('matches the known-answer vector both ways', () => {
    expect(exportKeyText(KEY_A)).toBe(KEY_TEXT_A);
    const k = importKeyText(KEY_TEXT_A);
    expect(k.kid).toBe(KID_A);
    expect(hex(k)).toBe(hex(KEY_A));
    expect(KEY_TEXT_A).toHaveLength(64);
  });

  it('round-trips any key and kid', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (bytes, kid) => {
          const key = importKey(Buffer.from(kid).toString('hex'), bytes);
          const back = importKeyText(exportKeyText(key));
          expect(back.kid).toBe(key.kid);
          expect(keyMaterial(back)).toEqual(bytes);
        },
      ),
    );
  });

  it('every single-character substitution of the vector is ERR_KEY_FORMAT', () => {
    let n = 0;
    for (const t of substitutions(KEY_TEXT_A, B64URL + OTHER_CHARS)) {
      expectCode(() => importKeyText(t), 'ERR_KEY_FORMAT');
      n++;
    }
    expect(n).toBe(64 * (B64URL.length + OTHER_CHARS.length - 1));
  });

  it('every truncation of the vector is ERR_KEY_FORMAT; nothing at all is ERR_KEY_MATERIAL_MISSING', () => {
    for (const t of truncations(KEY_TEXT_A)) expectCode(() => importKeyText(t), 'ERR_KEY_FORMAT');
    expectCode(() => importKeyText(''), 'ERR_KEY_MATERIAL_MISSING');
    expectCode(() => importKeyText(' \n\t\r'), 'ERR_KEY_MATERIAL_MISSING');
  });

  it('a random substitution or truncation of a random key text is ERR_KEY_FORMAT', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(63),
        fc.constantFrom(...B64URL),
        fc.nat(62),
        (bytes, pos, ch, cut) => {
          const text = exportKeyText(importKey('00000000000000ff', bytes));
          fc.pre(text[pos] !== ch);
          expectCode(() => importKeyText(text.slice(0, pos) + ch + text.slice(pos + 1)), 'ERR_KEY_FORMAT');
          expectCode(() => importKeyText(text.slice(0, cut + 1)), 'ERR_KEY_FORMAT');
        },
      ),
    );
  });

  it('error messages say what is wrong and never contain the text', () => {
    const typo = `${KEY_TEXT_A.slice(0, 20)}x${KEY_TEXT_A.slice(21)}`;
    const e1 = expectCode(() => importKeyText(typo), 'ERR_KEY_FORMAT');
    expect(e1.message).toBe('key text checksum mismatch: the value is mistyped or truncated');
    const e2 = expectCode(() => importKeyText(KEY_TEXT_A.slice(0, 40)), 'ERR_KEY_FORMAT');
    expect(e2.message).toMatch(/wrong length.*truncated/);
    const e3 = expectCode(
      () => importKeyText(`${KEY_TEXT_A.slice(0, 30)}=${KEY_TEXT_A.slice(31)}`),
      'ERR_KEY_FORMAT',
    );
    expect(e3.message).toMatch(/base64url/);
    for (const e of [e1, e2, e3]) {
      expect(e.message).not.toContain(KEY_TEXT_A.slice(5, 20));
      expect(e.message).not.toContain(hex(KEY_A).slice(0, 16));
    }
  });

  it('ignores edge whitespace (SP, HT, CR, LF) and rejects inner whitespace', () => {
    expect(importKeyText(`\n  ${KEY_TEXT_A}\r\n\t`).kid).toBe(KID_A);
    expectCode(() => importKeyText(`${KEY_TEXT_A.slice(0, 30)} ${KEY_TEXT_A.slice(30)}`), 'ERR_KEY_FORMAT');
    expectCode(() => importKeyText(`\u00a0${KEY_TEXT_A}`), 'ERR_KEY_FORMAT');
  });

  it('rejects unknown prefixes, other versions and the other forms', () => {
    const body = KEY_TEXT_A.slice(5);
    const cases: [string, RegExp][] = [
      [`ssk2_${body}`, /unsupported key text version/],
      [`ssk01_${body}`, /unsupported key text version/],
      [`SSK1_${body}`, /not a session-seal key/],
      [body, /not a session-seal key/],
      [`age1${body}`, /not a session-seal key/],
      [KEYRING_TEXT_AB, /keyring text.*importKeyringText/],
      [PASS_TEXT, /passphrase key text.*loadPassphraseKey/],
    ];
    for (const [t, msg] of cases)
      expect(expectCode(() => importKeyText(t), 'ERR_KEY_FORMAT').message).toMatch(msg);
  });

  it('a checksum of one form does not validate another (the prefix is in the checksum)', () => {
    const asKeyring = `sskr1_${KEY_TEXT_A.slice(5)}`;
    expectCode(() => importKeyringText(asKeyring), 'ERR_KEY_FORMAT');
  });

  it('refuses over-long input before decoding it', () => {
    const long = `ssk1_${'A'.repeat(MAX_KEY_TEXT_LENGTH)}`;
    expect(expectCode(() => importKeyText(long), 'ERR_KEY_FORMAT').message).toMatch(/longer than/);
  });

  it('wrong argument types are TypeErrors', () => {
    expect(() => importKeyText(undefined as unknown as string)).toThrow(TypeError);
    expect(() => exportKeyText({ kid: KID_A } as unknown as MasterKey)).toThrow(TypeError);
  });
});

describe('keyring text sskr1_', () => {
  it('matches the known-answer vector both ways', () => {
    const kr = createKeyring({ primary: KEY_A, keys: [KEY_B] });
    expect(exportKeyringText(kr)).toBe(KEYRING_TEXT_AB);
    const back = importKeyringText(KEYRING_TEXT_AB);
    expect(back.toJSON()).toEqual(kr.toJSON());
    expect(hex(back.openingKey(KID_B))).toBe(hex(KEY_B));
  });

  it('round-trips statuses and order, with the primary first', () => {
    const keys = Array.from({ length: 5 }, (_, i) => importKey(`00000000000000${i}0`, seq(32, i)));
    const [a, b, c, d, e] = keys as [MasterKey, MasterKey, MasterKey, MasterKey, MasterKey];
    const kr = createKeyring({ primary: a, keys: [b, { key: c, status: 'disabled' }, d] })
      .add(e)
      .promote(d.kid);
    const text = exportKeyringText(kr);
    const back = importKeyringText(text);
    expect(back.toJSON()).toEqual(kr.toJSON());
    expect(exportKeyringText(back)).toBe(text);
    for (const k of keys)
      expect(hex(back.entries().find((x) => x.key.kid === k.kid)?.key as MasterKey)).toBe(hex(k));
  });

  it('a single key text loads as a keyring with that key as primary', () => {
    const kr = importKeyringText(KEY_TEXT_A);
    expect(kr.toJSON()).toEqual({ primary: KID_A, keys: [{ kid: KID_A, status: 'primary' }] });
  });

  it('every single-character substitution and every truncation is ERR_KEY_FORMAT', () => {
    for (const t of substitutions(KEYRING_TEXT_AB, B64URL))
      expectCode(() => importKeyringText(t), 'ERR_KEY_FORMAT');
    for (const t of truncations(KEYRING_TEXT_AB)) expectCode(() => importKeyringText(t), 'ERR_KEY_FORMAT');
  });

  /** A keyring text with a valid checksum over arbitrary entries. */
  function craft(entries: readonly [number, string, Uint8Array][]): string {
    const body = new Uint8Array(entries.length * 41);
    entries.forEach(([status, kid, key], i) => {
      body[i * 41] = status;
      body.set(Buffer.from(kid, 'hex'), i * 41 + 1);
      body.set(key, i * 41 + 9);
    });
    return encodeKeyText('keyring', body);
  }

  it('an intact text that breaks an invariant is ERR_KEYRING_INVALID', () => {
    const k = seq(32);
    expect(importKeyringText(craft([[1, KID_A, k]])).primaryKid).toBe(KID_A);
    expectCode(() => importKeyringText(craft([[2, KID_A, k]])), 'ERR_KEYRING_INVALID');
    expectCode(
      () =>
        importKeyringText(
          craft([
            [2, KID_A, k],
            [1, KID_B, k],
          ]),
        ),
      'ERR_KEYRING_INVALID',
    );
    expectCode(
      () =>
        importKeyringText(
          craft([
            [1, KID_A, k],
            [1, KID_B, k],
          ]),
        ),
      'ERR_KEYRING_INVALID',
    );
    expectCode(
      () =>
        importKeyringText(
          craft([
            [1, KID_A, k],
            [2, KID_A, k],
          ]),
        ),
      'ERR_KEYRING_INVALID',
    );
    expectCode(() => importKeyringText(craft([[3, KID_A, k]])), 'ERR_KEYRING_INVALID');
  });

  it('an unknown status byte, an empty body or too many keys is ERR_KEY_FORMAT', () => {
    const k = seq(32);
    expectCode(
      () =>
        importKeyringText(
          craft([
            [1, KID_A, k],
            [4, KID_B, k],
          ]),
        ),
      'ERR_KEY_FORMAT',
    );
    expectCode(
      () =>
        importKeyringText(
          craft([
            [1, KID_A, k],
            [0, KID_B, k],
          ]),
        ),
      'ERR_KEY_FORMAT',
    );
    expectCode(() => importKeyringText(craft([])), 'ERR_KEY_FORMAT');
    const many = Array.from(
      { length: MAX_KEYRING_KEYS + 1 },
      (_, i) => [i === 0 ? 1 : 2, i.toString(16).padStart(16, '0'), k] as [number, string, Uint8Array],
    );
    expectCode(() => importKeyringText(craft(many)), 'ERR_KEY_FORMAT');
    expect(importKeyringText(craft(many.slice(0, MAX_KEYRING_KEYS))).entries()).toHaveLength(
      MAX_KEYRING_KEYS,
    );
  });

  it('a body that is not a whole number of entries is ERR_KEY_FORMAT', () => {
    expectCode(() => importKeyringText(encodeKeyText('keyring', seq(40))), 'ERR_KEY_FORMAT');
    expectCode(() => importKeyringText(encodeKeyText('keyring', seq(42))), 'ERR_KEY_FORMAT');
    expectCode(() => importKeyText(encodeKeyText('key', seq(41))), 'ERR_KEY_FORMAT');
  });

  it('importKeyringText refuses a passphrase text with a pointer to the right function', () => {
    expect(expectCode(() => importKeyringText(PASS_TEXT), 'ERR_KEY_FORMAT').message).toMatch(
      /loadPassphraseKey/,
    );
  });

  it('wrong argument types are TypeErrors', () => {
    expect(() => exportKeyringText({} as never)).toThrow(TypeError);
    expect(() => importKeyringText(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('passphrase key text sskp1_', () => {
  const scryptSpy = vi.mocked(scrypt);
  afterEach(() => {
    scryptSpy.mockClear();
  });

  it('matches the known-answer vector (Node scryptSync) and re-derives the same key', () => {
    const { key, text } = deriveKeyFromPassphrase(PASS, { ...SMALL, kid: KID_A, salt: seq(16, 0xa0) });
    expect(text).toBe(PASS_TEXT);
    expect(key.kid).toBe(KID_A);
    expect(hex(key)).toBe(PASS_KEY_HEX);
    const loaded = loadPassphraseKey(PASS_TEXT, PASS);
    expect(loaded.kid).toBe(KID_A);
    expect(hex(loaded)).toBe(PASS_KEY_HEX);
  });

  it('the text stores kid, cost and salt, not the key', () => {
    const { key, text } = deriveKeyFromPassphrase('another passphrase', SMALL);
    const raw = Buffer.from(text.slice(6), 'base64url');
    expect(raw.includes(Buffer.from(keyMaterial(key)))).toBe(false);
    const parsed = parsePassphraseText(text);
    expect(Buffer.from(parsed.kid).toString('hex')).toBe(key.kid);
    expect([parsed.log2N, parsed.r, parsed.p]).toEqual([10, 8, 1]);
  });

  it('draws a fresh salt and kid each time', () => {
    const a = deriveKeyFromPassphrase(PASS, SMALL);
    const b = deriveKeyFromPassphrase(PASS, SMALL);
    expect(a.key.kid).not.toBe(b.key.kid);
    expect(hex(a.key)).not.toBe(hex(b.key));
  });

  it('normalises the passphrase to NFC', () => {
    const opts = { ...SMALL, kid: KID_A, salt: seq(16) };
    const composed = deriveKeyFromPassphrase('caf\u00e9', opts);
    expect(hex(loadPassphraseKey(composed.text, 'cafe\u0301'))).toBe(hex(composed.key));
  });

  it('a wrong passphrase is ERR_DECRYPTION_FAILED at load time', () => {
    expectCode(() => loadPassphraseKey(PASS_TEXT, 'correct horse battery stapler'), 'ERR_DECRYPTION_FAILED');
  });

  it('an empty passphrase or text is ERR_KEY_MATERIAL_MISSING; a non-string is a TypeError', () => {
    expectCode(() => deriveKeyFromPassphrase('', SMALL), 'ERR_KEY_MATERIAL_MISSING');
    expectCode(() => loadPassphraseKey(PASS_TEXT, ''), 'ERR_KEY_MATERIAL_MISSING');
    expectCode(() => loadPassphraseKey('\n', PASS), 'ERR_KEY_MATERIAL_MISSING');
    expect(() => loadPassphraseKey(PASS_TEXT, undefined as unknown as string)).toThrow(TypeError);
    expect(() => deriveKeyFromPassphrase('\ud800x', SMALL)).toThrow(TypeError);
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('every single-character substitution and every truncation is ERR_KEY_FORMAT, without running scrypt', () => {
    for (const t of substitutions(PASS_TEXT, B64URL))
      expectCode(() => loadPassphraseKey(t, PASS), 'ERR_KEY_FORMAT');
    for (const t of truncations(PASS_TEXT)) expectCode(() => loadPassphraseKey(t, PASS), 'ERR_KEY_FORMAT');
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  /** A passphrase text with a valid checksum and any cost. */
  function withCost(log2N: number, r: number, p: number): string {
    const body = new Uint8Array(35);
    body.set(Buffer.from(KID_A, 'hex'), 0);
    body.set([log2N, r, p], 8);
    return encodeKeyText('passphrase', body);
  }

  it('a hostile cost is refused with "exceeds the cap" before scrypt runs', () => {
    for (const [n, r, p] of [
      [21, 1, 1],
      [255, 255, 255],
      [10, 17, 1],
      [10, 8, 5],
      [20, 8, 1],
      [18, 8, 4],
    ] as const) {
      const e = expectCode(() => loadPassphraseKey(withCost(n, r, p), PASS), 'ERR_KEY_FORMAT');
      expect(e.message).toMatch(/exceeds the cap/);
    }
    for (const [n, r, p] of [
      [9, 8, 1],
      [0, 8, 1],
      [10, 0, 1],
      [10, 8, 0],
    ] as const) {
      expectCode(() => loadPassphraseKey(withCost(n, r, p), PASS), 'ERR_KEY_FORMAT');
    }
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('refuses the other forms with a pointer to the right function', () => {
    expect(expectCode(() => loadPassphraseKey(KEY_TEXT_A, PASS), 'ERR_KEY_FORMAT').message).toMatch(
      /importKeyText/,
    );
    expect(expectCode(() => loadPassphraseKey(KEYRING_TEXT_AB, PASS), 'ERR_KEY_FORMAT').message).toMatch(
      /importKeyringText/,
    );
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('derive options out of range are RangeErrors', () => {
    for (const opts of [
      { N: 2 ** 9 },
      { N: 2 ** 21 },
      { N: 1000 },
      { r: 0 },
      { r: 17 },
      { p: 5 },
      { N: 2 ** 20, r: 8 },
      { N: 2 ** 10, r: 1.5 },
      { salt: new Uint8Array(15) },
      { kid: 'xyz' },
    ]) {
      expect(() => deriveKeyFromPassphrase(PASS, opts)).toThrow(RangeError);
    }
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('errors never contain the passphrase', () => {
    const secret = 'hunter2-very-secret';
    const e = expectCode(() => loadPassphraseKey(PASS_TEXT, secret), 'ERR_DECRYPTION_FAILED');
    expect(`${e.message}${String(e.stack)}`).not.toContain(secret);
  });
});

describe('keyring text check order (SPEC §9.3)', () => {
  it('an unknown status byte anywhere is ERR_KEY_FORMAT, before keyring rules are applied', () => {
    const entry = (status: number) =>
      Uint8Array.from([status, ...new Uint8Array(8).fill(status), ...new Uint8Array(32)]);
    // First entry is not primary (a keyring rule) AND the second has status 9 (a format error).
    const body = Uint8Array.from([...entry(2), ...entry(9)]);
    expectCode(() => importKeyringText(encodeKeyText('keyring', body)), 'ERR_KEY_FORMAT');
    // With valid statuses the same shape is a keyring rule violation.
    const rule = Uint8Array.from([...entry(2), ...entry(1)]);
    expectCode(() => importKeyringText(encodeKeyText('keyring', rule)), 'ERR_KEYRING_INVALID');
  });
});
