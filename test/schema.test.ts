import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionInvalidError, type ValidationIssue } from '../src/errors.js';
import {
  checkOpenedSessionState,
  checkSessionState,
  isCertainlyValidUrl,
  isIsoDateTime,
  SCHEMA_ISSUE_CODES,
  SessionContextSchema,
  type SessionState,
  SessionStateSchema,
  StrictSessionContextSchema,
  StrictSessionStateSchema,
  timeValue,
  type ValidateOptions,
  validateSessionState,
} from '../src/schema.js';
import { isForbiddenHost, parseIPv4, parseIPv6, strictUrlViolations } from '../src/url-policy.js';
import { jwtKey, n8nKey, prng, realisticSession, uuid } from './helpers/fixtures.js';

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

const SESSION_ID = '3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f';
const N8N_KEY = `n8n_api_${'0123456789abcdef'.repeat(5)}`;

/** A fresh, valid, realistic record every call (tests mutate it). */
function base(): Record<string, unknown> & {
  metadata: Record<string, unknown>;
  context: Record<string, unknown>;
} {
  return {
    sessionId: SESSION_ID,
    metadata: { createdAt: '2026-11-23T11:00:00.000Z', lastAccess: '2026-11-23T11:59:00.000Z' },
    context: {
      n8nApiUrl: 'https://acme.app.n8n.cloud/api/v1',
      n8nApiKey: N8N_KEY,
      instanceId: 'acme-1a2b3c',
      sessionId: SESSION_ID,
      metadata: { userAgent: 'Mozilla/5.0 Claude/1.0', ip: '203.0.113.7' },
    },
  };
}

function withContext(patch: Record<string, unknown>): Record<string, unknown> {
  const r = base();
  r.context = { ...r.context, ...patch };
  return r;
}

function withoutContextKey(key: string): Record<string, unknown> {
  const r = base();
  delete r.context[key];
  return r;
}

function issuesOf(value: unknown, options?: ValidateOptions): ValidationIssue[] {
  const result = checkSessionState(value, options);
  if (result.ok) throw new Error('expected the record to be rejected');
  return result.issues;
}

/** Exactly one issue, with this path and code. */
function expectIssue(
  value: unknown,
  path: (string | number)[],
  code: string,
  options?: ValidateOptions,
): void {
  expect(issuesOf(value, options)).toEqual([{ path, code }]);
}

function expectValid(value: unknown, options?: ValidateOptions): SessionState {
  const result = checkSessionState(value, options);
  if (!result.ok) throw new Error(`expected valid, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

const URL_PATH = ['context', 'n8nApiUrl'];
const KEY_PATH = ['context', 'n8nApiKey'];
const STRICT: ValidateOptions = { urlPolicy: 'strict' };

// ---------------------------------------------------------------------------------------------

describe('realistic records', () => {
  it('accepts UUID and multi-tenant sessionIds, JWT-shaped and n8n_api_ keys', () => {
    const rand = prng(42);
    const jwt = jwtKey(rand);
    const key = n8nKey(rand);
    expect(jwt).toHaveLength(229);
    expect(key).toHaveLength(88);
    const tenantId = `instance-tenant3-1a2b3c4d-${uuid(rand)}`;
    for (const [sessionId, apiKey] of [
      [uuid(rand), jwt],
      [tenantId, key],
    ] as const) {
      const record = base();
      record.sessionId = sessionId;
      record.context.sessionId = sessionId;
      record.context.n8nApiKey = apiKey;
      const out = expectValid(record);
      expect(out).toEqual(record);
      expect(out.context.n8nApiKey).toBe(apiKey);
      expect(out.context.metadata).toEqual({ userAgent: 'Mozilla/5.0 Claude/1.0', ip: '203.0.113.7' });
    }
  });

  it('accepts the shared fixtures under both URL policies and returns equal values', () => {
    for (let i = 0; i < 24; i++) {
      const record = realisticSession(i);
      expect(validateSessionState(record)).toEqual(record);
      expect(validateSessionState(record, STRICT)).toEqual(record);
    }
  });

  it('returns a fresh object that shares no mutable object with the input', () => {
    const record = base();
    record.context.extra = { nested: { list: [1, { deep: true }] } };
    const out = validateSessionState(record);
    expect(out).toEqual(record);
    expect(out).not.toBe(record);
    expect(out.metadata).not.toBe(record.metadata);
    expect(out.context).not.toBe(record.context);
    expect(out.context.metadata).not.toBe(record.context.metadata);
    expect(out.context.extra).not.toBe(record.context.extra);
    const extraIn = record.context.extra as { nested: { list: unknown[] } };
    const extraOut = out.context.extra as { nested: { list: unknown[] } };
    expect(extraOut.nested.list).not.toBe(extraIn.nested.list);
    expect(extraOut.nested.list[1]).not.toBe(extraIn.nested.list[1]);
  });

  it('keeps unknown context members of every JSON type (a newer n8n-mcp may write them)', () => {
    const extras = {
      futureFlag: true,
      futureCount: 3,
      futureName: 'x',
      futureNull: null,
      futureList: [1, 'two', null, { three: [3] }],
      futureObject: { a: { b: { c: 'd' } } },
    };
    const out = validateSessionState(withContext(extras));
    for (const [key, value] of Object.entries(extras)) expect(out.context[key]).toEqual(value);
    expect(JSON.parse(JSON.stringify(out))).toEqual(withContext(extras));
  });

  it('accepts every optional context field at valid values', () => {
    const record = withContext({
      n8nApiTimeout: 30_000,
      n8nApiMaxRetries: 0,
      n8nMcpAccessToken: 'tok_abc',
      uiAppsEnabled: false,
    });
    expect(validateSessionState(record)).toEqual(record);
  });

  it('accepts a minimal record (only the two required context fields)', () => {
    const record = { ...base(), context: { n8nApiUrl: 'http://n8n:5678', n8nApiKey: N8N_KEY } };
    expect(validateSessionState(record)).toEqual(record);
  });
});

describe('record (SPEC §8 row "record")', () => {
  it.each([null, undefined, 'x', 42, [], true])('type: %j is not a record', (value) => {
    expectIssue(value, [], 'type');
  });

  it.each(['sessionId', 'metadata', 'context'])('required: missing %s', (key) => {
    const record = base();
    delete record[key];
    expectIssue(record, [key], 'required');
  });

  it('required: a member set to undefined counts as missing', () => {
    expectIssue({ ...base(), sessionId: undefined }, ['sessionId'], 'required');
  });

  it('unknown_key: extra top-level members are rejected, one issue each', () => {
    expect(issuesOf({ ...base(), sealedContext: 'AAAA', other: 1 })).toEqual([
      { path: ['sealedContext'], code: 'unknown_key' },
      { path: ['other'], code: 'unknown_key' },
    ]);
  });

  it('unknown_key: a top-level __proto__ member', () => {
    const record = JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(base()).slice(1)}`);
    expect(Object.hasOwn(record, '__proto__')).toBe(true);
    expectIssue(record, ['__proto__'], 'unknown_key');
  });

  it('reports several issues at once, in field order', () => {
    const record = base();
    record.sessionId = '';
    record.metadata.createdAt = 'yesterday';
    record.context.n8nApiKey = 'your_api_key';
    expect(issuesOf(record)).toEqual([
      { path: ['sessionId'], code: 'too_short' },
      { path: ['metadata', 'createdAt'], code: 'datetime' },
      { path: KEY_PATH, code: 'placeholder' },
    ]);
  });
});

