import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../src/encoding/base64url.js';
import { buildAad, buildAadFromFields, buildAadFromText } from '../src/envelope/aad.js';
import {
  MAX_SEALED_CONTEXT,
  parseSealedRecord,
  type SealedSessionState,
  sealedKid,
} from '../src/envelope/format.js';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import type { SessionSealErrorCode } from '../src/errors.js';
import { generateKey, importKey, keyMaterial } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import type { SessionState } from '../src/schema.js';
import { expectCode } from './helpers/expect-code.js';
import { realisticSession, realisticSessions } from './helpers/fixtures.js';

const key = generateKey();
const keyring = createKeyring({ primary: key });
const state = realisticSession(1);

function withEnvelope(sealed: SealedSessionState, bytes: Uint8Array): SealedSessionState {
  return { ...sealed, sealedContext: encodeBase64url(bytes) };
}

function envelopeOf(sealed: SealedSessionState): Uint8Array {
  const bytes = decodeBase64url(sealed.sealedContext);
  if (bytes === null) throw new Error('test setup: not base64url');
  return bytes;
}

/** SPEC §7: the code a byte-level mutation must produce. */
function expectedForBytes(bytes: Uint8Array, original: Uint8Array): SessionSealErrorCode {
  if (bytes.length === 0) return 'ERR_ENVELOPE_MALFORMED';
  if (bytes[0] !== 0x01) return 'ERR_ENVELOPE_UNSUPPORTED_VERSION';
  if (bytes.length < 81) return 'ERR_ENVELOPE_MALFORMED';
  for (let i = 1; i < 9; i++) if (bytes[i] !== original[i]) return 'ERR_KEY_NOT_FOUND';
  return 'ERR_DECRYPTION_FAILED';
}

describe('sealSession / unsealSession', () => {
  it('round-trips realistic records exactly', () => {
    for (const s of realisticSessions(12)) {
      expect(unsealSession(sealSession(s, keyring), keyring)).toEqual(s);
    }
  });

  it('writes exactly sessionId, metadata and sealedContext, never a context member', () => {
    const sealed = sealSession(state, keyring);
    expect(Object.keys(sealed)).toEqual(['sessionId', 'metadata', 'sealedContext']);
    expect(Object.keys(sealed.metadata)).toEqual(['createdAt', 'lastAccess']);
    expect(sealed.sessionId).toBe(state.sessionId);
    expect(sealed.metadata).toEqual(state.metadata);
    expect('context' in sealed).toBe(false);
  });

  it('puts no secret in the sealed record', () => {
    const text = JSON.stringify(sealSession(state, keyring));
    expect(text).not.toContain(state.context.n8nApiKey);
    expect(text).not.toContain(state.context.n8nApiUrl);
    expect(text).not.toContain(Buffer.from(keyMaterial(key)).toString('base64url'));
  });

  it('uses a fresh nonce per seal', () => {
    const a = envelopeOf(sealSession(state, keyring));
    const b = envelopeOf(sealSession(state, keyring));
    expect(Buffer.from(a.subarray(9, 33)).equals(Buffer.from(b.subarray(9, 33)))).toBe(false);
  });

  it('survives JSON.stringify → JSON.parse', () => {
    const sealed = JSON.parse(JSON.stringify(sealSession(state, keyring))) as unknown;
    expect(unsealSession(sealed, keyring)).toEqual(state);
  });

  it('keeps unknown context members and optional fields', () => {
    const s: SessionState = {
      ...state,
      context: {
        ...state.context,
        n8nApiTimeout: 30000,
        n8nApiMaxRetries: 0,
        uiAppsEnabled: true,
        n8nMcpAccessToken: 'tok_abcdef',
        futureField: { nested: [1, 'two', null, true] },
      },
    };
    expect(unsealSession(sealSession(s, keyring), keyring)).toEqual(s);
  });

  it('refuses to seal an invalid record (ERR_SESSION_INVALID, before any crypto)', () => {
    const bad = { ...state, context: { ...state.context, n8nApiKey: 'your_api_key_here' } };
    const err = expectCode(() => sealSession(bad, keyring), 'ERR_SESSION_INVALID');
    expect(err.message).not.toContain('your_api_key_here');
  });

  it('refuses a context above MAX_PLAINTEXT', () => {
    const big = { ...state, context: { ...state.context, metadata: { blob: 'x'.repeat(1 << 20) } } };
    const err = expectCode(() => sealSession(big, keyring), 'ERR_SESSION_INVALID');
    expect((err as unknown as { issues: unknown }).issues).toEqual([
      { path: ['context'], code: 'too_large' },
    ]);
  });

  it('seals a 64 KiB context', () => {
    const s = { ...state, context: { ...state.context, metadata: { blob: 'y'.repeat(65536) } } };
    expect(unsealSession(sealSession(s, keyring), keyring)).toEqual(s);
  });

  it('throws TypeError for a keyring that is not a Keyring (programmer error)', () => {
    expect(() => sealSession(state, {} as never)).toThrow(TypeError);
    expect(() => unsealSession(sealSession(state, keyring), null as never)).toThrow(TypeError);
  });
});

