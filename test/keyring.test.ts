import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { generateKey, importKey, isMasterKey, keyMaterial, type MasterKey } from '../src/keys/key.js';
import { createKeyring, isKeyring, type Keyring, MAX_KEYRING_KEYS } from '../src/keys/keyring.js';
import { expectCode } from './helpers/expect-code.js';
import { realisticSession } from './helpers/fixtures.js';

const k1 = generateKey();
const k2 = generateKey();
const k3 = generateKey();

/** Every encoding of a key's bytes that a careless printer could produce. */
function encodingsOf(key: MasterKey): string[] {
  const b = Buffer.from(keyMaterial(key));
  return [b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('hex').toUpperCase()];
}

/** Everything a key or keyring turns into when printed, logged or serialised. */
function printedForms(value: unknown): string[] {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const con = new Console({ stdout: sink, stderr: sink });
  con.log(value);
  con.dir(value, { depth: null, showHidden: true });
  con.error('%o', value);
  return [
    String(value),
    `${value}`,
    JSON.stringify(value),
    JSON.stringify({ nested: [value] }),
    inspect(value),
    inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    inspect(value, { customInspect: false, showHidden: true, depth: Number.POSITIVE_INFINITY }),
    format('%s %o %O %j', value, value, value, value),
    JSON.stringify(Object.entries(value as object)),
    JSON.stringify({ ...(value as object) }),
    inspect(structuredCloneOrSelf(value), { showHidden: true }),
    chunks.join(''),
  ];
}