describe('sessionId', () => {
  const id = (sessionId: unknown) => ({ ...base(), sessionId });

  it('type', () => expectIssue(id(42), ['sessionId'], 'type'));
  it('too_short: empty', () => expectIssue(id(''), ['sessionId'], 'too_short'));
  it('length is in UTF-8 bytes: 256 bytes pass, 257 fail', () => {
    expectValid(id('é'.repeat(128))); // 128 chars, 256 bytes
    expectValid(id('a'.repeat(256)));
    expectValid(id(`${'😀'.repeat(63)}abcd`)); // 63 × 4 + 4 = 256 bytes
    expectIssue(id(`${'é'.repeat(128)}a`), ['sessionId'], 'too_long'); // 129 chars, 257 bytes
    expectIssue(id('a'.repeat(257)), ['sessionId'], 'too_long');
    expectIssue(id('a'.repeat(1_000_000)), ['sessionId'], 'too_long');
  });
  it.each(['\u0000', '\u0009', '\u001f', '\u007f', '\u0085', '\u009f'])('control_char: %j', (c) => {
    expectIssue(id(`abc${c}def`), ['sessionId'], 'control_char');
  });
  it.each([' ', '~', '\u00a0', '\u2028', '😀'])('no control_char: %j', (c) => {
    expectValid(id(`abc${c}def`));
  });
  it.each(['\ud800', '\udfff', 'a\ud83d', '\ude00b'])('not_well_formed: lone surrogate %j', (s) => {
    expectIssue(id(s), ['sessionId'], 'not_well_formed');
  });
  it('a lone surrogate and a control character are both reported', () => {
    expect(issuesOf(id('\ud800\u0001'))).toEqual([
      { path: ['sessionId'], code: 'not_well_formed' },
      { path: ['sessionId'], code: 'control_char' },
    ]);
  });
});