describe('keys: exact kid lookup', () => {
  const sealed = sealSession(state, keyring);

  it('unknown kid → ERR_KEY_NOT_FOUND', () => {
    expectCode(() => unsealSession(sealed, createKeyring({ primary: generateKey() })), 'ERR_KEY_NOT_FOUND');
  });

  it('same kid, other key bytes → ERR_DECRYPTION_FAILED (commitment)', () => {
    const impostor = importKey(key.kid, new Uint8Array(32).fill(7));
    expectCode(() => unsealSession(sealed, createKeyring({ primary: impostor })), 'ERR_DECRYPTION_FAILED');
  });

  it('disabled key → ERR_KEY_DISABLED', () => {
    const ring = createKeyring({ primary: generateKey(), keys: [{ key, status: 'disabled' }] });
    expectCode(() => unsealSession(sealed, ring), 'ERR_KEY_DISABLED');
  });

  it('decrypt-only key still unseals', () => {
    const ring = createKeyring({ primary: generateKey(), keys: [key] });
    expect(unsealSession(sealed, ring)).toEqual(state);
  });

  it('records under alternating kids each parse to their own kid (the last-kid cache)', () => {
    // format.ts reuses the previous kid text when the kid bytes repeat; interleave four keys whose
    // kids differ only in one byte, and in the first and last byte, so every comparison position counts.
    const kids = ['0000000000000000', '0000000000000001', '8000000000000000', '8000000000000001'];
    const rings = kids.map((kid) => createKeyring({ primary: importKey(kid, new Uint8Array(32).fill(9)) }));
    const records = rings.map((ring) => sealSession(state, ring));
    for (const order of [
      [0, 1, 0, 2, 3, 3, 1],
      [3, 2, 1, 0, 0, 2],
    ]) {
      for (const i of order) {
        expect(sealedKid(records[i])).toBe(kids[i]);
        expect(parseSealedRecord(records[i], true).kidText).toBe(kids[i]);
        expect(unsealSession(records[i], rings[i] as (typeof rings)[number])).toEqual(state);
      }
    }
  });

  it('reused header views follow the latest parse (reuse) and fresh parses keep their own', () => {
    const other = sealSession({ ...state, sessionId: 'other-session' }, keyring);
    const a = parseSealedRecord(sealed);
    const nonceA = Uint8Array.from(a.nonce);
    const r1 = parseSealedRecord(other, true);
    const nonceOther = Uint8Array.from(r1.nonce);
    const r2 = parseSealedRecord(sealed, true);
    expect(Array.from(r2.nonce)).toEqual(Array.from(nonceA));
    expect(Array.from(r2.header.subarray(9, 33))).toEqual(Array.from(nonceA));
    expect(Array.from(a.nonce)).toEqual(Array.from(nonceA)); // a fresh parse is not overwritten
    expect(Array.from(nonceOther)).not.toEqual(Array.from(nonceA));
  });

  it('reused header views stay right as the reused buffer grows and past its 128 KiB limit', () => {
    const sized = (n: number) =>
      sealSession({ ...state, context: { ...state.context, metadata: { blob: 'z'.repeat(n) } } }, keyring);
    const records = [sealed, sized(64 * 1024), sealed, sized(140 * 1024), sealed, sized(10 * 1024)];
    for (const record of [...records, ...records]) {
      const fresh = parseSealedRecord(record);
      const reused = parseSealedRecord(record, true);
      for (const part of ['kid', 'nonce', 'commitment', 'header', 'body'] as const) {
        expect(Buffer.from(reused[part]).equals(Buffer.from(fresh[part]))).toBe(true);
      }
      expect(unsealSession(record, keyring).sessionId).toBe(state.sessionId);
    }
  });
});

