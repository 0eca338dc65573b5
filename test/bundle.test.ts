import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBundle, type SealedBundle, serializeBundle } from '../src/bundle/format.js';
import { sealSessions } from '../src/bundle/seal.js';
import { unsealSessions } from '../src/bundle/unseal.js';
import { sealSession } from '../src/envelope/seal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { expectCode } from './helpers/expect-code.js';
import { realisticSession, realisticSessions } from './helpers/fixtures.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const key = generateKey();
const keyring = createKeyring({ primary: key });
const states = realisticSessions(10, { now: NOW });
const opts = { now: NOW };

function sealed(n = 10): SealedBundle {
  const { bundle, rejected } = sealSessions(states.slice(0, n), keyring);
  expect(rejected).toEqual([]);
  return bundle;
}

function withEntries(bundle: SealedBundle, entries: readonly unknown[]): SealedBundle {
  return { ...bundle, entries: entries as SealedBundle['entries'] };
}

describe('sealSessions / unsealSessions', () => {
  it('round-trips a realistic export in order, integrity ok', () => {
    const r = unsealSessions(sealed(), keyring, opts);
    expect(r.sessions).toEqual(states);
    expect(r.skipped).toEqual([]);
    expect(r.integrity).toEqual({ ok: true, kid: key.kid });
    expect(r.total).toBe(10);
  });

  it('round-trips through serializeBundle text and bytes', () => {
    const text = serializeBundle(sealed());
    expect(unsealSessions(text, keyring, opts).sessions).toEqual(states);
    expect(unsealSessions(new TextEncoder().encode(text), keyring, opts).sessions).toEqual(states);
    expect(text.split('\n').length).toBeGreaterThan(10);
  });

  it('reports invalid input states per entry with a code; never drops them silently', () => {
    const input = [
      states[0],
      { ...states[1], context: { n8nApiUrl: 'ftp://x', n8nApiKey: 'k' } },
      42,
      states[2],
    ];
    const { bundle, rejected } = sealSessions(input, keyring);
    expect(bundle.entries).toHaveLength(2);
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'ERR_SESSION_INVALID'],
      [2, 'ERR_SESSION_INVALID'],
    ]);
    expect(rejected[0]?.sessionId).toBe(states[1]?.sessionId);
    expect(rejected[0]?.issues.some((i) => i.code === 'url_protocol')).toBe(true);
  });

  it('an empty export is a valid bundle', () => {
    const { bundle } = sealSessions([], keyring);
    const r = unsealSessions(serializeBundle(bundle), keyring, opts);
    expect(r).toMatchObject({ sessions: [], skipped: [], total: 0, integrity: { ok: true } });
  });
});

describe('bundle integrity (SPEC §10.2)', () => {
  const b = sealed();
  const e = b.entries;
  const cases: [string, readonly unknown[]][] = [
    ['removed', e.slice(1)],
    ['truncated', e.slice(0, 5)],
    ['duplicated', [...e, e[3]]],
    ['reordered', [e[1], e[0], ...e.slice(2)]],
    ['injected (same key, other bundle)', [...e, sealSession(realisticSession(99, { now: NOW }), keyring)]],
    ['entry rolled back to an older seal', [sealSession(states[0]!, keyring), ...e.slice(1)]],
    ['emptied', []],
  ];

  it.each(cases)('%s → integrity ERR_BUNDLE_INTEGRITY, valid entries still restored', (_n, entries) => {
    const r = unsealSessions(withEntries(b, entries), keyring, opts);
    expect(r.integrity).toMatchObject({ ok: false, code: 'ERR_BUNDLE_INTEGRITY' });
    expect(r.sessions.length + r.skipped.length).toBe(entries.length);
  });

  it.each(cases)('%s → mode require throws ERR_BUNDLE_INTEGRITY', (_n, entries) => {
    expectCode(
      () => unsealSessions(withEntries(b, entries), keyring, { ...opts, integrity: 'require' }),
      'ERR_BUNDLE_INTEGRITY',
    );
  });

  it('a MAC bit flip is detected', () => {
    const mac = Buffer.from(b.integrity.mac, 'base64url');
    mac[0]! ^= 1;
    const r = unsealSessions(
      { ...b, integrity: { ...b.integrity, mac: mac.toString('base64url') } },
      keyring,
      opts,
    );
    expect(r.integrity.ok).toBe(false);
    expect(r.sessions).toHaveLength(10);
  });

  it('a MAC kid not in the keyring cannot verify', () => {
    const other = createKeyring({ primary: generateKey(), keys: [key] });
    const { bundle } = sealSessions(states, other);
    const r = unsealSessions(bundle, createKeyring({ primary: key }), opts);
    expect(r.integrity).toMatchObject({ ok: false, code: 'ERR_BUNDLE_INTEGRITY' });
    expect(r.skipped.every((s) => s.code === 'ERR_KEY_NOT_FOUND')).toBe(true);
  });
});

