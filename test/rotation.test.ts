import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../src/encoding/base64url.js';
import { type SealedSessionState, sealedKid } from '../src/envelope/format.js';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring, type Keyring } from '../src/keys/keyring.js';
import {
  keyUsage,
  needsRotation,
  type RotationResult,
  rotateSession,
  rotateSessions,
} from '../src/rotation.js';
import { expectCode } from './helpers/expect-code.js';
import { realisticSession, realisticSessions, secretsOf } from './helpers/fixtures.js';

const oldKey = generateKey();
const newKey = generateKey();
const strayKey = generateKey();
/** Before rotation: the old key seals. */
const before = createKeyring({ primary: oldKey });
/** After promotion: the new key seals, the old one still opens. */
const after = createKeyring({ primary: newKey, keys: [oldKey] });

function tamper(sealed: SealedSessionState): SealedSessionState {
  const bytes = decodeBase64url(sealed.sealedContext);
  if (bytes === null) throw new Error('test setup: not base64url');
  const last = bytes.length - 1;
  bytes[last] = (bytes[last] ?? 0) ^ 1;
  return { ...sealed, sealedContext: encodeBase64url(bytes) };
}

describe('needsRotation', () => {
  const sealedOld = sealSession(realisticSession(0), before);
  const sealedNew = sealSession(realisticSession(1), after);

  it('is true when the envelope kid is not the primary, false when it is', () => {
    expect(needsRotation(sealedOld, after)).toBe(true);
    expect(needsRotation(sealedNew, after)).toBe(false);
    expect(needsRotation(sealedOld, before)).toBe(false);
  });

  it('is true for a kid the keyring does not know (rotation will then report ERR_KEY_NOT_FOUND)', () => {
    const stray = sealSession(realisticSession(2), createKeyring({ primary: strayKey }));
    expect(needsRotation(stray, after)).toBe(true);
    expectCode(() => rotateSession(stray, after), 'ERR_KEY_NOT_FOUND');
  });

  it('a malformed record throws its typed error; a non-keyring is a TypeError', () => {
    expectCode(() => needsRotation({ sessionId: 'x' }, after), 'ERR_ENVELOPE_MALFORMED');
    expectCode(() => needsRotation(null, after), 'ERR_ENVELOPE_MALFORMED');
    expect(() => needsRotation(sealedOld, {} as Keyring)).toThrow(TypeError);
  });
});

