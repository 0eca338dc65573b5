/** The allocation-free UTF-8 helpers (src/encoding/utf8.ts) against TextEncoder and \p{Cs}. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUtf8Into, isWellFormed, utf8Length, utf8LengthIfWellFormed } from '../src/encoding/utf8.js';

const enc = new TextEncoder();
const unit = fc.constantFrom(
  '\ud800',
  '\udc00',
  '\udbff\udfff',
  'a',
  'é',
  '€',
  '😀',
  '\u0080',
  '\uffff',
  '\x00',
);

function check(s: string): void {
  const ref = enc.encode(s);
  expect(utf8Length(s)).toBe(ref.length);
  const out = new Uint8Array(utf8Length(s) + 3);
  expect(encodeUtf8Into(s, out, 3)).toBe(ref.length + 3);
  expect(Buffer.compare(out.subarray(3), ref)).toBe(0);
  const w = utf8LengthIfWellFormed(s);
  expect(w >= 0).toBe(isWellFormed(s));
  if (w >= 0) expect(w).toBe(ref.length);
}

describe('utf8 helpers ≡ TextEncoder', () => {
  it('short strings with lone and paired surrogates, every width', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit }), (a, b) => {
        for (const s of [a, b, a + b]) check(s);
      }),
      { numRuns: 3000 },
    );
  });

  it('long strings (the other code path of utf8Length, ≥ 1024 units)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 3000 }),
        fc.string({ unit, maxLength: 4 }),
        fc.nat({ max: 3000 }),
        (n, mid, m) => {
          check('a'.repeat(n) + mid + 'b'.repeat(m));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lone surrogates are not well-formed (they would alias U+FFFD in the AAD)', () => {
    expect(isWellFormed('a\ud800')).toBe(false);
    expect(utf8LengthIfWellFormed('\udc00b')).toBeLessThan(0);
    expect(isWellFormed('😀')).toBe(true);
  });
});