describe('one bad entry never costs the others', () => {
  it('a corrupt entry is skipped with its code; the rest restore', () => {
    const b = sealed();
    const bad = { ...b.entries[4]!, sealedContext: `${b.entries[4]!.sealedContext.slice(0, -2)}AA` };
    const entries = [...b.entries];
    entries[4] = bad;
    const r = unsealSessions(withEntries(b, entries), keyring, opts);
    expect(r.sessions).toHaveLength(9);
    expect(r.skipped).toEqual([
      expect.objectContaining({ index: 4, sessionId: states[4]?.sessionId, code: 'ERR_DECRYPTION_FAILED' }),
    ]);
    // Headers unchanged, so the list itself still verifies.
    expect(r.integrity.ok).toBe(true);
  });

  it('garbage entries are skipped as malformed and make integrity unverifiable', () => {
    const b = sealed(3);
    const r = unsealSessions(withEntries(b, [null, ...b.entries, 'x', { sessionId: 'a' }]), keyring, opts);
    expect(r.sessions).toHaveLength(3);
    expect(r.skipped.map((s) => [s.index, s.code])).toEqual([
      [0, 'ERR_ENVELOPE_MALFORMED'],
      [4, 'ERR_ENVELOPE_MALFORMED'],
      [5, 'ERR_ENVELOPE_MALFORMED'],
    ]);
    expect(r.skipped[2]?.sessionId).toBe('a');
    expect(r.integrity.ok).toBe(false);
  });

  it('a per-entry size limit skips only the large entry', () => {
    const big = { ...states[0]!, context: { ...states[0]!.context, metadata: { blob: 'z'.repeat(20000) } } };
    const { bundle } = sealSessions([big, states[1]], keyring);
    const r = unsealSessions(bundle, keyring, { ...opts, maxEntryChars: 10_000 });
    expect(r.sessions).toEqual([states[1]]);
    expect(r.skipped).toEqual([expect.objectContaining({ index: 0, code: 'ERR_ENVELOPE_TOO_LARGE' })]);
  });
});