describe('binding of the clear fields (SPEC §5.2)', () => {
  const sealed = sealSession(state, keyring);
  const other = sealSession(realisticSession(2), keyring);

  it('swapped sessionId → ERR_DECRYPTION_FAILED', () => {
    expectCode(
      () => unsealSession({ ...sealed, sessionId: other.sessionId }, keyring),
      'ERR_DECRYPTION_FAILED',
    );
  });

  it('context moved to another record → ERR_DECRYPTION_FAILED', () => {
    expectCode(
      () => unsealSession({ ...other, sealedContext: sealed.sealedContext }, keyring),
      'ERR_DECRYPTION_FAILED',
    );
  });

  it('edited lastAccess (resurrection) → ERR_DECRYPTION_FAILED', () => {
    const metadata = { ...sealed.metadata, lastAccess: new Date().toISOString() };
    expectCode(() => unsealSession({ ...sealed, metadata }, keyring), 'ERR_DECRYPTION_FAILED');
  });

  it('edited createdAt → ERR_DECRYPTION_FAILED', () => {
    const metadata = { ...sealed.metadata, createdAt: '2020-01-01T00:00:00.000Z' };
    expectCode(() => unsealSession({ ...sealed, metadata }, keyring), 'ERR_DECRYPTION_FAILED');
  });

  it('one constant message for every decryption failure', () => {
    const messages = new Set<string>();
    const impostor = createKeyring({ primary: importKey(key.kid, new Uint8Array(32)) });
    for (const f of [
      () => unsealSession({ ...sealed, sessionId: other.sessionId }, keyring),
      () => unsealSession(sealed, impostor),
      () => {
        const b = envelopeOf(sealed);
        b[b.length - 1]! ^= 1;
        unsealSession(withEnvelope(sealed, b), keyring);
      },
      () => {
        const b = envelopeOf(sealed);
        b[40]! ^= 1;
        unsealSession(withEnvelope(sealed, b), keyring);
      },
    ]) {
      messages.add(expectCode(f, 'ERR_DECRYPTION_FAILED').message);
    }
    expect([...messages]).toEqual(['decryption failed']);
  });
});

describe('hostile input (SPEC §7 steps 1–2)', () => {
  const sealed = sealSession(state, keyring);

  it.each([
    ['null', null],
    ['a string', 'sealed'],
    ['an array', [sealed]],
    ['a number', 42],
    ['missing sealedContext', { sessionId: sealed.sessionId, metadata: sealed.metadata }],
    ['extra member', { ...sealed, extra: 1 }],
    ['plaintext context next to it', { ...sealed, context: state.context }],
    ['metadata extra member', { ...sealed, metadata: { ...sealed.metadata, x: '1' } }],
    ['metadata missing member', { ...sealed, metadata: { createdAt: sealed.metadata.createdAt } }],
    ['sessionId number', { ...sealed, sessionId: 5 }],
    ['empty sessionId', { ...sealed, sessionId: '' }],
    ['sessionId 257 bytes', { ...sealed, sessionId: 'a'.repeat(257) }],
    ['lone surrogate', { ...sealed, sessionId: 'a\ud800' }],
    ['padding', { ...sealed, sealedContext: `${sealed.sealedContext}=` }],
    ['whitespace', { ...sealed, sealedContext: ` ${sealed.sealedContext}` }],
    [
      'base64 alphabet',
      { ...sealed, sealedContext: `${sealed.sealedContext.replace(/-/g, '+').replace(/_/g, '/')}+` },
    ],
    ['empty sealedContext', { ...sealed, sealedContext: '' }],
    ['class instance', Object.assign(Object.create({ x: 1 }) as object, sealed)],
  ])('%s → ERR_ENVELOPE_MALFORMED', (_name, input) => {
    expectCode(() => unsealSession(input, keyring), 'ERR_ENVELOPE_MALFORMED');
  });

  it('oversize is rejected before decoding → ERR_ENVELOPE_TOO_LARGE', () => {
    expectCode(
      () => unsealSession({ ...sealed, sealedContext: 'A'.repeat(MAX_SEALED_CONTEXT + 1) }, keyring),
      'ERR_ENVELOPE_TOO_LARGE',
    );
    // …even when the rest of the record is also wrong: size is the first check.
    expectCode(
      () => unsealSession({ sealedContext: '!'.repeat(MAX_SEALED_CONTEXT + 1) }, keyring),
      'ERR_ENVELOPE_TOO_LARGE',
    );
  });

  it('unknown version byte → ERR_ENVELOPE_UNSUPPORTED_VERSION', () => {
    for (const v of [0x00, 0x02, 0xff]) {
      const b = envelopeOf(sealed);
      b[0] = v;
      const err = expectCode(
        () => unsealSession(withEnvelope(sealed, b), keyring),
        'ERR_ENVELOPE_UNSUPPORTED_VERSION',
      );
      expect(err.message).toBe(`unsupported envelope version ${v}`);
    }
  });

  it('every single-bit flip of the envelope is rejected with the SPEC code', () => {
    const original = envelopeOf(sealed);
    for (let byte = 0; byte < original.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = original.slice();
        b[byte]! ^= 1 << bit;
        expectCode(() => unsealSession(withEnvelope(sealed, b), keyring), expectedForBytes(b, original));
      }
    }
  });

  it('every truncation and every extension of the envelope bytes is rejected', () => {
    const original = envelopeOf(sealed);
    for (let n = 0; n < original.length; n++) {
      const b = original.slice(0, n);
      expectCode(() => unsealSession(withEnvelope(sealed, b), keyring), expectedForBytes(b, original));
    }
    for (const extra of [[0], [0, 0], [0xff, 1, 2]]) {
      const b = Uint8Array.from([...original, ...extra]);
      expectCode(() => unsealSession(withEnvelope(sealed, b), keyring), 'ERR_DECRYPTION_FAILED');
    }
  });

  it('every truncation of the sealedContext text is rejected', () => {
    const original = envelopeOf(sealed);
    const text = sealed.sealedContext;
    for (let n = 0; n < text.length; n++) {
      const prefix = text.slice(0, n);
      const bytes = decodeBase64url(prefix);
      const expected = bytes === null ? 'ERR_ENVELOPE_MALFORMED' : expectedForBytes(bytes, original);
      expectCode(() => unsealSession({ ...sealed, sealedContext: prefix }, keyring), expected);
    }
  });
});

