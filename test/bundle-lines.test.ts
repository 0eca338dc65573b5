/**
 * Bundles given as text take a line-by-line fast path (src/bundle/lines.ts) when the text has
 * `serializeBundle`'s layout, and `JSON.parse` otherwise. Both must give the same result — same
 * sessions, skips, integrity, or the same thrown code — for any edit of the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeBundle } from '../src/bundle/format.js';
import { splitBundleLines } from '../src/bundle/lines.js';
import { sealSessions } from '../src/bundle/seal.js';
import { type UnsealSessionsOptions, unsealSessions } from '../src/bundle/unseal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { realisticSessions } from './helpers/fixtures.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const keyring = createKeyring({ primary: generateKey() });
const states = realisticSessions(6, { now: NOW });
states[3] = { ...states[1]! }; // a duplicate sessionId
const texts = [states, []].map((s) => serializeBundle(sealSessions(s, keyring).bundle));

function outcome(input: unknown, opts: UnsealSessionsOptions): string {
  try {
    return JSON.stringify(unsealSessions(input, keyring, opts));
  } catch (err) {
    return `throws ${(err as { code?: string }).code ?? (err as Error).name}`;
  }
}

type Edit =
  | { kind: 'insert'; at: number; ch: string }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'swap' | 'dup' | 'drop' | 'split'; a: number; b: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    ch: fc.constantFrom('\n', ',', ' ', '{', '}', ']', '"', 'A', '\r', '\\', '\u2028'),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constantFrom('swap' as const, 'dup' as const, 'drop' as const, 'split' as const),
    a: fc.nat(),
    b: fc.nat(),
  }),
);

function apply(text: string, e: Edit): string {
  if (e.kind === 'insert') {
    const p = e.at % text.length;
    return text.slice(0, p) + e.ch + text.slice(p);
  }
  if (e.kind === 'delete') {
    const p = e.at % text.length;
    return text.slice(0, p) + text.slice(p + e.n);
  }
  const lines = text.split('\n');
  const a = e.a % lines.length;
  if (e.kind === 'swap') {
    const b = e.b % lines.length;
    [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
  } else if (e.kind === 'dup') lines.splice(a, 0, lines[a] as string);
  else if (e.kind === 'drop') lines.splice(a, 1);
  else lines.splice(a, 1, ...(lines[a] as string).replace(',"', ',\n"').split('\n')); // a multi-line entry
  return lines.join('\n');
}

const options: fc.Arbitrary<UnsealSessionsOptions> = fc.record({
  now: fc.constant(NOW),
  maxSessions: fc.constantFrom(1e9, 2),
  integrity: fc.constantFrom('report' as const, 'require' as const),
  maxEntries: fc.constantFrom(250_000, 4),
  maxBundleBytes: fc.constantFrom(256 * 1024 * 1024, 3000),
});

describe('bundle text: fast path ≡ general path', () => {
  it('the untouched serialized text and its parsed document give the same result', () => {
    for (const t of texts) expect(outcome(t, { now: NOW })).toBe(outcome(JSON.parse(t), { now: NOW }));
  });

  it('any edit of the text (as string or UTF-8 bytes) gives the result of parsing it first', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.array(edit, { maxLength: 3 }),
        options,
        fc.boolean(),
        (t0, edits, opts, asBytes) => {
          const text = edits.reduce(apply, t0);
          const got = outcome(asBytes ? new TextEncoder().encode(text) : text, opts);
          let doc: unknown;
          let parsed = true;
          try {
            doc = JSON.parse(text);
          } catch {
            parsed = false;
          }
          const want =
            Buffer.byteLength(text) > (opts.maxBundleBytes ?? Number.POSITIVE_INFINITY)
              ? 'throws ERR_BUNDLE_TOO_LARGE'
              : parsed
                ? outcome(doc, opts)
                : 'throws ERR_BUNDLE_MALFORMED';
          expect(got).toBe(want);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('splitBundleLines reads entries in any order', () => {
  it('each entry is JSON.parse of its line, whatever the order of the calls; count is the line count', () => {
    const text = serializeBundle(sealSessions(realisticSessions(7, { now: NOW }), keyring).bundle);
    const doc = JSON.parse(text) as { entries: unknown[] };
    const lines = splitBundleLines(text, 100);
    expect(lines?.count).toBe(7);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 20 }), (order) => {
        for (const i of order) expect(lines?.entry(i)).toEqual(doc.entries[i]);
      }),
    );
    expect(() => lines?.entry(7)).toThrow(RangeError);
    expect(() => lines?.entry(-1)).toThrow(RangeError);
    expect(splitBundleLines(text, 6)).toBeNull(); // more lines than maxEntries
  });

  it('a line without its separating comma is not the layout: the whole text is malformed', () => {
    const text = serializeBundle(sealSessions(realisticSessions(3, { now: NOW }), keyring).bundle);
    const at = text.indexOf(',\n{"sessionId"');
    expect(at).toBeGreaterThan(0);
    const noComma = `${text.slice(0, at)} ${text.slice(at + 1)}`; // a space where the comma was
    expect(() => JSON.parse(noComma)).toThrow(SyntaxError);
    expect(() => splitBundleLines(noComma, 100)?.entry(0)).toThrow('one-entry-per-line layout');
    expect(() => unsealSessions(noComma, keyring, { now: NOW })).toThrow(
      expect.objectContaining({ code: 'ERR_BUNDLE_MALFORMED' }),
    );
  });
});