describe('restore rules (n8n-mcp restoreSessionState)', () => {
  it('expired: now - lastAccess > sessionTimeout (default 30 min)', () => {
    const fresh = realisticSession(1, { now: NOW, ageMs: 29 * 60_000 });
    const old = realisticSession(2, { now: NOW, ageMs: 31 * 60_000 });
    const { bundle } = sealSessions([fresh, old], keyring);
    const r = unsealSessions(bundle, keyring, opts);
    expect(r.sessions).toEqual([fresh]);
    expect(r.skipped).toEqual([expect.objectContaining({ index: 1, code: 'ERR_SESSION_EXPIRED' })]);
    expect(unsealSessions(bundle, keyring, { ...opts, sessionTimeoutMs: 60 * 60_000 }).sessions).toHaveLength(
      2,
    );
    expect(unsealSessions(bundle, keyring, { now: new Date(NOW + 3_600_000) }).sessions).toHaveLength(0);
  });

  it('boundary: exactly sessionTimeout old is not expired', () => {
    const s = realisticSession(1, { now: NOW, ageMs: 30 * 60_000 });
    expect(unsealSessions(sealSessions([s], keyring).bundle, keyring, opts).sessions).toHaveLength(1);
  });

  it('maxSessions: once reached, the rest are skipped with ERR_SESSION_LIMIT', () => {
    const r = unsealSessions(sealed(), keyring, { ...opts, maxSessions: 3 });
    expect(r.sessions).toEqual(states.slice(0, 3));
    expect(r.skipped.map((s) => s.code)).toEqual(Array(7).fill('ERR_SESSION_LIMIT'));
  });

  it('default maxSessions is 100', () => {
    const many = realisticSessions(105, { now: NOW });
    const r = unsealSessions(sealSessions(many, keyring).bundle, keyring, opts);
    expect(r.sessions).toHaveLength(100);
    expect(r.skipped).toHaveLength(5);
  });

  it('duplicate sessionId: the first wins', () => {
    const a = states[0]!;
    const dup = { ...a, context: { ...a.context, instanceId: 'second' } };
    const r = unsealSessions(sealSessions([a, dup], keyring).bundle, keyring, opts);
    expect(r.sessions).toEqual([a]);
    expect(r.skipped).toEqual([expect.objectContaining({ index: 1, code: 'ERR_SESSION_DUPLICATE' })]);
  });

  it('only restored entries count as seen: a later copy of an expired or invalid entry is restored', () => {
    // Random runs over three sessionIds, each entry valid, expired or invalid (strict URL policy),
    // against the rule of SPEC §10.4: duplicate is decided before expiry and schema, and only a
    // restored entry makes later ones duplicates.
    const base = states.slice(0, 3);
    const kinds = ['valid', 'expired', 'invalid'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.integer({ min: 0, max: 2 }), kind: fc.constantFrom(...kinds) }), {
          maxLength: 8,
        }),
        (plan) => {
          const entries = plan.map(({ who, kind }, i) => {
            const s = base[who]!;
            const lastAccess = kind === 'expired' ? '2026-11-23T09:00:00.000Z' : s.metadata.lastAccess;
            const n8nApiUrl = kind === 'invalid' ? 'http://169.254.169.254/' : s.context.n8nApiUrl;
            return {
              ...s,
              metadata: { ...s.metadata, lastAccess },
              context: { ...s.context, n8nApiUrl, instanceId: `copy-${i}` },
            };
          });
          const r = unsealSessions(sealSessions(entries, keyring).bundle, keyring, {
            ...opts,
            urlPolicy: 'strict',
          });
          const seen = new Set<number>();
          const expected = plan.map(({ who, kind }) => {
            if (seen.has(who)) return 'ERR_SESSION_DUPLICATE';
            if (kind === 'expired') return 'ERR_SESSION_EXPIRED';
            if (kind === 'invalid') return 'ERR_SESSION_INVALID';
            seen.add(who);
            return 'restored';
          });
          const actual = plan.map((_, i) => r.skipped.find((k) => k.index === i)?.code ?? 'restored');
          expect(actual).toEqual(expected);
          expect(r.sessions.map((x) => x.context.instanceId)).toEqual(
            expected.flatMap((e, i) => (e === 'restored' ? [`copy-${i}`] : [])),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an invalid entry sealed elsewhere is skipped with ERR_SESSION_INVALID (strict URL policy)', () => {
    const local = { ...states[0]!, context: { ...states[0]!.context, n8nApiUrl: 'http://169.254.169.254/' } };
    const { bundle } = sealSessions([local, states[1]], keyring);
    const r = unsealSessions(bundle, keyring, { ...opts, urlPolicy: 'strict' });
    expect(r.sessions).toEqual([states[1]]);
    expect(r.skipped[0]).toMatchObject({ index: 0, code: 'ERR_SESSION_INVALID' });
  });
});

