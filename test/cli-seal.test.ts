import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBundle } from '../src/index.js';
import type { SessionState } from '../src/schema.js';
import {
  cleanup,
  DEMO_NOW_ISO,
  EXAMPLE_FILE,
  exampleSessions,
  jsonError,
  run,
  sealedExample,
  tempDir,
} from './cli-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await cleanup(dir);
});

/** Characters a terminal acts on (newline excepted: reports are multi-line). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('seal', () => {
  beforeEach(async () => {
    await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
  });
  const seal = (...extra: string[]) => ['seal', '--key-file', 'keyring.key', '--out', 'out.sealed', ...extra];

  it('seals the valid records, refuses the invalid one with its code, writes 0600', async () => {
    const r = await run(seal('--in', EXAMPLE_FILE), { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^sealed 7 of 8 sessions under key [0-9a-f]{16} -> out\.sealed$/);
    expect(lines[1]).toBe('refused 1:');
    expect(lines[2]).toMatch(
      /^ {2}#5 {2}instance-hooli-\S+ {2}ERR_SESSION_INVALID {2}context\.n8nApiUrl: url_protocol$/,
    );
    const file = join(dir, 'out.sealed');
    expect(parseBundle(await readFile(file, 'utf8')).entries).toHaveLength(7);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('--json reports every refused record with index, sessionId, code and issues', async () => {
    const input = await exampleSessions();
    const r = await run(seal('--in', EXAMPLE_FILE, '--json'), { cwd: dir });
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ command: 'seal', written: true, total: 8, sealed: 7 });
    expect(report.refused).toEqual([
      {
        index: 5,
        sessionId: input[5]?.sessionId,
        code: 'ERR_SESSION_INVALID',
        issues: [{ path: ['context', 'n8nApiUrl'], code: 'url_protocol' }],
      },
    ]);
  });

  it('--strict writes nothing and exits 1 when a record is refused', async () => {
    const r = await run(seal('--in', EXAMPLE_FILE, '--strict'), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('wrote nothing: 1 record refused and --strict is set');
    expect(await exists(join(dir, 'out.sealed'))).toBe(false);
  });

  it('--strict with all records valid seals normally', async () => {
    const valid = (await exampleSessions()).filter((_, i) => i !== 5);
    const r = await run(seal('--in', '-', '--strict'), { cwd: dir, stdin: JSON.stringify(valid) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sealed 7 of 7 sessions/);
  });

  it('reads stdin with --in -', async () => {
    const r = await run(seal('--in', '-'), { cwd: dir, stdin: await readFile(EXAMPLE_FILE) });
    expect(r.code).toBe(0);
    expect(parseBundle(await readFile(join(dir, 'out.sealed'), 'utf8')).entries).toHaveLength(7);
  });

  it('--url-policy strict refuses private hosts', async () => {
    const [first] = await exampleSessions();
    const local = { ...first, context: { ...first?.context, n8nApiUrl: 'http://169.254.169.254/latest' } };
    const r = await run(seal('--in', '-', '--url-policy', 'strict', '--json'), {
      cwd: dir,
      stdin: JSON.stringify([first, local]),
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { refused: { code: string }[] }).refused).toHaveLength(1);
    const bad = await run(seal('--in', '-', '--url-policy', 'lax'), { cwd: dir, stdin: '[]' });
    expect(bad.code).toBe(2);
  });

  it.each([
    ['not JSON', '{"sessionId": "hunter2-secret"', 'input is not valid JSON'],
    ['not UTF-8', new Uint8Array([0x5b, 0xff, 0x5d]), 'input is not valid UTF-8'],
    [
      'an object',
      '{"sessions": []}',
      'input must be a JSON array of SessionState records (n8n-mcp exportSessionState())',
    ],
  ])('input that is %s: exit 4 ERR_INPUT_MALFORMED, input not echoed', async (_label, stdin, message) => {
    const r = await run(seal('--in', '-', '--json'), { cwd: dir, stdin });
    expect(r.code).toBe(4);
    expect(jsonError(r.stderr)).toMatchObject({ code: 'ERR_INPUT_MALFORMED', message });
    expect(r.stderr).not.toContain('hunter2');
    expect(await exists(join(dir, 'out.sealed'))).toBe(false);
  });

  it('input that is already a sealed bundle points to rotate', async () => {
    await run(seal('--in', EXAMPLE_FILE), { cwd: dir });
    const r = await run(
      ['seal', '--key-file', 'keyring.key', '--in', 'out.sealed', '--out', 'again.sealed'],
      { cwd: dir },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'session-seal: error: input is already a sealed bundle\nhint: to re-seal under a new key use: session-seal rotate\n',
    );
  });

  it('a missing input file is exit 4 ERR_FILE_NOT_FOUND', async () => {
    const r = await run(seal('--in', 'absent.json', '--json'), { cwd: dir });
    expect(r.code).toBe(4);
    expect(jsonError(r.stderr).code).toBe('ERR_FILE_NOT_FOUND');
  });

  it('an output directory that does not exist is exit 4', async () => {
    const r = await run(
      ['seal', '--key-file', 'keyring.key', '--in', EXAMPLE_FILE, '--out', 'no/dir/x', '--json'],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(4);
    expect(jsonError(r.stderr).code).toBe('ERR_FILE_NOT_FOUND');
  });

  it('without key material: exit 3 before reading the input', async () => {
    const r = await run(['seal', '--in', '-', '--out', 'x.sealed'], { cwd: dir, stdin: 'not json' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hint: set SESSION_SEAL_KEYRING or pass --key-file <path>');
  });

  it('never replaces its input (refused records would be lost)', async () => {
    const input = join(dir, 'export.json');
    await writeFile(input, await readFile(EXAMPLE_FILE));
    const r = await run(['seal', '--key-file', 'keyring.key', '--in', 'export.json', '--out', input], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out is the input file');
    expect(await readFile(input, 'utf8')).toBe(await readFile(EXAMPLE_FILE, 'utf8'));
  });

  it('needs --out', async () => {
    const r = await run(['seal', '--key-file', 'keyring.key', '--in', EXAMPLE_FILE], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('seal needs --out <file>');
  });
});

describe('unseal', () => {
  let input: SessionState[];
  beforeEach(async () => {
    await sealedExample(dir);
    input = await exampleSessions();
  });
  const unseal = (...extra: string[]) => [
    'unseal',
    '--key-file',
    'keyring.key',
    '--in',
    'sessions.sealed',
    ...extra,
  ];
  const restoredIds = (json: string) => (JSON.parse(json) as SessionState[]).map((s) => s.sessionId);

  it('writes the restored sessions to stdout and the report to stderr', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO), { cwd: dir });
    expect(r.code).toBe(0);
    const sessions = JSON.parse(r.stdout) as SessionState[];
    const expected = [0, 1, 2, 4, 7].map((i) => input[i]);
    expect(sessions).toEqual(expected);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('restored 5 of 7 sessions -> stdout');
    expect(lines[1]).toMatch(/^integrity ok \(MAC key [0-9a-f]{16}\)$/);
    expect(lines[2]).toBe('skipped 2:');
    expect(lines[3]).toContain(`#3  ${input[3]?.sessionId}`);
    expect(lines[3]).toMatch(/ERR_SESSION_EXPIRED {2}session has expired$/);
    expect(lines[4]).toContain(`#5  ${input[6]?.sessionId}`);
  });

  it('refuses to print the sessions to a terminal, and prints nothing', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO), { cwd: dir, stdoutTty: true });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'session-seal: error: refusing to print API keys to a terminal\n' +
        'hint: write them to a file with --out <file> (mode 0600), or pipe stdout to the program that restores them\n',
    );
    const toFile = await run(unseal('--out', 'r.json'), { cwd: dir, stdoutTty: true });
    expect(toFile.code).toBe(0);
  });

  it('the clock defaults to io.now', async () => {
    const r = await run(unseal(), { cwd: dir, now: Date.parse('2026-11-23T11:00:00Z') });
    // At 11:00 the 08:59 session is expired; the 11:12 one is in the future, so not expired.
    expect(restoredIds(r.stdout)).toHaveLength(6);
  });

  it('--json puts one JSON report on stderr', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO, '--json'), { cwd: dir });
    const report = JSON.parse(r.stderr) as { skipped: { index: number; code: string; sessionId: string }[] };
    expect(report).toMatchObject({
      command: 'unseal',
      written: true,
      output: 'stdout',
      total: 7,
      restored: 5,
    });
    expect(report.skipped.map((s) => [s.index, s.code, s.sessionId])).toEqual([
      [3, 'ERR_SESSION_EXPIRED', input[3]?.sessionId],
      [5, 'ERR_SESSION_EXPIRED', input[6]?.sessionId],
    ]);
  });

  it('--out writes a new 0600 file, refuses to replace it without --force', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO, '--out', 'restored.json'), { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('restored 5 of 7 sessions -> restored.json');
    const file = join(dir, 'restored.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(restoredIds(await readFile(file, 'utf8'))).toHaveLength(5);
    const again = await run(unseal('--out', 'restored.json', '--json'), { cwd: dir });
    expect(again.code).toBe(4);
    expect(jsonError(again.stderr).code).toBe('ERR_FILE_EXISTS');
    const forced = await run(unseal('--out', 'restored.json', '--force', '--session-timeout', '100000'), {
      cwd: dir,
    });
    expect(forced.code).toBe(0);
    expect(restoredIds(await readFile(file, 'utf8'))).toHaveLength(7);
  });

  it('--out never replaces the input with plaintext', async () => {
    const r = await run(unseal('--out', 'sessions.sealed', '--force'), { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out is the input file');
    expect(parseBundle(await readFile(join(dir, 'sessions.sealed'))).entries).toHaveLength(7);
  });

  it('--strict: any skip writes nothing and exits 1', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO, '--strict'), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('wrote nothing: --strict is set and 2 entries would be skipped');
    const ok = await run(unseal('--now', DEMO_NOW_ISO, '--strict', '--session-timeout', '1000'), {
      cwd: dir,
    });
    expect(ok.code).toBe(0);
    expect(restoredIds(ok.stdout)).toHaveLength(7);
  });

  it('--max-sessions limits the restore (ERR_SESSION_LIMIT)', async () => {
    const r = await run(unseal('--now', DEMO_NOW_ISO, '--max-sessions', '2', '--json'), { cwd: dir });
    expect(restoredIds(r.stdout)).toEqual([input[0]?.sessionId, input[1]?.sessionId]);
    const codes = (JSON.parse(r.stderr) as { skipped: { code: string }[] }).skipped.map((s) => s.code);
    expect(codes).toEqual(Array(5).fill('ERR_SESSION_LIMIT'));
  });

  it.each([
    ['--now', 'yesterday', '--now must be an ISO 8601 date-time'],
    ['--now', '2026-11-23', '--now must be an ISO 8601 date-time'],
    ['--session-timeout', '0', '--session-timeout must be a positive number of minutes'],
    ['--session-timeout', '-5', '--session-timeout must be a positive number of minutes'],
    ['--max-sessions', '1.5', '--max-sessions must be a positive integer'],
  ])('%s %s is a usage error', async (flag, value, message) => {
    const r = await run(unseal(flag, value), { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('with a keyring that lacks the key: everything skipped, integrity failed: exit 1 (nothing restorable)', async () => {
    await run(['keygen', '--out', 'other.key'], { cwd: dir });
    const other = ['unseal', '--key-file', 'other.key', '--in', 'sessions.sealed', '--json'];
    const r = await run(other, { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const report = JSON.parse(r.stderr) as { integrity: { ok: boolean }; skipped: { code: string }[] };
    expect(report.integrity.ok).toBe(false);
    expect(new Set(report.skipped.map((s) => s.code))).toEqual(new Set(['ERR_KEY_NOT_FOUND']));
    expect((await run([...other, '--strict'], { cwd: dir })).code).toBe(1);
  });

  it('a reordered bundle: what verifies is written, integrity failure reported loudly, exit 1', async () => {
    const file = join(dir, 'sessions.sealed');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { entries: unknown[] };
    doc.entries.reverse();
    await writeFile(file, JSON.stringify(doc));
    const r = await run(unseal(), { cwd: dir });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(5);
    expect(r.stderr).toContain('bundle integrity check failed');
  });

  it('--require-integrity refuses a bundle whose list fails the MAC (exit 1)', async () => {
    const file = join(dir, 'sessions.sealed');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { entries: unknown[] };
    doc.entries.reverse();
    await writeFile(file, JSON.stringify(doc));
    const r = await run(unseal('--require-integrity', '--json'), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(jsonError(r.stderr).code).toBe('ERR_BUNDLE_INTEGRITY');
  });

  it('a file that is not a bundle is exit 4 ERR_BUNDLE_MALFORMED with a hint', async () => {
    const r = await run(['unseal', '--key-file', 'keyring.key', '--in', EXAMPLE_FILE], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'session-seal: error: not a sealed bundle\n' +
        'hint: this is not a sealed bundle; to seal a SessionState[] export use: session-seal seal\n',
    );
  });

  it('escapes terminal control and bidi characters in an attacker-written sessionId', async () => {
    const file = join(dir, 'sessions.sealed');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { entries: { sessionId: string }[] };
    const target = doc.entries[0];
    if (target === undefined) throw new Error('no entry');
    target.sessionId = 'evil\u001b]0;pwned\u0007\u009b2J\u202egnp.exe\u2066';
    await writeFile(file, JSON.stringify(doc));
    const r = await run(unseal('--now', DEMO_NOW_ISO), { cwd: dir });
    expect(r.code).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes('evil')) ?? '';
    expect(line).toContain('evil\\u{1b}]0;pwned\\u{7}\\u{9b}2J\\u{202e}gnp.exe\\u{2066}');
    expect(line).toContain('ERR_DECRYPTION_FAILED');
    expect(r.stderr).not.toMatch(TERMINAL_ACTIVE);
    const j = await run(unseal('--now', DEMO_NOW_ISO, '--json'), { cwd: dir });
    expect(j.stderr).not.toMatch(TERMINAL_ACTIVE);
    const skipped = (JSON.parse(j.stderr) as { skipped: { sessionId: string }[] }).skipped;
    expect(skipped.map((s) => s.sessionId)).toContain(target.sessionId);
  });
});