describe('properties (fast-check)', () => {
  const isoDate = fc
    .integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') })
    .map((t) => new Date(t).toISOString());
  const noControl = (s: string) =>
    ![...s].some((c) => c.charCodeAt(0) <= 0x1f || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
  const sessionId = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
    .filter((s) => noControl(s) && Buffer.byteLength(s) <= 256 && s.length > 0);
  const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('__proto__'));
  const arbState: fc.Arbitrary<SessionState> = fc.record({
    sessionId,
    metadata: fc.record({ createdAt: isoDate, lastAccess: isoDate }),
    context: fc.record({
      n8nApiUrl: fc.constantFrom(
        'https://n8n.example.org/api/v1',
        'http://10.0.0.5:5678',
        'https://ü.n8n.cloud/',
      ),
      n8nApiKey: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
        .filter((k) => !/your_api_key|placeholder|example/i.test(k)),
      instanceId: fc.string({ maxLength: 40 }),
      metadata: fc.dictionary(
        fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__'),
        jsonValue,
        { maxKeys: 6 },
      ),
    }),
  });

  it('round trip: unseal(seal(s)) equals the JSON image of s', () => {
    fc.assert(
      fc.property(arbState, (s) => {
        const back = unsealSession(sealSession(s, keyring), keyring);
        expect(back).toEqual(JSON.parse(JSON.stringify(s)));
      }),
      { numRuns: 200 },
    );
  });

  it('tampering: any bit flip at any position of any record fails with the SPEC code', () => {
    fc.assert(
      fc.property(arbState, fc.nat(), fc.integer({ min: 0, max: 7 }), (s, pos, bit) => {
        const sealed = sealSession(s, keyring);
        const original = envelopeOf(sealed);
        const b = original.slice();
        const i = pos % b.length;
        b[i]! ^= 1 << bit;
        expectCode(() => unsealSession(withEnvelope(sealed, b), keyring), expectedForBytes(b, original));
      }),
      { numRuns: 300 },
    );
  });

  it('canonical: an accepted record re-encodes to the identical text', () => {
    fc.assert(
      fc.property(arbState, (s) => {
        const sealed = sealSession(s, keyring);
        const bytes = envelopeOf(sealed);
        expect(encodeBase64url(bytes)).toBe(sealed.sealedContext);
      }),
      { numRuns: 50 },
    );
  });
});

describe("the AAD on unseal uses the parser's UTF-8 lengths", () => {
  it('equals the AAD built from the strings and from their encoded bytes, any clear fields (property)', () => {
    const enc = new TextEncoder();
    const sealed = sealSession(realisticSession(1), createKeyring({ primary: generateKey() }));
    // Any well-formed text of 1–16 code points (1–4 UTF-8 bytes each, astral included): at most
    // 64 bytes, so every field passes SPEC §5.4. Clear fields are only checked as text before the
    // tag (SPEC §7 step 2), so the parser takes them.
    const field = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(field, field, field, (sessionId, createdAt, lastAccess) => {
        const parsed = parseSealedRecord({ ...sealed, sessionId, metadata: { createdAt, lastAccess } });
        const fromFields = buildAadFromFields(parsed.header, parsed).slice();
        const fromText = buildAadFromText(parsed.header, sessionId, createdAt, lastAccess).slice();
        expect(fromFields).toEqual(fromText);
        expect(fromFields).toEqual(
          buildAad(parsed.header, enc.encode(sessionId), enc.encode(createdAt), enc.encode(lastAccess)),
        );
      }),
      { numRuns: 500 },
    );
  });
});