describe('documents that are not bundles throw', () => {
  const b = sealed(2);
  it.each([
    ['not JSON', '{"format":'],
    ['JSON array', '[]'],
    ['no format', { entries: [], integrity: b.integrity }],
    ['other format', { ...b, format: 'something-else' }],
    ['entries not array', { ...b, entries: {} }],
    ['extra member', { ...b, extra: true }],
    ['integrity missing', { format: b.format, entries: b.entries }],
    ['mac wrong length', { ...b, integrity: { kid: b.integrity.kid, mac: 'AAAA' } }],
    ['kid not hex', { ...b, integrity: { kid: 'KID', mac: b.integrity.mac } }],
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d)],
  ])('%s → ERR_BUNDLE_MALFORMED', (_n, doc) => {
    expectCode(() => unsealSessions(doc, keyring, opts), 'ERR_BUNDLE_MALFORMED');
  });

  it('a future bundle version → ERR_BUNDLE_UNSUPPORTED_VERSION', () => {
    expectCode(
      () => unsealSessions({ ...b, format: 'session-seal/bundle/v2' }, keyring),
      'ERR_BUNDLE_UNSUPPORTED_VERSION',
    );
  });

  it('limits are checked before parsing → ERR_BUNDLE_TOO_LARGE', () => {
    const text = serializeBundle(b);
    expectCode(() => unsealSessions(text, keyring, { maxBundleBytes: 100 }), 'ERR_BUNDLE_TOO_LARGE');
    expectCode(
      () => unsealSessions(new TextEncoder().encode(text), keyring, { maxBundleBytes: 100 }),
      'ERR_BUNDLE_TOO_LARGE',
    );
    expectCode(() => unsealSessions('ü'.repeat(40), keyring, { maxBundleBytes: 79 }), 'ERR_BUNDLE_TOO_LARGE');
    expectCode(() => unsealSessions(b, keyring, { maxEntries: 1 }), 'ERR_BUNDLE_TOO_LARGE');
    expectCode(() => parseBundle('x'.repeat(101), { maxBundleBytes: 100 }), 'ERR_BUNDLE_TOO_LARGE');
  });

  it('bad options are programmer errors', () => {
    expect(() => unsealSessions(b, keyring, { maxSessions: 0 })).toThrow(RangeError);
    expect(() => unsealSessions(b, keyring, { now: Number.NaN })).toThrow(RangeError);
    expect(() => unsealSessions(b, keyring, { integrity: 'maybe' as never })).toThrow(RangeError);
    expect(() => sealSessions('x' as never, keyring)).toThrow(TypeError);
  });
});

describe('review regressions', () => {
  it('seals more than 2,730 sessions (over one 64 KiB CSPRNG call of nonces)', () => {
    const many = realisticSessions(3000, { now: NOW });
    const { bundle, rejected } = sealSessions(many, keyring);
    expect(rejected).toEqual([]);
    const r = unsealSessions(serializeBundle(bundle), keyring, { now: NOW, maxSessions: 5000 });
    expect(r.sessions).toHaveLength(3000);
    expect(r.integrity.ok).toBe(true);
    const nonces = new Set(bundle.entries.map((e) => e.sealedContext.slice(11, 43)));
    expect(nonces.size).toBe(3000);
  });

  it('an unsupported format string is not echoed unless it is a plausible version name', () => {
    const b = sealed(1);
    const evil = 'session-seal/bundle/\u001b]0;pwned\u0007 ssk1_secret';
    const err = expectCode(
      () => unsealSessions({ ...b, format: evil }, keyring),
      'ERR_BUNDLE_UNSUPPORTED_VERSION',
    );
    expect(err.message).toBe('unsupported bundle format session-seal/bundle/(unrecognised)');
    const v2 = expectCode(
      () => unsealSessions({ ...b, format: 'session-seal/bundle/v2' }, keyring),
      'ERR_BUNDLE_UNSUPPORTED_VERSION',
    );
    expect(v2.message).toBe('unsupported bundle format session-seal/bundle/v2');
  });

  it('a skipped entry with a lone surrogate in its clear sessionId does not echo it', () => {
    const b = sealed(1);
    const r = unsealSessions({ ...b, entries: [{ ...b.entries[0], sessionId: 'x\ud800' }] }, keyring, opts);
    expect(r.skipped).toEqual([expect.objectContaining({ index: 0, code: 'ERR_ENVELOPE_MALFORMED' })]);
    expect(r.skipped[0]).not.toHaveProperty('sessionId');
  });

  it('an already-parsed document with holes reports each hole as a malformed entry', () => {
    const b = sealed(2);
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const r = unsealSessions({ ...b, entries: [b.entries[0], , b.entries[1]] }, keyring, opts);
    expect(r.sessions).toHaveLength(2);
    expect(r.skipped).toEqual([expect.objectContaining({ index: 1, code: 'ERR_ENVELOPE_MALFORMED' })]);
  });
});