describe('rotateSession', () => {
  const state = realisticSession(4);
  const sealedOld = sealSession(state, before);

  it('re-seals under the primary with sessionId and metadata unchanged', () => {
    const rotated = rotateSession(sealedOld, after);
    expect(sealedKid(rotated)).toBe(newKey.kid);
    expect(rotated.sessionId).toBe(sealedOld.sessionId);
    expect(rotated.metadata).toEqual(sealedOld.metadata);
    expect(Object.keys(rotated)).toEqual(['sessionId', 'metadata', 'sealedContext']);
    expect(rotated.sealedContext).not.toBe(sealedOld.sealedContext);
    expect(unsealSession(rotated, after)).toEqual(state);
    // Only the new key is needed afterwards.
    expect(unsealSession(rotated, createKeyring({ primary: newKey }))).toEqual(state);
  });

  it('never extends a session: lastAccess and createdAt are the stored strings, byte for byte', () => {
    const odd = {
      ...state,
      metadata: { createdAt: '2026-01-01T00:00:00+02:00', lastAccess: '2026-01-01T00:00:00.5Z' },
    };
    const rotated = rotateSession(sealSession(odd, before), after);
    expect(rotated.metadata.createdAt).toBe('2026-01-01T00:00:00+02:00');
    expect(rotated.metadata.lastAccess).toBe('2026-01-01T00:00:00.5Z');
  });

  it('uses a fresh nonce: two rotations of one record differ', () => {
    expect(rotateSession(sealedOld, after).sealedContext).not.toBe(
      rotateSession(sealedOld, after).sealedContext,
    );
  });

  it('returns no plaintext and leaves the input untouched', () => {
    const copy = structuredClone(sealedOld);
    const rotated = rotateSession(sealedOld, after);
    expect(sealedOld).toEqual(copy);
    const text = JSON.stringify(rotated);
    for (const secret of secretsOf(state)) expect(text).not.toContain(secret);
    expect(text).not.toContain(state.context.n8nApiUrl);
  });

  it('a record already under the primary comes back as an equal copy, not re-sealed', () => {
    const current = sealSession(state, after);
    const out = rotateSession(current, after);
    expect(out).toEqual(current);
    expect(out).not.toBe(current);
  });

  it('is idempotent', () => {
    const once = rotateSession(sealedOld, after);
    expect(rotateSession(once, after)).toEqual(once);
  });

  it('fails with the unseal codes: disabled key, unknown key, tampering, malformed', () => {
    const disabled = createKeyring({ primary: newKey, keys: [{ key: oldKey, status: 'disabled' }] });
    expectCode(() => rotateSession(sealedOld, disabled), 'ERR_KEY_DISABLED');
    expectCode(() => rotateSession(sealedOld, createKeyring({ primary: newKey })), 'ERR_KEY_NOT_FOUND');
    expectCode(() => rotateSession(tamper(sealedOld), after), 'ERR_DECRYPTION_FAILED');
    expectCode(() => rotateSession({ ...sealedOld, extra: 1 }, after), 'ERR_ENVELOPE_MALFORMED');
    expectCode(
      () => rotateSession({ ...sealedOld, sessionId: 'other-session' }, after),
      'ERR_DECRYPTION_FAILED',
    );
  });

  it('applies validation options to the opened record (strict URL policy)', () => {
    const local = { ...state, context: { ...state.context, n8nApiUrl: 'http://127.0.0.1:5678/api/v1' } };
    const sealed = sealSession(local, before);
    expect(sealedKid(rotateSession(sealed, after))).toBe(newKey.kid);
    expectCode(() => rotateSession(sealed, after, { urlPolicy: 'strict' }), 'ERR_SESSION_INVALID');
  });

  it('a non-keyring is a TypeError', () => {
    expect(() => rotateSession(sealedOld, null as unknown as Keyring)).toThrow(TypeError);
  });
});

describe('rotateSessions', () => {
  const states = realisticSessions(4);
  const [s0, s1, s2, s3] = states as [
    (typeof states)[number],
    (typeof states)[number],
    (typeof states)[number],
    (typeof states)[number],
  ];
  const records: unknown[] = [
    sealSession(s0, before), // 0 rotated
    sealSession(s1, after), // 1 current
    tamper(sealSession(s2, before)), // 2 ERR_DECRYPTION_FAILED
    null, // 3 ERR_ENVELOPE_MALFORMED
    sealSession(s3, createKeyring({ primary: strayKey })), // 4 ERR_KEY_NOT_FOUND
    'not a record', // 5 ERR_ENVELOPE_MALFORMED
    sealSession(s3, before), // 6 rotated
  ];

  it('reports every record at its index; one failure never stops the rest', () => {
    const { results, summary } = rotateSessions(records, after);
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 'rotated'],
      [1, 'current'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'rotated'],
    ]);
    expect(summary).toEqual({
      total: 7,
      rotated: 2,
      current: 1,
      failed: 4,
      failedByCode: { ERR_DECRYPTION_FAILED: 1, ERR_ENVELOPE_MALFORMED: 2, ERR_KEY_NOT_FOUND: 1 },
    });
  });

  it('rotated and current results carry a record under the primary that unseals', () => {
    const { results } = rotateSessions(records, after);
    const ok = results.filter(
      (r): r is Extract<RotationResult, { sealed: unknown }> => r.status !== 'failed',
    );
    expect(ok).toHaveLength(3);
    for (const r of ok) {
      expect(sealedKid(r.sealed)).toBe(newKey.kid);
      expect(unsealSession(r.sealed, createKeyring({ primary: newKey }))).toEqual(
        unsealSession(records[r.index], after),
      );
    }
  });

  it('failed results carry the code, and sessionId and kid when the record parsed', () => {
    const { results } = rotateSessions(records, after);
    expect(results[2]).toEqual({
      index: 2,
      status: 'failed',
      code: 'ERR_DECRYPTION_FAILED',
      sessionId: s2.sessionId,
      kid: oldKey.kid,
    });
    expect(results[3]).toEqual({ index: 3, status: 'failed', code: 'ERR_ENVELOPE_MALFORMED' });
    expect(results[4]).toMatchObject({
      code: 'ERR_KEY_NOT_FOUND',
      kid: strayKey.kid,
      sessionId: s3.sessionId,
    });
  });

  it('puts no plaintext in the report', () => {
    const text = JSON.stringify(rotateSessions(records, after));
    for (const s of states) for (const secret of secretsOf(s)) expect(text).not.toContain(secret);
  });

  it('handles an empty batch', () => {
    expect(rotateSessions([], after)).toEqual({
      results: [],
      summary: { total: 0, rotated: 0, current: 0, failed: 0, failedByCode: {} },
    });
  });

  it('programmer errors still throw: non-array, non-keyring, and an exception that is not a data error', () => {
    expect(() => rotateSessions('x' as unknown as unknown[], after)).toThrow(TypeError);
    expect(() => rotateSessions([], {} as Keyring)).toThrow(TypeError);
    const hostile = Object.defineProperty(
      { metadata: { createdAt: 'a', lastAccess: 'b' }, sealedContext: 'AA' },
      'sessionId',
      {
        enumerable: true,
        get() {
          throw new Error('getter bug');
        },
      },
    );
    expect(() => rotateSessions([hostile], after)).toThrow('getter bug');
  });
});