function structuredCloneOrSelf(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

function expectNoKeyBytes(value: unknown, keys: readonly MasterKey[]): void {
  const printed = printedForms(value).join('\n');
  for (const key of keys) {
    for (const enc of encodingsOf(key)) expect(printed).not.toContain(enc);
  }
}

describe('MasterKey', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('generateKey draws the key and the kid from the CSPRNG (crypto.getRandomValues)', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const key = generateKey();
    const lengths = spy.mock.calls.map(([arr]) => (arr as Uint8Array).length);
    expect(lengths).toContain(32);
    expect(lengths).toContain(8);
    expect(isMasterKey(key)).toBe(true);
  });

  it('kids are random, not derived from the key bytes', () => {
    const bytes = new Uint8Array(32).fill(7);
    const a = importKey('0000000000000001', bytes);
    const b = importKey('0000000000000002', bytes);
    expect(a.kid).not.toBe(b.kid);
    const kids = new Set(Array.from({ length: 200 }, () => generateKey().kid));
    expect(kids.size).toBe(200);
    for (const kid of kids) expect(kid).toMatch(/^[0-9a-f]{16}$/);
  });

  it('importKey keeps a copy of the bytes', () => {
    const bytes = new Uint8Array(32).fill(1);
    const key = importKey('00000000000000aa', bytes);
    bytes.fill(2);
    expect(keyMaterial(key)).toEqual(new Uint8Array(32).fill(1));
  });

  it('importKey refuses keys that are not exactly 32 bytes, and bad kids', () => {
    expect(() => importKey('0000000000000001', new Uint8Array(31))).toThrow(RangeError);
    expect(() => importKey('0000000000000001', new Uint8Array(33))).toThrow(RangeError);
    expect(() => importKey('000000000000001', new Uint8Array(32))).toThrow(RangeError);
    expect(() => importKey('000000000000000G', new Uint8Array(32))).toThrow(RangeError);
    expect(() => importKey(1 as unknown as string, new Uint8Array(32))).toThrow(TypeError);
    expect(() => importKey('0000000000000001', [1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('prints, logs and serialises as its kid only, never its bytes', () => {
    const key = generateKey();
    expect(String(key)).toBe(`MasterKey(${key.kid})`);
    expect(JSON.parse(JSON.stringify(key))).toEqual({ kid: key.kid });
    expect(inspect(key)).toBe(`MasterKey(${key.kid})`);
    expect(Object.keys(key)).toEqual(['kid']);
    expectNoKeyBytes(key, [key]);
  });

  it('is frozen', () => {
    const key = generateKey();
    expect(Object.isFrozen(key)).toBe(true);
  });
});

describe('createKeyring', () => {
  it('builds a keyring: primary seals, others are decrypt-only unless given a status', () => {
    const kr = createKeyring({ primary: k1, keys: [k2, { key: k3, status: 'disabled' }] });
    expect(isKeyring(kr)).toBe(true);
    expect(kr.primaryKid).toBe(k1.kid);
    expect(kr.toJSON()).toEqual({
      primary: k1.kid,
      keys: [
        { kid: k1.kid, status: 'primary' },
        { kid: k2.kid, status: 'decrypt-only' },
        { kid: k3.kid, status: 'disabled' },
      ],
    });
    expect(kr.status(k2.kid)).toBe('decrypt-only');
    expect(kr.status('ffffffffffffffff')).toBeUndefined();
    expect(kr.has(k3.kid)).toBe(true);
    expect(Object.isFrozen(kr)).toBe(true);
  });

  it('requires exactly one primary', () => {
    expectCode(
      () => createKeyring({ primary: k1, keys: [{ key: k2, status: 'primary' as 'disabled' }] }),
      'ERR_KEYRING_INVALID',
    );
    expectCode(() => createKeyring({ primary: undefined as unknown as MasterKey }), 'ERR_KEYRING_INVALID');
  });

  it('requires unique kids', () => {
    expectCode(() => createKeyring({ primary: k1, keys: [k1] }), 'ERR_KEYRING_INVALID');
    const twin = importKey(k2.kid, new Uint8Array(32));
    expectCode(() => createKeyring({ primary: k1, keys: [k2, twin] }), 'ERR_KEYRING_INVALID');
  });

  it('requires MasterKey members (32-byte keys made by this library)', () => {
    const fake = { kid: '0000000000000001', bytes: new Uint8Array(16) } as unknown as MasterKey;
    expectCode(() => createKeyring({ primary: fake }), 'ERR_KEYRING_INVALID');
    expectCode(() => createKeyring({ primary: k1, keys: [fake] }), 'ERR_KEYRING_INVALID');
    expectCode(
      () => createKeyring({ primary: k1, keys: [{ key: fake, status: 'decrypt-only' }] }),
      'ERR_KEYRING_INVALID',
    );
  });

  it('refuses an unknown status', () => {
    expectCode(
      () => createKeyring({ primary: k1, keys: [{ key: k2, status: 'enabled' as 'disabled' }] }),
      'ERR_KEYRING_INVALID',
    );
  });

  it(`holds at most ${MAX_KEYRING_KEYS} keys`, () => {
    const many = Array.from({ length: MAX_KEYRING_KEYS - 1 }, () => generateKey());
    expect(createKeyring({ primary: k1, keys: many }).entries()).toHaveLength(MAX_KEYRING_KEYS);
    expectCode(() => createKeyring({ primary: k1, keys: [...many, generateKey()] }), 'ERR_KEYRING_INVALID');
  });

  it('rejects non-object arguments as programmer errors', () => {
    expect(() => createKeyring(null as unknown as { primary: MasterKey })).toThrow(TypeError);
    expect(() => createKeyring({ primary: k1, keys: 'x' as unknown as MasterKey[] })).toThrow(TypeError);
  });
});

describe('Keyring methods return new keyrings and keep the invariants', () => {
  const base = createKeyring({ primary: k1 });

  it('add puts a key in as decrypt-only and leaves the original untouched', () => {
    const next = base.add(k2);
    expect(next).not.toBe(base);
    expect(next.status(k2.kid)).toBe('decrypt-only');
    expect(base.has(k2.kid)).toBe(false);
    expect(next.primaryKid).toBe(k1.kid);
    expect(base.add(k3, 'disabled').status(k3.kid)).toBe('disabled');
  });

  it('add refuses a duplicate kid and a second primary', () => {
    expectCode(() => base.add(k1), 'ERR_KEYRING_INVALID');
    expectCode(() => base.add(k2, 'primary' as 'disabled'), 'ERR_KEYRING_INVALID');
  });

  it('promote makes a key primary and demotes the old primary to decrypt-only', () => {
    const next = base.add(k2).promote(k2.kid);
    expect(next.primaryKid).toBe(k2.kid);
    expect(next.status(k1.kid)).toBe('decrypt-only');
    expect(next.entries()[0]?.key).toBe(k2);
    expect(next.promote(k2.kid).primaryKid).toBe(k2.kid);
  });

  it('promote refuses a disabled key (the primary is always enabled) and an unknown kid', () => {
    const kr = base.add(k2, 'disabled');
    expectCode(() => kr.promote(k2.kid), 'ERR_KEYRING_INVALID');
    expect(kr.markDecryptOnly(k2.kid).promote(k2.kid).primaryKid).toBe(k2.kid);
    expectCode(() => base.promote(k3.kid), 'ERR_KEY_NOT_FOUND');
  });

  it('disable and markDecryptOnly change status; the primary cannot be disabled or demoted', () => {
    const kr = base.add(k2);
    expect(kr.disable(k2.kid).status(k2.kid)).toBe('disabled');
    expect(kr.disable(k2.kid).markDecryptOnly(k2.kid).status(k2.kid)).toBe('decrypt-only');
    expectCode(() => kr.disable(k1.kid), 'ERR_KEYRING_INVALID');
    expectCode(() => kr.markDecryptOnly(k1.kid), 'ERR_KEYRING_INVALID');
    expectCode(() => kr.disable(k3.kid), 'ERR_KEY_NOT_FOUND');
  });

  it('remove drops a key; the primary cannot be removed', () => {
    const kr = base.add(k2);
    expect(kr.remove(k2.kid).has(k2.kid)).toBe(false);
    expectCode(() => kr.remove(k1.kid), 'ERR_KEYRING_INVALID');
    expectCode(() => kr.remove(k3.kid), 'ERR_KEY_NOT_FOUND');
  });

  it('a malformed kid argument is a TypeError that does not echo the argument', () => {
    const secretLooking = 'ssk1_THIS-IS-NOT-A-KID';
    for (const op of [
      (kr: Keyring) => kr.promote(secretLooking),
      (kr: Keyring) => kr.disable(secretLooking),
      (kr: Keyring) => kr.remove(secretLooking),
      (kr: Keyring) => kr.markDecryptOnly(secretLooking),
    ]) {
      let err: unknown;
      try {
        op(base);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TypeError);
      expect(String((err as Error).message)).not.toContain(secretLooking);
    }
  });

  it('createKeyring cannot be bypassed with new Keyring()', () => {
    const Ctor = base.constructor as new (entries: unknown[], token: symbol) => Keyring;
    expect(() => new Ctor([{ key: k1, status: 'primary' }], Symbol('Keyring'))).toThrow(TypeError);
  });
});

describe('disabled keys vs unknown keys when unsealing', () => {
  const state = realisticSession(3);
  const sealed = sealSession(state, createKeyring({ primary: k2, keys: [k1] }));

  it('a decrypt-only key unseals', () => {
    expect(unsealSession(sealed, createKeyring({ primary: k1, keys: [k2] }))).toEqual(state);
  });

  it('a disabled key is known but refused with ERR_KEY_DISABLED', () => {
    const kr = createKeyring({ primary: k1, keys: [{ key: k2, status: 'disabled' }] });
    const err = expectCode(() => unsealSession(sealed, kr), 'ERR_KEY_DISABLED');
    expect(err.message).toContain(k2.kid);
  });

  it('an unknown kid is ERR_KEY_NOT_FOUND, a different code', () => {
    expectCode(() => unsealSession(sealed, createKeyring({ primary: k1 })), 'ERR_KEY_NOT_FOUND');
  });

  it('re-enabling the key (markDecryptOnly) makes the record readable again', () => {
    const kr = createKeyring({ primary: k1, keys: [{ key: k2, status: 'disabled' }] }).markDecryptOnly(
      k2.kid,
    );
    expect(unsealSession(sealed, kr)).toEqual(state);
  });
});

describe('keyrings never print key bytes', () => {
  const kr = createKeyring({ primary: k1, keys: [k2, { key: k3, status: 'disabled' }] });

  it('shows kids and statuses only', () => {
    const expected = `Keyring(${k1.kid}:primary, ${k2.kid}:decrypt-only, ${k3.kid}:disabled)`;
    expect(String(kr)).toBe(expected);
    expect(inspect(kr)).toBe(expected);
    expect(JSON.parse(JSON.stringify(kr))).toEqual(kr.toJSON());
  });

  it('the scan itself finds a leaked key (control)', () => {
    const leaky = { debug: Buffer.from(keyMaterial(k2)).toString('base64') };
    expect(() => expectNoKeyBytes(leaky, [k2])).toThrow();
  });

  it('no printed, logged or serialised form contains any key in hex, base64 or base64url', () => {
    expectNoKeyBytes(kr, [k1, k2, k3]);
    expectNoKeyBytes(kr.entries(), [k1, k2, k3]);
    expectNoKeyBytes(kr.toJSON(), [k1, k2, k3]);
    expectNoKeyBytes({ config: { keyring: kr, key: k1 } }, [k1, k2, k3]);
  });

  it('errors from keyring operations name kids only', () => {
    const messages: string[] = [];
    for (const op of [
      () => kr.add(k1),
      () => kr.remove(k1.kid),
      () => kr.promote(k3.kid),
      () => kr.disable(k1.kid),
    ]) {
      try {
        op();
      } catch (e) {
        messages.push(inspect(e));
      }
    }
    expect(messages).toHaveLength(4);
    for (const key of [k1, k2, k3]) {
      for (const enc of encodingsOf(key)) expect(messages.join('\n')).not.toContain(enc);
    }
  });
});