describe('sessionId rules against a reference implementation (property)', () => {
  const encoder = new TextEncoder();
  function reference(text: string): string[] {
    if (text.length === 0) return ['too_short'];
    // TextEncoder writes a lone surrogate as U+FFFD (3 bytes), the same count utf8Length uses.
    if (encoder.encode(text).length > 256) return ['too_long'];
    const codes: string[] = [];
    try {
      encodeURIComponent(text); // throws URIError on a lone surrogate
    } catch {
      codes.push('not_well_formed');
    }
    // General category Cc is exactly U+0000–U+001F and U+007F–U+009F.
    if (/\p{Cc}/u.test(text)) codes.push('control_char');
    return codes;
  }
  // Raw UTF-16 code units, biased towards the interesting ones.
  const unit = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.constantFrom(0x00, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0xffff),
    fc.integer({ min: 0, max: 0xffff }),
  );
  const text = fc.oneof(
    fc.array(unit, { maxLength: 40 }).map((u) => String.fromCharCode(...u)),
    fc.array(unit, { minLength: 80, maxLength: 300 }).map((u) => String.fromCharCode(...u)),
    fc.string({ unit: 'binary', minLength: 60, maxLength: 130 }),
  );
  it('reports exactly the reference codes', () => {
    fc.assert(
      fc.property(text, (sessionId) => {
        const result = checkSessionState({ ...base(), sessionId });
        const expected = reference(sessionId);
        if (expected.length === 0) expect(result.ok).toBe(true);
        else
          expect(result.ok ? [] : result.issues).toEqual(
            expected.map((code) => ({ path: ['sessionId'], code })),
          );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('metadata (clear timestamps)', () => {
  it('type', () => expectIssue({ ...base(), metadata: 'x' }, ['metadata'], 'type'));
  it('type: an array', () => expectIssue({ ...base(), metadata: [] }, ['metadata'], 'type'));
  it.each(['createdAt', 'lastAccess'])('required: %s', (key) => {
    const record = base();
    delete record.metadata[key];
    expectIssue(record, ['metadata', key], 'required');
  });
  it('unknown_key: only createdAt and lastAccess are allowed', () => {
    const record = base();
    record.metadata.expiresAt = '2026-11-23T12:00:00.000Z';
    expectIssue(record, ['metadata', 'expiresAt'], 'unknown_key');
  });
  it('unknown_key: an own __proto__ member of metadata', () => {
    const metadata = JSON.parse(
      '{"__proto__": {"polluted": true}, "createdAt": "2026-11-23T11:00:00.000Z", "lastAccess": "2026-11-23T11:00:00.000Z"}',
    ) as unknown;
    expectIssue({ ...base(), metadata }, ['metadata', '__proto__'], 'unknown_key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it.each(['createdAt', 'lastAccess'])('type: %s must be a string', (key) => {
    const record = base();
    record.metadata[key] = Date.now();
    expectIssue(record, ['metadata', key], 'type');
  });
  it('type: a Date object is not the ISO string', () => {
    const record = base();
    record.metadata.createdAt = new Date();
    expectIssue(record, ['metadata', 'createdAt'], 'type');
  });

  const good = [
    '2026-11-23T11:00:00.000Z',
    '2026-11-23T11:00:00Z',
    '2026-11-23T11:00:00.1Z',
    '2026-11-23T11:00:00.123456789Z',
    '2026-11-23T11:00:00+05:30',
    '2026-11-23T11:00:00.000-08:00',
    '2024-02-29T00:00:00.000Z',
    '2000-02-29T23:59:59.999Z',
    '0000-01-01T00:00:00.000Z',
    new Date(8.64e15).toISOString(), // +275760-09-13T00:00:00.000Z
    new Date(-8.64e15).toISOString(), // -271821-04-20T00:00:00.000Z
  ];
  it.each(good)('datetime accepted: %s', (value) => {
    const record = base();
    record.metadata.lastAccess = value;
    expectValid(record);
  });

  const bad = [
    '',
    '2026-11-23',
    '2026-11-23T11:00Z',
    '2026-11-23T11:00:00',
    '2026-11-23 11:00:00Z',
    '2026-11-23t11:00:00z',
    '2026-11-23T11:00:00.Z',
    '2026-11-23T11:00:00.1234567890Z',
    '2026-11-23T11:00:00+0530',
    '2026-11-23T11:00:00+05',
    '2026-11-23T11:00:00+24:00',
    '2026-11-23T11:00:00+05:60',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T23:60:00Z',
    '2026-11-23T23:59:60Z',
    '-000000-01-01T00:00:00.000Z',
    '+02026-11-23T11:00:00Z',
    ' 2026-11-23T11:00:00Z',
    '2026-11-23T11:00:00Z\n',
    'Mon, 23 Nov 2026 11:00:00 GMT',
    `2026-11-23T11:00:00.${'1'.repeat(100)}Z`,
    // Outside the ECMAScript time range (Date.parse → NaN): such a lastAccess would never expire.
    '+275761-01-01T00:00:00Z',
    '+999999-12-31T23:59:59Z',
    '-271822-01-01T00:00:00Z',
  ];
  it.each(bad)('datetime rejected: %j', (value) => {
    const record = base();
    record.metadata.createdAt = value;
    expectIssue(record, ['metadata', 'createdAt'], 'datetime');
  });

  it('isIsoDateTime accepts every Date#toISOString() output (property)', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (d) => {
        expect(isIsoDateTime(d.toISOString())).toBe(true);
      }),
    );
  });

  it('timeValue equals Date.parse: toISOString output of any year, shape-alike invalid dates, other text', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const shapeAlike = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        twoDigits,
        twoDigits,
        twoDigits,
        twoDigits,
        twoDigits,
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([y, mo, d, h, mi, s, ms]) =>
          `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`,
      );
    const iso = fc
      .integer({ min: -62_167_219_200_000, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }) // years 0000–9999
      .map((t) => new Date(t).toISOString());
    fc.assert(
      fc.property(fc.oneof(iso, shapeAlike, fc.string({ maxLength: 30 })), (text) => {
        expect(Object.is(timeValue(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const text of [
      '0000-01-01T00:00:00.000Z',
      '0099-12-31T23:59:59.999Z',
      '0100-03-01T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2026-11-23T24:00:00.000Z',
    ]) {
      expect(Object.is(timeValue(text), Date.parse(text)), text).toBe(true);
    }
  });

  it('isIsoDateTime agrees with Date.parse on calendar validity (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00.000Z`;
          const date = new Date(Date.UTC(0, m - 1, d));
          date.setUTCFullYear(y, m - 1, d);
          const real = date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
          expect(isIsoDateTime(text)).toBe(real);
        },
      ),
    );
  });

  it.each([
    ['2024-02-29T12:00:00.000Z', true],
    ['0000-02-29T00:00:00.000Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['2026-02-29T12:00:00.000Z', false],
    ['1900-02-29T12:00:00.000Z', false],
    ['2026-04-31T12:00:00.000Z', false],
    ['2026-13-01T12:00:00.000Z', false],
    ['2026-00-10T12:00:00.000Z', false],
    ['2026-01-00T12:00:00.000Z', false],
    ['2026-01-01T24:00:00.000Z', false],
    ['2026-01-01T23:60:00.000Z', false],
    ['2026-01-01T23:59:60.000Z', false],
  ] as const)('toISOString-shaped %s → %s (fast path)', (text, ok) => {
    expect(isIsoDateTime(text)).toBe(ok);
  });

  it('the toISOString-shaped fast path agrees with a round trip through Date (property)', () => {
    // Every field drawn from 00…99 (years 0000…9999), so out-of-range months, days, hours, minutes
    // and seconds are common; for years 0000–9999, a valid instant is exactly one whose
    // toISOString() gives the text back. Also non-digits and the zone-offset form of the same length.
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two,
        two,
        two,
        two,
        two,
        fc.constantFrom('000', '999', '12a', ' 12'),
        fc.constantFrom('Z', 'z', '+'),
        (y, mo, d, h, mi, s, ms, z) => {
          const text = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${z}`;
          const t = Date.parse(text);
          const real =
            /^\d{3}$/.test(ms) && z === 'Z' && !Number.isNaN(t) && new Date(t).toISOString() === text;
          expect(isIsoDateTime(text)).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('non-ASCII URLs keep the general verdict after many calls (URL.canParse goes wrong on them when optimized)', () => {
    // Node 20.20: URL.canParse('https://é') flips to false after a few thousand calls; schema.ts
    // keeps non-ASCII text off that path. 6,000 validations cross the point where it flipped here.
    for (let i = 0; i < 6000; i++) {
      const n8nApiUrl = i % 2 === 0 ? 'https://é.example' : `https://tenant-${i}.example`;
      expect(checkSessionState(withContext({ n8nApiUrl })).ok).toBe(true);
    }
  });
});

describe('context', () => {
  it.each([null, 'x', 42, [], [{}]])('type: %j', (context) => {
    expectIssue({ ...base(), context }, ['context'], 'type');
  });
  it.each([new Date(), new Map(), new (class Ctx {})()])('type: non-plain object %#', (context) => {
    expectIssue({ ...base(), context }, ['context'], 'type');
  });
  it('type: a class instance even with the right own fields', () => {
    class Ctx {
      n8nApiUrl = 'https://acme.app.n8n.cloud';
      n8nApiKey = N8N_KEY;
    }
    expectIssue({ ...base(), context: new Ctx() }, ['context'], 'type');
  });
  it('accepts a null-prototype object', () => {
    const context = Object.assign(Object.create(null) as Record<string, unknown>, base().context);
    expect(validateSessionState({ ...base(), context }).context).toEqual(base().context);
  });
  it('required', () => {
    const record = base() as Record<string, unknown>;
    delete record.context;
    expectIssue(record, ['context'], 'required');
  });
});

describe('context.n8nApiUrl', () => {
  it('required', () => expectIssue(withoutContextKey('n8nApiUrl'), URL_PATH, 'required'));
  it('required: undefined counts as missing', () =>
    expectIssue(withContext({ n8nApiUrl: undefined }), URL_PATH, 'required'));
  it('type', () => expectIssue(withContext({ n8nApiUrl: 42 }), URL_PATH, 'type'));
  it('type: a URL object is not a string', () =>
    expectIssue(withContext({ n8nApiUrl: new URL('https://a.b') }), URL_PATH, 'type'));

  it('too_long: 2048 bytes pass, 2049 fail', () => {
    const prefix = 'https://acme.app.n8n.cloud/';
    const ok = prefix + 'a'.repeat(2048 - prefix.length);
    expectValid(withContext({ n8nApiUrl: ok }));
    expectIssue(withContext({ n8nApiUrl: `${ok}a` }), URL_PATH, 'too_long');
    // bytes, not characters: 1025 two-byte characters are 2050 bytes
    expectIssue(withContext({ n8nApiUrl: prefix + 'é'.repeat(1025) }), URL_PATH, 'too_long');
  });

  it.each(['', 'not a url', 'acme.app.n8n.cloud', '//acme.app.n8n.cloud', 'https://', 'http://[::1'])(
    'url: %j does not parse',
    (n8nApiUrl) => expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url'),
  );

  it.each([
    'ftp://acme.app.n8n.cloud',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ws://acme.io',
    'data:,x',
  ])('url_protocol: %s', (n8nApiUrl) => expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url_protocol'));

  it.each([
    'https://acme.app.n8n.cloud',
    'http://localhost:5678',
    'HTTPS://ACME.APP.N8N.CLOUD/api/v1',
    'http://192.168.1.10:5678/api/v1',
    'https://user:pw@acme.io/#frag',
    ' https://acme.io', // leading space: stripped by the URL parser (the general path decides)
    'https://ac\tme.io', // tab inside: removed by the URL parser
    'https:acme.io', // special scheme without slashes still parses
  ])('standard policy accepts %j unchanged', (n8nApiUrl) => {
    expect(validateSessionState(withContext({ n8nApiUrl })).context.n8nApiUrl).toBe(n8nApiUrl);
  });

  // The `https://` / `http://` prefix takes the URL.canParse path in schema.ts; these fail there.
  it.each(['https://', 'http://', 'https://a b.io', 'https://[::1', 'http://exa mple.com', 'https://%zz'])(
    'url (prefix path): %j does not parse',
    (n8nApiUrl) => expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url'),
  );

  it('the verdict equals the new URL rule (parses, protocol http: or https:) for any text', () => {
    const general = (text: string): ValidationIssue['code'] | 'ok' => {
      try {
        const { protocol } = new URL(text);
        return protocol === 'http:' || protocol === 'https:' ? 'ok' : 'url_protocol';
      } catch {
        return 'url';
      }
    };
    const piece = fc.constantFrom(
      'https://',
      'http://',
      'HTTP://',
      ' ',
      '\t',
      '\n',
      'a',
      '.',
      ':',
      '/',
      '@',
      '[',
      ']',
      '%',
      '#',
      '?',
      'é',
      '\u0000',
      '1',
      '-',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const result = checkSessionState(withContext({ n8nApiUrl: text }));
        const issues = result.ok ? [] : result.issues;
        expect(issues.length === 0 ? 'ok' : issues[0]?.code).toBe(general(text));
        expect(issues.every((i) => i.path.join('.') === URL_PATH.join('.'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('context.n8nApiUrl: the parser-free accept (CERTAINLY_VALID_URL)', () => {
  const parsesAsHttp = (text: string): boolean => {
    try {
      const { protocol } = new URL(text);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  };

  it.each([
    'https://acme.app.n8n.cloud/api/v1',
    'http://localhost:5678',
    'https://tenant-0a1b2c.app.n8n.cloud/api/v1?x=1#f',
    'http://n8n-1.internal:80/',
    'https://a1-.b/%zz?q=%#x\\y',
  ])('takes %j without a parser (and it parses)', (text) => {
    expect(isCertainlyValidUrl(text)).toBe(true);
    expect(parsesAsHttp(text)).toBe(true);
  });

  // Each an edge of the proof in schema.ts; the general path decides them (some parse, some not).
  it.each([
    'https://xn--a.com', // punycode label: validated by domain to ASCII, may fail
    'https://a.xn--zz', // the same in the last label
    'https://a.1', // ends in a number: IPv4 parse, fails
    'https://a.0x1', // hex IPv4 number
    'https://1.2.3.4', // an IPv4 address
    'https://a:65536', // port over the limit
    'https://a:12345', // five digits: not proven here
    'https://a.', // trailing dot
    'https://a..b', // empty label
    'https://A.com', // upper case: mapped by domain to ASCII
    'https://u@a.com', // credentials
    'https://a.com x', // space
    'https://a_b.com', // underscore in the host
    'https://[::1]/', // IPv6
    'https:///a.com', // extra slash
    'https://-a.com', // label starting with a hyphen
  ])('leaves %j to the URL parser', (text) => {
    expect(isCertainlyValidUrl(text)).toBe(false);
  });

  it('everything it takes parses as http(s), and the verdict equals new URL (property, near every edge)', () => {
    const label = fc
      .array(fc.constantFrom('a', 'z', 'x', 'n', '0', '1', '9', '-', 'xn--', '0x', 'A', '_'), {
        minLength: 0,
        maxLength: 4,
      })
      .map((parts) => parts.join(''));
    const port = fc.option(
      fc.stringMatching(/^[0-9]{0,6}$/).map((digits) => `:${digits}`),
      { nil: '' },
    );
    const rest = fc.option(
      fc
        .tuple(fc.constantFrom('/', '?', '#', '\\', '@', ' '), fc.string({ maxLength: 6 }))
        .map(([a, b]) => a + b),
      { nil: '' },
    );
    const url = fc
      .tuple(
        fc.constantFrom('http://', 'https://'),
        fc.array(label, { minLength: 1, maxLength: 4 }),
        port,
        rest,
      )
      .map(([scheme, labels, p, r]) => `${scheme}${labels.join('.')}${p}${r}`);
    let taken = 0;
    fc.assert(
      fc.property(url, (text) => {
        const parses = parsesAsHttp(text);
        if (isCertainlyValidUrl(text)) {
          taken++;
          expect(parses).toBe(true);
        }
        const result = checkSessionState(withContext({ n8nApiUrl: text }));
        expect(result.ok).toBe(parses);
      }),
      { numRuns: 4000 },
    );
    // The generator reaches the accepted side as well as the edges.
    expect(taken).toBeGreaterThan(100);
  });
});

describe('context.n8nApiKey', () => {
  it('required', () => expectIssue(withoutContextKey('n8nApiKey'), KEY_PATH, 'required'));
  it('type', () => expectIssue(withContext({ n8nApiKey: 12345 }), KEY_PATH, 'type'));
  it('type: null', () => expectIssue(withContext({ n8nApiKey: null }), KEY_PATH, 'type'));
  it('too_short', () => expectIssue(withContext({ n8nApiKey: '' }), KEY_PATH, 'too_short'));
  it('too_long: 8192 bytes pass, 8193 fail', () => {
    expectValid(withContext({ n8nApiKey: 'k'.repeat(8192) }));
    expectIssue(withContext({ n8nApiKey: 'k'.repeat(8193) }), KEY_PATH, 'too_long');
    expectIssue(withContext({ n8nApiKey: 'ü'.repeat(4097) }), KEY_PATH, 'too_long');
  });
  it.each([
    'your_api_key',
    'YOUR_API_KEY',
    'prefix-Your_Api_Key-suffix',
    'placeholder',
    'PlaceHolder123',
    'example',
    'n8n_api_EXAMPLE_0000',
  ])('placeholder: %s', (n8nApiKey) => {
    expectIssue(withContext({ n8nApiKey }), KEY_PATH, 'placeholder');
  });
  it.each(['your-api-key', 'place_holder', 'exampl', 'xample'])('no placeholder: %s', (n8nApiKey) => {
    expectValid(withContext({ n8nApiKey }));
  });
});

describe('context.instanceId / context.sessionId / context.n8nMcpAccessToken', () => {
  it.each([
    ['instanceId', 256],
    ['sessionId', 256],
    ['n8nMcpAccessToken', 8192],
  ] as const)('%s: type and too_long at %i bytes', (key, max) => {
    const path = ['context', key];
    expectValid(withContext({ [key]: 'x'.repeat(max) }));
    expectValid(withContext({ [key]: '' }));
    expectIssue(withContext({ [key]: 'x'.repeat(max + 1) }), path, 'too_long');
    expectIssue(withContext({ [key]: 'é'.repeat(max / 2 + 1) }), path, 'too_long');
    expectIssue(withContext({ [key]: 7 }), path, 'type');
    expectIssue(withContext({ [key]: null }), path, 'type');
  });
});

describe('context.n8nApiTimeout / n8nApiMaxRetries', () => {
  it('n8nApiTimeout: finite number > 0', () => {
    const path = ['context', 'n8nApiTimeout'];
    expectValid(withContext({ n8nApiTimeout: 1 }));
    expectValid(withContext({ n8nApiTimeout: 0.001 }));
    expectIssue(withContext({ n8nApiTimeout: 0 }), path, 'too_small');
    expectIssue(withContext({ n8nApiTimeout: -0 }), path, 'too_small');
    expectIssue(withContext({ n8nApiTimeout: -5 }), path, 'too_small');
    expectIssue(withContext({ n8nApiTimeout: '30000' }), path, 'type');
    expectIssue(withContext({ n8nApiTimeout: Number.NaN }), path, 'type');
    expectIssue(withContext({ n8nApiTimeout: Number.POSITIVE_INFINITY }), path, 'type');
  });
  it('n8nApiMaxRetries: finite number >= 0', () => {
    const path = ['context', 'n8nApiMaxRetries'];
    expectValid(withContext({ n8nApiMaxRetries: 0 }));
    expectValid(withContext({ n8nApiMaxRetries: 3 }));
    expectIssue(withContext({ n8nApiMaxRetries: -1 }), path, 'too_small');
    expectIssue(withContext({ n8nApiMaxRetries: -Number.MIN_VALUE }), path, 'too_small');
    expectIssue(withContext({ n8nApiMaxRetries: true }), path, 'type');
    expectIssue(withContext({ n8nApiMaxRetries: Number.NEGATIVE_INFINITY }), path, 'type');
  });
});

describe('context.uiAppsEnabled', () => {
  it('boolean', () => {
    expect(validateSessionState(withContext({ uiAppsEnabled: true })).context.uiAppsEnabled).toBe(true);
    expectIssue(withContext({ uiAppsEnabled: 'true' }), ['context', 'uiAppsEnabled'], 'type');
    expectIssue(withContext({ uiAppsEnabled: 1 }), ['context', 'uiAppsEnabled'], 'type');
  });
});

describe('optional fields set to undefined are absent', () => {
  it('the output omits them and has no own key', () => {
    const out = validateSessionState(
      withContext({
        instanceId: undefined,
        sessionId: undefined,
        metadata: undefined,
        n8nApiTimeout: undefined,
        n8nApiMaxRetries: undefined,
        n8nMcpAccessToken: undefined,
        uiAppsEnabled: undefined,
        unknownButUndefined: undefined,
      }),
    );
    expect(Object.keys(out.context).sort()).toEqual(['n8nApiKey', 'n8nApiUrl']);
  });
  it('absent optional fields are not added', () => {
    const out = validateSessionState({ ...base(), context: { n8nApiUrl: 'https://a.io', n8nApiKey: 'k' } });
    expect(Object.keys(out.context).sort()).toEqual(['n8nApiKey', 'n8nApiUrl']);
    expect('instanceId' in out.context).toBe(false);
  });
  it('non-enumerable and symbol-keyed context members do not count, as for JSON.stringify', () => {
    const r = base();
    const context = r.context as Record<string, unknown>;
    const key = context.n8nApiKey;
    delete context.n8nApiKey;
    Object.defineProperty(context, 'n8nApiKey', { value: key, enumerable: false });
    expectIssue(r, KEY_PATH, 'required');
    const s = base();
    (s.context as Record<symbol, unknown>)[Symbol('extra')] = 1;
    const out = validateSessionState(s);
    expect(Object.getOwnPropertySymbols(out.context)).toEqual([]);
    expect(out.context).toEqual(base().context);
  });
  it('a getter that shows prepareContext a value and zod undefined is not absent (required)', () => {
    let reads = 0;
    const context = {
      n8nApiUrl: 'https://a.io',
      n8nApiKey: 'k',
      get n8nApiTimeout() {
        return reads++ === 0 ? 5 : undefined;
      },
    };
    expect(checkSessionState({ ...base(), context })).toEqual({
      ok: false,
      issues: [{ path: ['context', 'n8nApiTimeout'], code: 'required' }],
    });
  });
  it('a Proxy that claims every member is present gets an issue per optional member, no undefined output', () => {
    const context = new Proxy({ n8nApiUrl: 'https://a.io', n8nApiKey: 'k' }, { has: () => true });
    const at = (key: string, code: string) => ({ path: ['context', key], code });
    expect(checkSessionState({ ...base(), context })).toEqual({
      ok: false,
      issues: [
        at('instanceId', 'required'),
        at('sessionId', 'required'),
        at('metadata', 'type'),
        at('n8nApiTimeout', 'required'),
        at('n8nApiMaxRetries', 'required'),
        at('n8nMcpAccessToken', 'required'),
        at('uiAppsEnabled', 'required'),
      ],
    });
  });
  it('undefined members inside context.metadata are dropped, as JSON does', () => {
    const out = validateSessionState(withContext({ metadata: { a: 1, b: undefined } }));
    expect(out.context.metadata).toEqual({ a: 1 });
    expect(Object.keys(out.context.metadata ?? {})).toEqual(['a']);
  });
});

describe('JSON values: context.metadata and unknown members', () => {
  const META = ['context', 'metadata'];

  it.each([[[]], ['x'], [null], [7], [new Date()], [new Map()]])('context.metadata type: %#', (metadata) => {
    expectIssue(withContext({ metadata }), META, 'type');
  });

  it('accepts nested JSON values, including a null-prototype object', () => {
    const inner = Object.assign(Object.create(null) as Record<string, unknown>, { z: [true, false, null] });
    const metadata = { s: 'é😀', n: -1.5e300, zero: 0, b: false, nil: null, arr: [[], {}, [1, [2]]], inner };
    const out = validateSessionState(withContext({ metadata }));
    expect(JSON.stringify(out.context.metadata)).toBe(JSON.stringify(metadata));
  });

  /** `[1, <hole>, 3]`, built without a sparse literal. */
  function withHole(): unknown[] {
    const array: unknown[] = [1];
    array[2] = 3;
    return array;
  }

  const notJson: [string, unknown, (string | number)[]][] = [
    ['NaN', Number.NaN, []],
    ['Infinity', Number.POSITIVE_INFINITY, []],
    ['-Infinity', Number.NEGATIVE_INFINITY, []],
    ['a function', () => 1, []],
    ['a Date', new Date(0), []],
    ['a BigInt', 10n, []],
    ['a symbol', Symbol('s'), []],
    ['a Map', new Map(), []],
    ['a class instance', new (class Thing {})(), []],
    ['a RegExp', /x/, []],
    ['undefined in an array', [1, undefined], [1]],
    ['a hole in an array', withHole(), [1]],
    ['NaN deep inside', { a: [{ b: { c: Number.NaN } }] }, ['a', 0, 'b', 'c']],
    ['a Uint8Array', new Uint8Array(2), []],
  ];

  it('withHole really has a hole (premise of the hole case)', () => {
    const array = withHole();
    expect(array).toHaveLength(3);
    expect(1 in array).toBe(false);
  });

  it.each(notJson)('not_json in context.metadata: %s', (_, value, sub) => {
    expectIssue(withContext({ metadata: { field: value } }), [...META, 'field', ...sub], 'not_json');
  });

  it.each(notJson)('not_json in an unknown member: %s', (_, value, sub) => {
    expectIssue(withContext({ futureField: value }), ['context', 'futureField', ...sub], 'not_json');
  });

  it('reports the first fault of each value, and each faulty member', () => {
    expect(issuesOf(withContext({ a: [Number.NaN, Number.NaN], b: { x: () => 0 } }))).toEqual([
      { path: ['context', 'a', 0], code: 'not_json' },
      { path: ['context', 'b', 'x'], code: 'not_json' },
    ]);
  });

  function nested(depth: number): unknown {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }

  it('depth: 64 nested containers pass, 65 fail with not_json at the 65th', () => {
    expectValid(withContext({ deep: nested(64) }));
    const issues = issuesOf(withContext({ deep: nested(65) }));
    expect(issues).toEqual([{ path: ['context', 'deep', ...Array(64).fill(0)], code: 'not_json' }]);
  });

  it('depth: hostile nesting (200k levels) is rejected without overflowing the stack', () => {
    const issues = issuesOf(withContext({ metadata: { deep: nested(200_000) } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('not_json');
  });

  it('a cycle is not_json, not an infinite loop', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const issues = issuesOf(withContext({ metadata: cyclic }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('not_json');
  });
});

describe('__proto__ inside context (forbidden_key) and prototype safety', () => {
  const proto = (inner: string) => JSON.parse(`{"__proto__": ${inner}}`) as Record<string, unknown>;

  function expectNoPollution(): void {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  }

  it('JSON.parse makes an own __proto__ member (the premise of these tests)', () => {
    const value = proto('{"polluted": true}');
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('at the top level of context', () => {
    const context = JSON.parse(
      `{"__proto__": {"polluted": true}, "n8nApiUrl": "https://a.io", "n8nApiKey": "k"}`,
    ) as unknown;
    expectIssue({ ...base(), context }, ['context', '__proto__'], 'forbidden_key');
    expectNoPollution();
  });

  it('even when its value is harmless (null) and the rest is valid', () => {
    const context = JSON.parse(
      `{"__proto__": null, "n8nApiUrl": "https://a.io", "n8nApiKey": "k"}`,
    ) as unknown;
    expectIssue({ ...base(), context }, ['context', '__proto__'], 'forbidden_key');
  });

  it('in context.metadata', () => {
    expectIssue(
      withContext({ metadata: proto('{"polluted": true}') }),
      ['context', 'metadata', '__proto__'],
      'forbidden_key',
    );
    expectNoPollution();
  });

  it('deep inside context.metadata (objects in arrays)', () => {
    const metadata = { list: [1, { ok: true, inner: proto('{"polluted": true}') }] };
    expectIssue(
      withContext({ metadata }),
      ['context', 'metadata', 'list', 1, 'inner', '__proto__'],
      'forbidden_key',
    );
    expectNoPollution();
  });

  it('in the value of an unknown member', () => {
    expectIssue(
      withContext({ future: proto('{"polluted": true}') }),
      ['context', 'future', '__proto__'],
      'forbidden_key',
    );
    expectNoPollution();
  });

  it('other dangerous-looking names are ordinary keys and stay own data properties', () => {
    const metadata = { constructor: 'c', prototype: { x: 1 }, toString: 'str', hasOwnProperty: 1 };
    const out = validateSessionState(withContext({ metadata, constructor: { a: 1 } }));
    expect(out.context.metadata).toEqual(metadata);
    expect(Object.getPrototypeOf(out.context.metadata)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.context)).toBe(Object.prototype);
    expect(Object.hasOwn(out.context, 'constructor')).toBe(true);
    expectNoPollution();
  });

  it('validating a record whose values carry __proto__ never changes any prototype', () => {
    const evil = proto('{"polluted": true, "n8nApiKey": "x"}');
    for (const record of [
      { ...base(), context: evil },
      withContext({ metadata: evil }),
      withContext({ extra: [evil] }),
      JSON.parse(`{"__proto__": {"polluted": true}}`),
    ]) {
      expect(checkSessionState(record).ok).toBe(false);
    }
    expectNoPollution();
    expect(Object.getPrototypeOf(evil)).toBe(Object.prototype);
  });
});

describe('strict URL policy', () => {
  const forbiddenHosts = [
    'http://localhost:5678',
    'http://LOCALHOST',
    'http://localhost./',
    'http://n8n.localhost',
    'http://a.b.localhost:80',
    'http://127.0.0.1',
    'http://127.255.255.254',
    'http://0x7f.1/', // WHATWG: 127.0.0.1
    'http://2130706433/', // WHATWG: 127.0.0.1
    'http://127.1/',
    'http://017700000001/', // octal
    'http://10.0.0.1',
    'http://10.255.255.255',
    'http://172.16.0.1',
    'http://172.31.255.255',
    'http://192.168.0.1',
    'http://192.168.255.255',
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.0.1',
    'http://0.0.0.0',
    'http://0/',
    'http://0.1.2.3',
    'http://100.64.0.1',
    'http://100.127.255.255',
    'http://[::1]',
    'http://[::]',
    'http://[0:0:0:0:0:0:0:1]',
    'http://[fe80::1]',
    'http://[FEBF::1]',
    'http://[fc00::1]',
    'http://[fd12:3456:789a::1]',
    'http://[::ffff:127.0.0.1]',
    'http://[::ffff:7f00:1]',
    'http://[::ffff:10.0.0.1]',
    'http://[::ffff:a9fe:a9fe]', // 169.254.169.254
    'http://[::ffff:192.168.1.1]',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.GOOGLE.INTERNAL./',
    'http://metadata',
    'http://instance-data',
    'http://\u24c1ocalhost/', // IDNA maps Ⓛ to l
  ];
  it.each(forbiddenHosts)('url_forbidden_host: %s', (n8nApiUrl) => {
    expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url_forbidden_host', STRICT);
    expectValid(withContext({ n8nApiUrl })); // standard policy still accepts it
  });

  const allowedHosts = [
    'https://acme.app.n8n.cloud/api/v1',
    'https://n8n.acme.io:8443',
    'http://8.8.8.8',
    'http://126.255.255.255',
    'http://128.0.0.1',
    'http://11.0.0.1',
    'http://172.15.255.255',
    'http://172.32.0.1',
    'http://192.167.1.1',
    'http://192.169.1.1',
    'http://169.253.1.1',
    'http://169.255.1.1',
    'http://100.63.255.255',
    'http://100.128.0.1',
    'http://1.0.0.0',
    'http://[2001:db8::1]',
    'http://[2606:4700::1111]',
    'http://[::2]',
    'http://[fec0::1]',
    'http://[fe00::1]',
    'http://[fe7f::1]',
    'http://[::ffff:8.8.8.8]',
    'http://localhost.acme.io',
    'http://mylocalhost',
    'http://metadata.acme.io',
    'http://google.internal',
    'http://instance-data.acme.io',
  ];
  it.each(allowedHosts)('allowed: %s', (n8nApiUrl) => {
    expect(validateSessionState(withContext({ n8nApiUrl }), STRICT).context.n8nApiUrl).toBe(n8nApiUrl);
  });

  it.each(['https://user:pw@acme.io', 'https://user@acme.io', 'https://:pw@acme.io'])(
    'url_userinfo: %s',
    (n8nApiUrl) => {
      expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url_userinfo', STRICT);
    },
  );

  it.each(['https://acme.io/#frag', 'https://acme.io/api#', 'https://acme.io/?q=1#x'])(
    'url_fragment: %s',
    (n8nApiUrl) => {
      expectIssue(withContext({ n8nApiUrl }), URL_PATH, 'url_fragment', STRICT);
    },
  );

  it('an encoded # in the path or query is not a fragment', () => {
    expectValid(withContext({ n8nApiUrl: 'https://acme.io/a%23b?c=%23' }), STRICT);
  });

  it('reports every strict violation of one URL', () => {
    expect(issuesOf(withContext({ n8nApiUrl: 'http://u:p@127.0.0.1/#x' }), STRICT)).toEqual([
      { path: URL_PATH, code: 'url_userinfo' },
      { path: URL_PATH, code: 'url_fragment' },
      { path: URL_PATH, code: 'url_forbidden_host' },
    ]);
  });

  it('base rules still come first: a bad protocol is url_protocol only', () => {
    expectIssue(withContext({ n8nApiUrl: 'ftp://127.0.0.1' }), URL_PATH, 'url_protocol', STRICT);
  });

  it('the exported strict schemas apply the strict policy on their own', () => {
    const record = withContext({ n8nApiUrl: 'http://127.0.0.1' });
    expect(SessionStateSchema.safeParse(record).success).toBe(true);
    expect(StrictSessionStateSchema.safeParse(record).success).toBe(false);
    expect(SessionContextSchema.safeParse(record.context).success).toBe(true);
    expect(StrictSessionContextSchema.safeParse(record.context).success).toBe(false);
  });
});

describe('strict host classification against node:net BlockList (property)', () => {
  // The test may use node: modules; the library core may not.
  const blocked = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const) {
    blocked.addSubnet(net, bits, 'ipv4');
  }
  blocked.addAddress('::', 'ipv6');
  blocked.addAddress('::1', 'ipv6');
  blocked.addSubnet('fe80::', 10, 'ipv6');
  blocked.addSubnet('fc00::', 7, 'ipv6');
  // BlockList also applies the IPv4 rules to IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).

  const quad = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  const edges = [0, 0x0a000000, 0x64400000, 0x7f000000, 0xa9fe0000, 0xac100000, 0xc0a80000];
  const ipv4 = fc.oneof(
    fc.ipV4(),
    fc.integer({ min: 0, max: 0xffffffff }).map(quad),
    fc
      .tuple(fc.constantFrom(...edges), fc.integer({ min: -0x400000, max: 0x1000000 }))
      .map(([edge, delta]) => quad(Math.min(0xffffffff, Math.max(0, edge + delta)))),
  );
  const word = fc.integer({ min: 0, max: 0xffff });
  const ipv6 = fc.oneof(
    fc.ipV6(),
    fc
      .tuple(
        fc.constantFrom(0, 0xfbff, 0xfc00, 0xfdff, 0xfe00, 0xfe7f, 0xfe80, 0xfebf, 0xfec0, 0xffff),
        fc.array(word, { minLength: 7, maxLength: 7 }),
      )
      .map(([w0, rest]) => [w0, ...rest].map((w) => w.toString(16)).join(':')),
    fc.tuple(fc.constantFrom(0, 1, 0xfffe, 0xffff), ipv4, fc.boolean()).map(([w5, v4, dotted]) => {
      const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
      const tail = dotted ? v4 : `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
      return `::${w5.toString(16)}:${tail}`;
    }),
    fc.constantFrom('::', '::1', '::2', '::0:1'),
  );

  it('IPv4 hosts (also in octal/hex forms the URL parser normalises)', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, fc.ipV4Extended()), (host) => {
        const hostname = new URL(`http://${host}/`).hostname;
        expect(isForbiddenHost(hostname)).toBe(blocked.check(hostname, 'ipv4'));
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6 hosts, including IPv4-mapped ones', () => {
    fc.assert(
      fc.property(ipv6, (host) => {
        const hostname = new URL(`http://[${host}]/`).hostname;
        expect(isForbiddenHost(hostname)).toBe(blocked.check(host, 'ipv6'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('url-policy helpers', () => {
  it('parseIPv4 accepts only canonical dotted quads', () => {
    expect(parseIPv4('192.168.0.1')).toEqual([192, 168, 0, 1]);
    expect(parseIPv4('256.0.0.1')).toBeNull();
    expect(parseIPv4('1.2.3')).toBeNull();
    expect(parseIPv4('a.b.c.d')).toBeNull();
  });

  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1]],
    ['fe80::1', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['1::8', [1, 0, 0, 0, 0, 0, 0, 8]],
    ['1:2:3:4:5:6:7::', [1, 2, 3, 4, 5, 6, 7, 0]],
    ['::ffff:7f00:1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['::ffff:127.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ['0:0:0:0:0:ffff:10.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]],
  ])('parseIPv6(%s)', (text, words) => {
    expect(parseIPv6(text)).toEqual(words);
  });

  it.each([
    '',
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    'g::1',
    '12345::',
    '::1.2.3',
  ])('parseIPv6 rejects %j', (text) => {
    expect(parseIPv6(text)).toBeNull();
  });

  it('isForbiddenHost refuses a bracketed host it cannot parse', () => {
    expect(isForbiddenHost('[zz]')).toBe(true);
    expect(isForbiddenHost('[2001:db8::1]')).toBe(false);
  });

  it('strictUrlViolations is empty for a clean public URL', () => {
    expect(strictUrlViolations(new URL('https://acme.app.n8n.cloud/api/v1?x=1'))).toEqual([]);
  });
});

describe('options', () => {
  it('urlPolicy standard is the default, and undefined means default', () => {
    const record = withContext({ n8nApiUrl: 'http://localhost:5678' });
    expectValid(record);
    expectValid(record, {});
    expectValid(record, { urlPolicy: 'standard' });
    expectValid(record, { urlPolicy: undefined });
    expectIssue(record, URL_PATH, 'url_forbidden_host', { urlPolicy: 'strict' });
  });

  it('an unknown urlPolicy is a RangeError, a wrong type a TypeError (programmer errors)', () => {
    const record = base();
    expect(() => validateSessionState(record, { urlPolicy: 'foo' as never })).toThrow(RangeError);
    expect(() => checkSessionState(record, { urlPolicy: 'STRICT' as never })).toThrow(RangeError);
    expect(() => validateSessionState(record, { urlPolicy: 1 as never })).toThrow(TypeError);
    expect(() => validateSessionState(record, 'strict' as never)).toThrow(TypeError);
    expect(() => validateSessionState(record, null as never)).toThrow(TypeError);
  });
});

describe('errors and messages', () => {
  it('validateSessionState throws SessionInvalidError with the issues', () => {
    const record = withContext({ n8nApiKey: '' });
    let thrown: unknown;
    try {
      validateSessionState(record);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SessionInvalidError);
    const err = thrown as SessionInvalidError;
    expect(err.code).toBe('ERR_SESSION_INVALID');
    expect(err.issues).toEqual([{ path: KEY_PATH, code: 'too_short' }]);
    expect(err.message).toBe('session record is invalid at context.n8nApiKey: too_short');
  });

  it('a non-string API key is an issue, never a crash', () => {
    for (const n8nApiKey of [{}, [], 1n, Symbol('k'), () => 'k', Number.NaN]) {
      expectIssue(withContext({ n8nApiKey }), KEY_PATH, 'type');
    }
  });

  it('every reported code is one of SCHEMA_ISSUE_CODES', () => {
    const codes = new Set<string>(SCHEMA_ISSUE_CODES);
    const record = {
      sessionId: '\ud800',
      metadata: { createdAt: 1, lastAccess: 'x', extra: 1 },
      context: { n8nApiUrl: 'ftp://x', n8nApiKey: 'example', n8nApiTimeout: 0, metadata: [], x: Number.NaN },
      extra: 1,
    };
    const issues = issuesOf(record);
    expect(issues.length).toBeGreaterThanOrEqual(8);
    for (const issue of issues) expect(codes.has(issue.code)).toBe(true);
  });

  it('zod issue messages from the exported schemas are the stable codes', () => {
    const result = SessionStateSchema.safeParse({ ...base(), sessionId: 5, extra: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['type', 'unknown_key']);
  });

  it('no issue, message or error text contains the offending values', () => {
    const SECRET = 'S3CR3T-7f9a1c2e-d0d0-4bad-beef-CAFEBABE';
    const bad = [
      withContext({ n8nApiKey: `${SECRET}-placeholder` }),
      withContext({ n8nApiKey: `${SECRET}${'x'.repeat(9000)}` }),
      // Valid under the standard policy but for the key; the strict policy also flags the URL.
      withContext({ n8nApiUrl: `https://user:${SECRET}@127.0.0.1/#${SECRET}`, n8nApiKey: 'example' }),
      withContext({ n8nApiUrl: `ftp://${SECRET}.io` }),
      withContext({ n8nApiUrl: `not a url ${SECRET}` }),
      withContext({ n8nApiUrl: `https://a.io/${SECRET}${'x'.repeat(3000)}` }),
      withContext({ n8nMcpAccessToken: 42, n8nApiKey: { secret: SECRET } }),
      withContext({ metadata: { token: SECRET, bad: Number.NaN } }),
      { ...base(), sessionId: `${SECRET}\u0000`, metadata: { createdAt: SECRET, lastAccess: SECRET } },
      { ...base(), context: SECRET },
    ];
    for (const record of bad) {
      for (const options of [undefined, STRICT]) {
        const result = checkSessionState(record, options);
        expect(result.ok).toBe(false);
        expect(JSON.stringify(result)).not.toContain(SECRET);
        let thrown: unknown;
        try {
          validateSessionState(record, options);
        } catch (err) {
          thrown = err;
        }
        const err = thrown as SessionInvalidError;
        expect(err).toBeInstanceOf(SessionInvalidError);
        expect(err.message).not.toContain(SECRET);
        expect(String(err.stack)).not.toContain(SECRET);
        expect(JSON.stringify(err)).not.toContain(SECRET);
        expect(JSON.stringify(err.issues)).not.toContain(SECRET);
      }
      // Even the raw zod error of the exported schema carries no input.
      const zodResult = StrictSessionStateSchema.safeParse(record);
      expect(JSON.stringify(zodResult.error?.issues)).not.toContain(SECRET);
      expect(String(zodResult.error?.message)).not.toContain(SECRET);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  return Object.keys(value).some(
    (k) => k === '__proto__' || hasProtoKey((value as Record<string, unknown>)[k]),
  );
}

const KNOWN_CONTEXT_KEYS = new Set([
  'n8nApiUrl',
  'n8nApiKey',
  'instanceId',
  'sessionId',
  'metadata',
  'n8nApiTimeout',
  'n8nApiMaxRetries',
  'n8nMcpAccessToken',
  'uiAppsEnabled',
]);

const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);
const noControl = (s: string) => ![...s].some((ch) => isControl(ch.charCodeAt(0)));
// 64 code points are at most 256 UTF-8 bytes.
const sessionIdArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }).filter(noControl);
const shortText = fc.string({ unit: 'binary', maxLength: 64 });
const jsonArb = fc.jsonValue({ maxDepth: 4 });

const stateArb = fc
  .record({
    sessionId: sessionIdArb,
    createdAt: fc.date({ noInvalidDate: true }),
    lastAccess: fc.date({ noInvalidDate: true }),
    context: fc.record(
      {
        n8nApiUrl: fc.webUrl({
          validSchemes: ['http', 'https'],
          withQueryParameters: true,
          withFragments: true,
        }),
        n8nApiKey: fc
          .string({ unit: 'binary', minLength: 1, maxLength: 300 })
          .filter((s) => !/your_api_key|placeholder|example/i.test(s)),
        instanceId: shortText,
        sessionId: shortText,
        metadata: fc.dictionary(fc.string(), jsonArb, { maxKeys: 6 }),
        n8nApiTimeout: fc.double({ min: 0, minExcluded: true, max: 1e9, noNaN: true }),
        n8nApiMaxRetries: fc.integer({ min: 0, max: 100 }),
        n8nMcpAccessToken: fc.string({ unit: 'binary', maxLength: 200 }),
        uiAppsEnabled: fc.boolean(),
      },
      { requiredKeys: ['n8nApiUrl', 'n8nApiKey'] },
    ),
    extra: fc.dictionary(
      fc.string().filter((k) => !KNOWN_CONTEXT_KEYS.has(k)),
      jsonArb,
      { maxKeys: 4 },
    ),
  })
  .map(({ sessionId, createdAt, lastAccess, context, extra }) => ({
    sessionId,
    metadata: { createdAt: createdAt.toISOString(), lastAccess: lastAccess.toISOString() },
    context: { ...extra, ...context },
  }))
  .filter((state) => !hasProtoKey(state.context) && state.context.n8nApiUrl.length <= 2048);

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

describe('properties', () => {
  it('arbitrary valid states validate and survive a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const out = validateSessionState(state);
        // Same JSON text: nothing lost, nothing added (JSON.stringify maps -0 to 0 on both sides).
        expect(JSON.stringify(sortKeys(out))).toBe(JSON.stringify(sortKeys(state)));
        // What a sealer writes and an unsealer reads back validates to the same value.
        const reparsed = JSON.parse(JSON.stringify(state)) as unknown;
        expect(validateSessionState(reparsed)).toStrictEqual(reparsed);
      }),
      { numRuns: 300 },
    );
  });

  it('validation is idempotent', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const once = validateSessionState(state);
        expect(validateSessionState(once)).toStrictEqual(once);
      }),
      { numRuns: 100 },
    );
  });

  it('any value either validates or yields issues with known codes (never throws)', () => {
    const codes = new Set<string>(SCHEMA_ISSUE_CODES);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
          stateArb.chain((s) =>
            fc.record({ k: fc.constantFrom(...KNOWN_CONTEXT_KEYS), v: fc.anything() }).map(({ k, v }) => ({
              ...s,
              context: { ...s.context, [k]: v },
            })),
          ),
        ),
        (value) => {
          const result = checkSessionState(value, STRICT);
          if (!result.ok) {
            expect(result.issues.length).toBeGreaterThan(0);
            for (const issue of result.issues) expect(codes.has(issue.code)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

describe('checkOpenedSessionState (unsealed records) is checkSessionState', () => {
  // Contexts as unsealing produces them: JSON.parse of text, any members, sometimes an own
  // `__proto__` (JSON.parse creates one from the text), invalid values, deep nesting.
  const member = fc.oneof(
    fc.constantFrom('n8nApiUrl', 'n8nApiKey', 'instanceId', 'sessionId', 'metadata', 'n8nApiTimeout'),
    fc.constantFrom('n8nApiMaxRetries', 'n8nMcpAccessToken', 'uiAppsEnabled', '__proto__', 'extra'),
    fc.string({ maxLength: 6 }),
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('https://acme.app.n8n.cloud/api/v1', 'http://169.254.169.254/', N8N_KEY, 'placeholder'),
    fc.constant(JSON.parse('{"__proto__":{"x":1}}') as unknown),
  );
  const contextText = fc
    .tuple(fc.boolean(), fc.array(fc.tuple(member, value), { maxLength: 8 }))
    .map(([valid, extra]) => {
      const parts = valid
        ? [`"n8nApiUrl":"https://acme.app.n8n.cloud/api/v1"`, `"n8nApiKey":"${N8N_KEY}"`]
        : [];
      for (const [k, v] of extra) parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
      return `{${parts.join(',')}}`;
    });

  it('same result, issues and value for any JSON-parsed context, both URL policies (property)', () => {
    fc.assert(
      fc.property(
        contextText,
        fc.constantFrom<ValidateOptions | undefined>(undefined, { urlPolicy: 'strict' }),
        (text, options) => {
          const record = {
            sessionId: SESSION_ID,
            metadata: base().metadata as never,
            context: JSON.parse(text),
          };
          const opened = checkOpenedSessionState(record, options);
          const general = checkSessionState({ ...record, context: JSON.parse(text) }, options);
          expect(opened).toStrictEqual(general);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('checks JSON values of an unsealed context in place; the general check still copies them', () => {
    const text = `{"n8nApiUrl":"https://a.io","n8nApiKey":"k","metadata":{"m":[1,{"n":2}]},"extra":{"e":[3]}}`;
    const record = { sessionId: SESSION_ID, metadata: base().metadata as never, context: JSON.parse(text) };
    const opened = checkOpenedSessionState(record);
    const general = checkSessionState({ ...record, context: JSON.parse(text) });
    if (!opened.ok || !general.ok) throw new Error('expected valid');
    expect(opened).toStrictEqual(general);
    // The context object is zod's new one either way; its JSON values are the parsed ones.
    expect(opened.value.context).not.toBe(record.context);
    expect(opened.value.context.metadata).toBe(record.context.metadata);
    expect(opened.value.context.extra).toBe(record.context.extra);
    const again = JSON.parse(text);
    const copied = checkSessionState({ ...record, context: again });
    if (!copied.ok) throw new Error('expected valid');
    expect(copied.value.context.metadata).not.toBe(again.metadata);
    expect(copied.value.context.extra).not.toBe(again.extra);
  });

  it('a nested own __proto__ or a too-deep value is still found without the copy', () => {
    const deep = `${'['.repeat(70)}${']'.repeat(70)}`;
    for (const [inner, path, code] of [
      [`"metadata":{"a":{"__proto__":{}}}`, ['context', 'metadata', 'a', '__proto__'], 'forbidden_key'],
      [`"extra":[0,{"__proto__":1}]`, ['context', 'extra', 1, '__proto__'], 'forbidden_key'],
      [
        `"metadata":{"d":${deep}}`,
        ['context', 'metadata', 'd', ...Array.from({ length: 63 }, () => 0)],
        'not_json',
      ],
    ] as const) {
      const text = `{"n8nApiUrl":"https://a.io","n8nApiKey":"k",${inner}}`;
      const record = { sessionId: SESSION_ID, metadata: base().metadata as never, context: JSON.parse(text) };
      expect(checkOpenedSessionState(record)).toEqual({ ok: false, issues: [{ path, code }] });
      expect(checkSessionState({ ...record, context: JSON.parse(text) })).toEqual({
        ok: false,
        issues: [{ path, code }],
      });
    }
  });

  it('an own __proto__ in the context is still forbidden_key', () => {
    const record = {
      sessionId: SESSION_ID,
      metadata: base().metadata as never,
      context: JSON.parse(`{"__proto__":{},"n8nApiUrl":"https://a.io","n8nApiKey":"k"}`),
    };
    expect(checkOpenedSessionState(record)).toEqual({
      ok: false,
      issues: [{ path: ['context', '__proto__'], code: 'forbidden_key' }],
    });
  });
});