describe('keyUsage', () => {
  it('counts records per kid, and malformed ones, without a key', () => {
    const records = [
      sealSession(realisticSession(0), before),
      sealSession(realisticSession(1), before),
      sealSession(realisticSession(2), after),
      { not: 'sealed' },
      42,
    ];
    expect(keyUsage(records)).toEqual({
      byKid: { [oldKey.kid]: 2, [newKey.kid]: 1 },
      malformed: 2,
      total: 5,
    });
  });

  it('shows when an old key is no longer used after rotation', () => {
    const records = realisticSessions(6).map((s) => sealSession(s, before));
    expect(keyUsage(records).byKid[oldKey.kid]).toBe(6);
    const rotated = rotateSessions(records, after).results.map((r) =>
      r.status === 'failed' ? null : r.sealed,
    );
    const usage = keyUsage(rotated);
    expect(usage.byKid[oldKey.kid]).toBeUndefined();
    expect(usage.byKid[newKey.kid]).toBe(6);
  });

  it('counts unsupported versions and oversize records as malformed', () => {
    const sealed = sealSession(realisticSession(0), before);
    const bytes = decodeBase64url(sealed.sealedContext) ?? new Uint8Array();
    bytes[0] = 2;
    const v2 = { ...sealed, sealedContext: encodeBase64url(bytes) };
    const huge = { ...sealed, sealedContext: 'A'.repeat(1_398_211) };
    expect(keyUsage([v2, huge, sealed])).toEqual({ byKid: { [oldKey.kid]: 1 }, malformed: 2, total: 3 });
  });

  it('a non-array is a TypeError', () => {
    expect(() => keyUsage({} as unknown as unknown[])).toThrow(TypeError);
  });
});

describe('sparse input', () => {
  it('a hole in the records array gets its own failed result (results[i] describes records[i])', () => {
    const ring = createKeyring({ primary: generateKey() });
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    const report = rotateSessions([, undefined], ring);
    expect(report.results.map((r) => [r.index, r.status === 'failed' ? r.code : r.status])).toEqual([
      [0, 'ERR_ENVELOPE_MALFORMED'],
      [1, 'ERR_ENVELOPE_MALFORMED'],
    ]);
    expect(report.summary).toMatchObject({ total: 2, failed: 2 });
  });
});
