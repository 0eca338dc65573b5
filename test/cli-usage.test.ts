import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toFailure } from '../src/cli/errors.js';
import { createKeyring, exportKeyringText, exportKeyText, generateKey } from '../src/index.js';
import { cleanup, jsonError, ROOT, run, tempDir } from './cli-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await cleanup(dir);
});

const hintCtx = { command: 'seal', envVar: 'SESSION_SEAL_KEYRING' };

describe('usage errors (exit 2)', () => {
  it('no command', async () => {
    const r = await run([], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'session-seal: error: no command given\nhint: session-seal --help lists the commands\n',
    );
  });

  it('unknown command', async () => {
    const r = await run(['frobnicate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown command frobnicate\n');
  });

  it('unknown option names the option but never its value', async () => {
    const r = await run(['inspect', '--in', 'x', '--colour=hunter2-secret'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown option --colour\n');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a stray positional argument is not echoed', async () => {
    const r = await run(['inspect', '--in', 'x', 'hunter2-secret'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unexpected argument');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('an option without its value, also when followed by another option', async () => {
    const a = await run(['seal', '--in'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--in needs a value: --in <file|->');
    const b = await run(['seal', '--out', '--strict'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--out needs a value');
  });

  it('a repeated option, and a value given to a flag', async () => {
    const a = await run(['inspect', '--in', 'a', '--in', 'b'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--in is given more than once');
    const b = await run(['inspect', '--in', 'a', '--json=yes'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--json takes no value');
  });

  it('a missing required option names it', async () => {
    const r = await run(['verify'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'session-seal: error: verify needs --in <file|->\nhint: see: session-seal verify --help\n',
    );
  });

  it('keys without a subcommand, and an unknown one', async () => {
    const a = await run(['keys'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('error: keys needs a command');
    const b = await run(['keys', 'rename'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('error: unknown keys command rename');
  });

  it('an invalid --key-env name', async () => {
    const r = await run(['keys', 'list', '--key-env', 'NOT-A-NAME'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key-env must be an environment variable name');
  });

  it('an unknown command name is escaped and shortened', async () => {
    const r = await run([`\u001b[2J${'x'.repeat(100)}`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('\\u{1b}[2J');
    expect(r.stderr).toContain('…');
  });
});

describe('key material is never taken from arguments', () => {
  const keyText = exportKeyText(generateKey());
  const keyringText = exportKeyringText(createKeyring({ primary: generateKey() }));

  it.each([
    ['a key text as an option value', ['seal', '--in', keyText]],
    ['a keyring text inline', ['unseal', `--in=${keyringText}`]],
    ['a key text as a positional', ['keys', 'promote', keyText]],
    ['a key text after --', ['inspect', '--', keyText]],
    ['a --key option', ['seal', '--key', 'abc']],
    ['a --key= option', ['seal', '--key=abc']],
    ['a --keyring option', ['unseal', '--keyring', 'x']],
  ])('refuses %s without echoing it', async (_label, argv) => {
    const r = await run(argv, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('key material is not accepted as a command-line argument');
    expect(r.stderr).toContain('hint: put the key text in the SESSION_SEAL_KEYRING environment variable');
    expect(r.stderr).not.toContain(keyText.slice(5));
    expect(r.stderr).not.toContain(keyringText.slice(6));
    expect(r.stdout).toBe('');
  });

  it('refuses before anything else runs (no file is written)', async () => {
    const r = await run(['keygen', '--out', 'k.key', '--key', keyText], { cwd: dir });
    expect(r.code).toBe(2);
    await expect(readFile(join(dir, 'k.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('help and version', () => {
  it('--help, -h and help <command> print the same text to stdout and exit 0', async () => {
    const a = await run(['seal', '--help'], { cwd: dir });
    const b = await run(['seal', '-h'], { cwd: dir });
    const c = await run(['help', 'seal'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Usage: session-seal seal --in <file|-> --out <file> [options]');
    expect(a.stdout).toContain('Example:\n  $ session-seal seal');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('help wins over missing required options', async () => {
    const r = await run(['unseal', '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('group and subcommand help', async () => {
    const g = await run(['keys', '--help'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('keys promote KID');
    const s = await run(['help', 'keys', 'promote'], { cwd: dir });
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('Usage: session-seal keys promote KID [options]');
  });

  it('main help documents the exit codes', async () => {
    const r = await run(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const code of ['0', '1', '2', '3', '4', '70'])
      expect(r.stdout).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

describe('error output', () => {
  it('text form: error line and hint line on stderr', async () => {
    const r = await run(['keys', 'list'], { cwd: dir, env: {} });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'session-seal: error: environment variable SESSION_SEAL_KEYRING is not set or empty: no key, no service\n' +
        'hint: set SESSION_SEAL_KEYRING or pass --key-file <path>; create a key with: session-seal keygen --out <path>\n',
    );
  });

  it('the hint names the variable chosen with --key-env', async () => {
    const r = await run(['keys', 'list', '--key-env', 'MY_KEYS'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hint: set MY_KEYS or pass --key-file');
  });

  it('--json form: one JSON object on stderr, with the code', async () => {
    const r = await run(['keys', 'list', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const e = jsonError(r.stderr);
    expect(e.code).toBe('ERR_KEY_MATERIAL_MISSING');
    expect(e.hint).toContain('SESSION_SEAL_KEYRING');
  });

  it('usage errors in --json form have code ERR_USAGE', async () => {
    const r = await run(['inspect', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(jsonError(r.stderr).code).toBe('ERR_USAGE');
  });
});

describe('toFailure', () => {
  it('a system error becomes ERR_IO with its errno and path, exit 4', () => {
    const err = Object.assign(new Error('EACCES: permission denied, open /x/secret-token-123'), {
      code: 'EACCES',
      syscall: 'open',
      path: '/x/y',
    });
    expect(toFailure(err, hintCtx)).toEqual({
      exit: 4,
      code: 'ERR_IO',
      message: '/x/y: permission denied (EACCES)',
    });
  });

  it('anything else is an internal error, exit 70, without its message', () => {
    const err = Object.assign(new TypeError('The "path" argument must be of type string. Received hunter2'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    const f = toFailure(err, hintCtx);
    expect(f).toMatchObject({
      exit: 70,
      code: 'ERR_INTERNAL',
      message: 'internal error (TypeError ERR_INVALID_ARG_TYPE)',
    });
    expect(JSON.stringify(f)).not.toContain('hunter2');
    expect(toFailure('boom', hintCtx)).toMatchObject({ exit: 70, message: 'internal error (string)' });
  });
});
