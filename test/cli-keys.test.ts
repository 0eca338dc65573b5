import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importKeyringText, importKeyText } from '../src/index.js';
import { cleanup, jsonError, kidsOf, run, tempDir } from './cli-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await cleanup(dir);
});

const KID = /^[0-9a-f]{16}$/;

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function keyText(name = 'keyring.key'): Promise<string> {
  return (await readFile(join(dir, name), 'utf8')).trim();
}

describe('keygen', () => {
  it('--out writes a new key file with mode 0600 and prints only its kid', async () => {
    const r = await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = await keyText();
    const key = importKeyText(text);
    expect(r.stdout).toBe(`wrote new key ${key.kid} to keyring.key (mode 0600)\n`);
    expect(r.stderr).toBe('');
    expect(await mode(join(dir, 'keyring.key'))).toBe(0o600);
    expect(r.stdout).not.toContain(text.slice(5, 30));
  });

  it('--out refuses an existing file (exit 4) and --force replaces it', async () => {
    await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
    const before = await keyText();
    const r = await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'session-seal: error: keyring.key already exists\n' +
        'hint: choose another path, or pass --force to replace it (the key in it is lost unless stored elsewhere)\n',
    );
    expect(await keyText()).toBe(before);
    const f = await run(['keygen', '--out', 'keyring.key', '--force', '--json'], { cwd: dir });
    expect(f.code).toBe(0);
    const after = await keyText();
    expect(after).not.toBe(before);
    expect(JSON.parse(f.stdout)).toEqual({
      command: 'keygen',
      kid: importKeyText(after).kid,
      keyFile: join(dir, 'keyring.key'),
      mode: '0600',
    });
    expect(await mode(join(dir, 'keyring.key'))).toBe(0o600);
  });

  it('--out into a missing directory is a file problem (exit 4)', async () => {
    const r = await run(['keygen', '--out', 'nope/keyring.key', '--json'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(jsonError(r.stderr).code).toBe('ERR_IO');
  });

  it('--stdout prints the key text alone on stdout and the report on stderr', async () => {
    const r = await run(['keygen', '--stdout'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ssk1_[A-Za-z0-9_-]+\n$/);
    const key = importKeyText(r.stdout);
    expect(r.stderr).toBe(`new key ${key.kid} written to stdout\n`);
    const j = await run(['keygen', '--stdout', '--json'], { cwd: dir });
    expect(JSON.parse(j.stderr)).toEqual({
      command: 'keygen',
      kid: importKeyText(j.stdout).kid,
      output: 'stdout',
    });
  });

  it.each([
    ['no mode', ['keygen']],
    ['two modes', ['keygen', '--stdout', '--out', 'k']],
    ['three modes', ['keygen', '--stdout', '--out', 'k', '--add-to', 'j']],
  ])('needs exactly one of --out, --stdout, --add-to: %s', async (_label, argv) => {
    const r = await run(argv, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keygen needs exactly one of --out <file>, --stdout or --add-to <file>');
    expect(r.stdout).toBe('');
  });

  it('--force applies to --out only', async () => {
    const r = await run(['keygen', '--stdout', '--force'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('--add-to adds a decrypt-only key, keeps the primary, and keeps the file 0600', async () => {
    await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
    const primary = importKeyringText(await keyText()).primaryKid;
    const r = await run(['keygen', '--add-to', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(0);
    const keyring = importKeyringText(await keyText());
    expect(keyring.primaryKid).toBe(primary);
    const added = keyring.entries()[1];
    expect(added?.status).toBe('decrypt-only');
    expect(r.stdout).toBe(
      `added key ${added?.key.kid} (decrypt-only); rewrote keyring.key (mode 0600)\n` +
        `keys: ${primary} primary, ${added?.key.kid} decrypt-only\n`,
    );
    expect(await mode(join(dir, 'keyring.key'))).toBe(0o600);
  });

  it('--add-to refuses a key file others can read (exit 3, chmod hint)', async () => {
    await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
    await chmod(join(dir, 'keyring.key'), 0o644);
    const r = await run(['keygen', '--add-to', 'keyring.key', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    const e = jsonError(r.stderr);
    expect(e.code).toBe('ERR_KEY_FILE_PERMISSIONS');
    expect(e.hint).toBe(`chmod 600 ${join(dir, 'keyring.key')}`);
  });

  it('--add-to a missing file is missing key material (exit 3)', async () => {
    const r = await run(['keygen', '--add-to', 'absent.key', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).code).toBe('ERR_KEY_MATERIAL_MISSING');
  });
});

describe('keys', () => {
  beforeEach(async () => {
    await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
  });

  it('list: kids and statuses from --key-file or the environment, never key text', async () => {
    const text = await keyText();
    const kid = importKeyringText(text).primaryKid;
    const a = await run(['keys', 'list', '--key-file', 'keyring.key'], { cwd: dir });
    expect(a).toEqual({ code: 0, stdout: `  kid               status\n  ${kid}  primary\n`, stderr: '' });
    const b = await run(['keys', 'list', '--json'], { cwd: dir, env: { SESSION_SEAL_KEYRING: text } });
    expect(JSON.parse(b.stdout)).toEqual({
      command: 'keys list',
      primary: kid,
      keys: [{ kid, status: 'primary' }],
    });
    const c = await run(['keys', 'list', '--key-env', 'OTHER'], { cwd: dir, env: { OTHER: `\n${text}\n` } });
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(kid);
  });

  it('--key-file wins over the environment', async () => {
    const r = await run(['keys', 'list', '--key-file', 'keyring.key'], {
      cwd: dir,
      env: { SESSION_SEAL_KEYRING: 'garbage' },
    });
    expect(r.code).toBe(0);
  });

  it('a damaged key text is a key format error (exit 3) and is not echoed', async () => {
    const text = await keyText();
    const damaged = `${text.slice(0, 20)}${text[20] === 'A' ? 'B' : 'A'}${text.slice(21)}`;
    const r = await run(['keys', 'list', '--json'], { cwd: dir, env: { SESSION_SEAL_KEYRING: damaged } });
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).code).toBe('ERR_KEY_FORMAT');
    expect(r.stderr).not.toContain(damaged.slice(6, 30));
  });

  it('add → promote → disable → enable → disable → remove, rewriting the file each time', async () => {
    const [first] = await kidsOf(dir);
    const add = await run(['keys', 'add', '--key-file', 'keyring.key', '--json'], { cwd: dir });
    expect(add.code).toBe(0);
    const second = (JSON.parse(add.stdout) as { kid: string }).kid;
    expect(second).toMatch(KID);
    expect(await kidsOf(dir)).toEqual([
      { kid: first?.kid, status: 'primary' },
      { kid: second, status: 'decrypt-only' },
    ]);

    const promote = await run(['keys', 'promote', second, '--key-file', 'keyring.key'], { cwd: dir });
    expect(promote.code).toBe(0);
    expect(promote.stdout.split('\n')[0]).toBe(
      `promoted ${second} to primary; ${first?.kid} is now decrypt-only; rewrote keyring.key (mode 0600)`,
    );
    const old = first?.kid ?? '';
    expect((await run(['keys', 'disable', old, '--key-file', 'keyring.key'], { cwd: dir })).code).toBe(0);
    expect((await kidsOf(dir))[1]).toEqual({ kid: old, status: 'disabled' });
    expect((await run(['keys', 'enable', old, '--key-file', 'keyring.key'], { cwd: dir })).code).toBe(0);
    expect((await kidsOf(dir))[1]).toEqual({ kid: old, status: 'decrypt-only' });
    await run(['keys', 'disable', old, '--key-file', 'keyring.key'], { cwd: dir });
    const remove = await run(['keys', 'remove', old, '--key-file', 'keyring.key'], { cwd: dir });
    expect(remove.code).toBe(0);
    expect(await kidsOf(dir)).toEqual([{ kid: second, status: 'primary' }]);
    expect(await mode(join(dir, 'keyring.key'))).toBe(0o600);
  });

  it('promote of a kid not in the keyring is exit 3 ERR_KEY_NOT_FOUND', async () => {
    const r = await run(['keys', 'promote', '0123456789abcdef', '--key-file', 'keyring.key', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('a malformed KID is a usage error', async () => {
    const r = await run(['keys', 'promote', 'ABCDEF', '--key-file', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KID must be 16 lowercase hexadecimal characters');
  });

  it('the primary cannot be disabled or removed (exit 3 ERR_KEYRING_INVALID)', async () => {
    const [primary] = await kidsOf(dir);
    for (const verb of ['disable', 'remove']) {
      const r = await run(['keys', verb, primary?.kid ?? '', '--key-file', 'keyring.key', '--json'], {
        cwd: dir,
      });
      expect(r.code).toBe(3);
      expect(jsonError(r.stderr).code).toBe('ERR_KEYRING_INVALID');
    }
  });

  it('remove refuses a key that is not disabled unless --force', async () => {
    await run(['keys', 'add', '--key-file', 'keyring.key'], { cwd: dir });
    const [, extra] = await kidsOf(dir);
    const kid = extra?.kid ?? '';
    const r = await run(['keys', 'remove', kid, '--key-file', 'keyring.key', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    const e = jsonError(r.stderr);
    expect(e.code).toBe('ERR_KEY_NOT_DISABLED');
    expect(e.hint).toContain(`session-seal keys disable ${kid}`);
    expect(await kidsOf(dir)).toHaveLength(2);
    const f = await run(['keys', 'remove', kid, '--force', '--key-file', 'keyring.key'], { cwd: dir });
    expect(f.code).toBe(0);
    expect(await kidsOf(dir)).toHaveLength(1);
  });

  it('a change without --key-file needs --stdout: an environment variable cannot be rewritten', async () => {
    const env = { SESSION_SEAL_KEYRING: await keyText() };
    const r = await run(['keys', 'add'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keys add needs --key-file <path> (rewritten in place) or --stdout');
    const s = await run(['keys', 'add', '--stdout'], { cwd: dir, env });
    expect(s.code).toBe(0);
    const next = importKeyringText(s.stdout);
    expect(next.entries()).toHaveLength(2);
    expect(s.stderr).toMatch(
      /^added key [0-9a-f]{16} \(decrypt-only\); new keyring text written to stdout\n/,
    );
  });

  it('--stdout with --key-file prints and leaves the file unchanged', async () => {
    const before = await keyText();
    const r = await run(['keys', 'add', '--stdout', '--key-file', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(await keyText()).toBe(before);
    expect(importKeyringText(r.stdout).entries()).toHaveLength(2);
  });

  it('promote of the current primary is a no-op that says so', async () => {
    const [primary] = await kidsOf(dir);
    const r = await run(['keys', 'promote', primary?.kid ?? '', '--key-file', 'keyring.key'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`key ${primary?.kid} is already the primary`);
  });

  it('a symlinked directory entry for the key file is still read (mounted secrets)', async () => {
    const { symlink } = await import('node:fs/promises');
    await symlink(join(dir, 'keyring.key'), join(dir, 'link.key'));
    const r = await run(['keys', 'list', '--key-file', 'link.key'], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it('a key file that is empty is missing key material', async () => {
    await writeFile(join(dir, 'empty.key'), '\n', { mode: 0o600 });
    const r = await run(['keys', 'list', '--key-file', 'empty.key', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).code).toBe('ERR_KEY_MATERIAL_MISSING');
  });
});
