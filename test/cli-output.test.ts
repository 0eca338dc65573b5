import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCount,
  parseEnvName,
  parseKid,
  parseMinutes,
  parseOptions,
  parseTime,
  refuseKeyArguments,
  splitCommand,
} from '../src/cli/args.js';
import { CliError } from '../src/cli/errors.js';
import { escapeText, safeJson, showId, table } from '../src/cli/output.js';
import { createProgress } from '../src/cli/progress.js';
import { isWellFormed } from '../src/encoding/utf8.js';
import { createKeyring, exportKeyringText, exportKeyText, generateKey } from '../src/index.js';
import { FakeStream } from './cli-harness.js';

/** What must never reach a terminal raw: C0, DEL, C1, ALM, LRM/RLM, LS/PS, bidi embeddings/overrides/isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function usageCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return (err as CliError).code;
  }
  throw new Error('expected a usage error');
}

describe('escapeText / showId', () => {
  it('escapes controls, bidi characters, separators, lone surrogates and backslash', () => {
    expect(escapeText('a\u001b[31mb')).toBe('a\\u{1b}[31mb');
    expect(escapeText('\u0000\u007f\u0085\u009b')).toBe('\\u{0}\\u{7f}\\u{85}\\u{9b}');
    expect(escapeText('x\u202ey\u2066z\u200f\u061c')).toBe('x\\u{202e}y\\u{2066}z\\u{200f}\\u{61c}');
    expect(escapeText('\u2028\u2029')).toBe('\\u{2028}\\u{2029}');
    expect(escapeText('\ud800x\udc00')).toBe('\\u{d800}x\\u{dc00}');
    expect(escapeText('a\\u{1b}')).toBe('a\\\\u{1b}');
    expect(escapeText('instance-acme-1f2e3d4c-😀-ü')).toBe('instance-acme-1f2e3d4c-😀-ü');
  });

  it('never lets a dangerous character through, and is the identity on safe text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const out = escapeText(s);
        expect(out).not.toMatch(DANGEROUS);
        expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        if (!DANGEROUS.test(s) && !s.includes('\\') && isWellFormed(s)) expect(out).toBe(s);
      }),
    );
  });

  it('showId truncates by code points with an ellipsis and never splits a pair', () => {
    expect(showId(undefined)).toBe('-');
    expect(showId('abc', 3)).toBe('abc');
    expect(showId('abcd', 3)).toBe('ab…');
    expect(showId('😀😀😀😀', 3)).toBe('😀😀…');
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 2, max: 100 }),
        (s, max) => {
          const out = showId(s, max);
          expect(Array.from(out).length).toBeLessThanOrEqual(max);
          expect(isWellFormed(out)).toBe(true);
        },
      ),
    );
  });
});

describe('safeJson', () => {
  it('is the same JSON value with terminal-active characters escaped', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, s) => {
        const doc = { value, s };
        const out = safeJson(doc);
        expect(out).not.toMatch(DANGEROUS);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });
});

describe('table', () => {
  it('aligns columns by code points and trims trailing space', () => {
    expect(
      table(
        [
          ['a', 'bb', 'c'],
          ['ddd', 'e', ''],
        ],
        '  ',
      ),
    ).toEqual(['  a    bb  c', '  ddd  e']);
    expect(
      table([
        ['ü😀', 'x'],
        ['abc', 'y'],
      ]),
    ).toEqual(['ü😀   x', 'abc  y']);
  });
});

describe('createProgress', () => {
  it('draws on a TTY from the threshold, at most once per percent, and ends at 100 %', () => {
    const s = new FakeStream(true, 80);
    const p = createProgress(s, 'rotating', 5000);
    for (let i = 1; i <= 5000; i++) p.update(i);
    p.finish();
    p.finish();
    expect(s.chunks.length).toBe(102); // 0 %, 1 … 100 %, newline
    expect(s.chunks[0]).toBe(`\rrotating [${'.'.repeat(40)}]   0% 0/5000\u001b[K`);
    expect(s.chunks[100]).toBe(`\rrotating [${'#'.repeat(40)}] 100% 5000/5000\u001b[K`);
    expect(s.chunks[101]).toBe('\n');
  });

  it('fits a narrow terminal', () => {
    const s = new FakeStream(true, 30);
    createProgress(s, 'rotating', 1000).finish();
    expect(s.chunks[0]).toBe(`\rrotating [${'.'.repeat(10)}]   0% 0/1000\u001b[K`);
  });

  it('is silent when not a TTY or below the threshold', () => {
    for (const [tty, total] of [
      [false, 100_000],
      [true, 999],
      [true, 0],
    ] as const) {
      const s = new FakeStream(tty, 80);
      const p = createProgress(s, 'rotating', total);
      p.update(total);
      p.finish();
      expect(s.chunks).toEqual([]);
    }
  });

  it('abort ends the line without claiming 100 %', () => {
    const s = new FakeStream(true, 80);
    const p = createProgress(s, 'rotating', 2000);
    p.update(500);
    p.abort();
    p.finish();
    expect(s.text).not.toContain('100%');
    expect(s.text.endsWith('2000\u001b[K\n')).toBe(true);
  });
});

describe('argument parsing', () => {
  it('finds the command and the group member wherever global options stand', () => {
    const groups = new Set(['keys']);
    expect(splitCommand(['--json', 'seal', '--in', 'x'], groups)).toEqual({
      words: ['seal'],
      rest: ['--json', '--in', 'x'],
    });
    expect(splitCommand(['--key-file', 'k', 'keys', 'promote', 'abc'], groups)).toEqual({
      words: ['keys', 'promote'],
      rest: ['--key-file', 'k', 'abc'],
    });
    expect(splitCommand(['--', 'seal'], groups).words).toEqual([]);
  });

  it('parseOptions accepts - as a value and --opt=value forms', () => {
    const specs = { in: { type: 'string', help: '' }, json: { type: 'boolean', help: '' } } as const;
    expect(parseOptions(['--in', '-', '--json'], specs, 'x')).toEqual({
      opts: { in: '-', json: true },
      positionals: [],
    });
    expect(parseOptions(['--in=--odd'], specs, 'x').opts).toEqual({ in: '--odd' });
    expect(usageCode(() => parseOptions(['--in='], specs, 'x'))).toBe('ERR_USAGE');
    expect(usageCode(() => parseOptions(['-z'], specs, 'x'))).toBe('ERR_USAGE');
  });

  it('refuses any argument carrying a key or keyring text', () => {
    const texts = [
      exportKeyText(generateKey()),
      exportKeyringText(createKeyring({ primary: generateKey(), keys: [generateKey()] })),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.string(), fc.string(), fc.nat(3), (text, pre, post, slot) => {
        const argv = ['seal', '--in', 'x'];
        argv.splice(slot, 0, `${pre}${text}${post}`);
        expect(usageCode(() => refuseKeyArguments(argv))).toBe('ERR_USAGE');
      }),
    );
    expect(() => refuseKeyArguments(['seal', '--in', 'ssk1_notes.json', '--key-file', 'k'])).not.toThrow();
  });

  it('value parsers', () => {
    expect(parseTime('now', '2026-11-23T12:00:00Z')).toBe(Date.parse('2026-11-23T12:00:00Z'));
    expect(parseTime('now', '2026-11-23T13:00:00.5+01:00')).toBe(Date.parse('2026-11-23T12:00:00.500Z'));
    for (const bad of ['2026-11-23', '2026-11-23T12:00Z', '2026-02-30T00:00:00Z', 'now', '1732363200000']) {
      expect(usageCode(() => parseTime('now', bad))).toBe('ERR_USAGE');
    }
    expect(parseMinutes('t', '30')).toBe(1_800_000);
    expect(parseMinutes('t', '0.5')).toBe(30_000);
    for (const bad of ['0', '0.0000001', '-1', '1e3', '', 'ten'])
      expect(usageCode(() => parseMinutes('t', bad))).toBe('ERR_USAGE');
    expect(parseCount('n', '100')).toBe(100);
    for (const bad of ['0', '01', '1.5', '-2', '1e3', '10000000000'])
      expect(usageCode(() => parseCount('n', bad))).toBe('ERR_USAGE');
    expect(parseKid('0123456789abcdef')).toBe('0123456789abcdef');
    for (const bad of ['0123456789ABCDEF', '0123', 'ssk1_x'])
      expect(usageCode(() => parseKid(bad))).toBe('ERR_USAGE');
    expect(parseEnvName('SESSION_SEAL_KEYRING')).toBe('SESSION_SEAL_KEYRING');
    for (const bad of ['1ABC', 'A-B', '', 'A B'])
      expect(usageCode(() => parseEnvName(bad))).toBe('ERR_USAGE');
  });
});
