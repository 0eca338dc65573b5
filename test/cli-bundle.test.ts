import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyUsage, parseBundle } from '../src/index.js';
import {
  cleanup,
  DEMO_NOW_ISO,
  EXAMPLE_FILE,
  exampleSessions,
  jsonError,
  kidsOf,
  run,
  sealedExample,
  tempDir,
} from './cli-harness.js';
import { realisticSessions } from './helpers/fixtures.js';

let dir: string;
let oldKid: string;
beforeEach(async () => {
  dir = await tempDir();
  oldKid = await sealedExample(dir);
});
afterEach(async () => {
  await cleanup(dir);
});

const bundleFile = () => join(dir, 'sessions.sealed');

async function usage(): Promise<Record<string, number>> {
  return { ...keyUsage(parseBundle(await readFile(bundleFile())).entries).byKid };
}

async function newPrimary(): Promise<string> {
  const add = await run(['keys', 'add', '--key-file', 'keyring.key', '--json'], { cwd: dir });
  const kid = (JSON.parse(add.stdout) as { kid: string }).kid;
  await run(['keys', 'promote', kid, '--key-file', 'keyring.key'], { cwd: dir });
  return kid;
}

async function editBundle(edit: (doc: { entries: Record<string, unknown>[] }) => void): Promise<void> {
  const doc = JSON.parse(await readFile(bundleFile(), 'utf8')) as { entries: Record<string, unknown>[] };
  edit(doc);
  await writeFile(bundleFile(), JSON.stringify(doc));
}

describe('rotate', () => {
  const rotate = (...extra: string[]) => [
    'rotate',
    '--key-file',
    'keyring.key',
    '--file',
    'sessions.sealed',
    ...extra,
  ];

  it('re-seals every entry under the new primary and shows counts per kid', async () => {
    const kid = await newPrimary();
    const r = await run(rotate(), { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `rotated sessions.sealed under primary key ${kid}: 7 entries (7 re-sealed, 0 already current, 0 kept, 0 dropped)\n` +
        `  before  ${oldKid} 7\n` +
        `  after   ${kid} 7\n`,
    );
    expect(await usage()).toEqual({ [kid]: 7 });
    const again = await run(rotate('--json'), { cwd: dir });
    expect(JSON.parse(again.stdout)).toMatchObject({ rotated: 0, current: 7, byKidBefore: { [kid]: 7 } });
  });

  it('the rotated file still restores the same sessions', async () => {
    await newPrimary();
    await run(rotate(), { cwd: dir });
    const r = await run(
      ['unseal', '--key-file', 'keyring.key', '--in', 'sessions.sealed', '--now', DEMO_NOW_ISO],
      {
        cwd: dir,
      },
    );
    const input = await exampleSessions();
    expect(JSON.parse(r.stdout)).toEqual([0, 1, 2, 4, 7].map((i) => input[i]));
  });

  it('refuses a bundle that fails its integrity check (exit 1, hint --force)', async () => {
    await editBundle((doc) => doc.entries.reverse());
    const before = await readFile(bundleFile(), 'utf8');
    const r = await run(rotate(), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: bundle integrity check failed: entries were removed, added, duplicated or reordered\n',
    );
    expect(r.stderr).toContain(
      'hint: check the file with: session-seal verify; re-run with --force to re-seal the current list anyway',
    );
    expect(await readFile(bundleFile(), 'utf8')).toBe(before);
  });

  it('--force rotates anyway and keeps what this keyring cannot open (exit 1)', async () => {
    await run(['keygen', '--out', 'other.key'], { cwd: dir });
    const [other] = await kidsOf(dir, 'other.key');
    const args = ['rotate', '--key-file', 'other.key', '--file', 'sessions.sealed', '--json'];
    const refused = await run(args, { cwd: dir });
    expect(jsonError(refused.stderr).code).toBe('ERR_BUNDLE_INTEGRITY');
    const r = await run([...args, '--force'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      kept: number;
      problems: { status: string; code: string; kid: string }[];
    };
    expect(report.kept).toBe(7);
    expect(
      report.problems.every((p) => p.status === 'kept' && p.code === 'ERR_KEY_NOT_FOUND' && p.kid === oldKid),
    ).toBe(true);
    expect(await usage()).toEqual({ [oldKid]: 7 });
    const text = await run(['rotate', '--key-file', 'other.key', '--file', 'sessions.sealed', '--force'], {
      cwd: dir,
    });
    expect(text.stdout).toContain(`under primary key ${other?.kid}`);
    expect(text.stdout).toContain('not rotated 7:');
  });

  it('a missing file is exit 4, a non-bundle is exit 4', async () => {
    const a = await run(['rotate', '--key-file', 'keyring.key', '--file', 'absent', '--json'], { cwd: dir });
    expect(a.code).toBe(4);
    expect(jsonError(a.stderr).code).toBe('ERR_FILE_NOT_FOUND');
    const b = await run(['rotate', '--key-file', 'keyring.key', '--file', EXAMPLE_FILE, '--json'], {
      cwd: dir,
    });
    expect(b.code).toBe(4);
    expect(jsonError(b.stderr).code).toBe('ERR_BUNDLE_MALFORMED');
    await writeFile(join(dir, 'junk'), 'not json at all');
    const c = await run(['rotate', '--key-file', 'keyring.key', '--file', 'junk', '--json'], { cwd: dir });
    expect(jsonError(c.stderr)).toEqual({
      code: 'ERR_BUNDLE_MALFORMED',
      message: 'bundle is not valid JSON',
      hint: 'this is not a sealed bundle; to seal a SessionState[] export use: session-seal seal',
    });
  });

  describe('progress bar', () => {
    beforeEach(async () => {
      const many = realisticSessions(1000);
      const s = await run(['seal', '--key-file', 'keyring.key', '--in', '-', '--out', 'big.sealed'], {
        cwd: dir,
        stdin: JSON.stringify(many),
      });
      expect(s.code).toBe(0);
      await newPrimary();
    });
    const big = ['rotate', '--key-file', 'keyring.key', '--file', 'big.sealed'];

    it('is drawn on a TTY stderr for 1000 entries and ends at 100 %', async () => {
      const r = await run(big, { cwd: dir, ttyColumns: 100 });
      expect(r.code).toBe(0);
      expect(r.stderr.startsWith('\rrotating [')).toBe(true);
      expect(r.stderr).toContain('   0% 0/1000');
      expect(r.stderr.endsWith(' 100% 1000/1000\u001b[K\n')).toBe(true);
      expect(r.stdout).toContain('1000 entries (1000 re-sealed');
    });

    it('is never drawn when stderr is not a TTY', async () => {
      const r = await run(big, { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    });

    it('is not drawn for small files, even on a TTY', async () => {
      const r = await run(['rotate', '--key-file', 'keyring.key', '--file', 'sessions.sealed'], {
        cwd: dir,
        ttyColumns: 100,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    });
  });
});

describe('inspect', () => {
  it('shows counts, kids and times without any key, and no sessionId', async () => {
    const input = await exampleSessions();
    const r = await run(['inspect', '--in', 'sessions.sealed', '--now', DEMO_NOW_ISO], {
      cwd: dir,
      env: { SESSION_SEAL_KEYRING: 'not a key at all' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const size = (await readFile(bundleFile())).length;
    expect(r.stdout).toBe(
      [
        `file         sessions.sealed (${size} bytes)`,
        'format       session-seal/bundle/v1, envelope v1',
        'entries      7 (0 malformed)',
        `MAC key      ${oldKid}`,
        `keys in use  ${oldKid} 7`,
        'sessionIds   7 distinct',
        `lastAccess   oldest ${input[6]?.metadata.lastAccess}, newest ${input[0]?.metadata.lastAccess}`,
        'expired      2 of 7 at 2026-11-23T12:00:00.000Z (idle > 30 minutes)',
        'note: clear metadata, readable without a key and not authenticated (see verify)',
        '',
      ].join('\n'),
    );
    for (const s of input) expect(r.stdout).not.toContain(s.sessionId);
  });

  it('--json, --session-timeout and the default clock', async () => {
    const r = await run(['inspect', '--in', 'sessions.sealed', '--session-timeout', '240', '--json'], {
      cwd: dir,
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      command: 'inspect',
      format: 'session-seal/bundle/v1',
      entries: 7,
      malformed: {},
      macKid: oldKid,
      kids: { [oldKid]: 7 },
      expired: 0,
      now: '2026-11-23T12:00:00.000Z',
      sessionTimeoutMinutes: 240,
      authenticated: false,
    });
  });

  it('counts malformed entries by code and still reports the rest', async () => {
    await editBundle((doc) => {
      doc.entries[0] = { nope: true };
      const e = doc.entries[1];
      if (e) e.sealedContext = `B${String(e.sealedContext).slice(1)}`; // version byte 0x01 → 0x05
    });
    const r = await run(['inspect', '--in', 'sessions.sealed', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      malformed: Record<string, number>;
      kids: Record<string, number>;
    };
    expect(report.malformed).toEqual({ ERR_ENVELOPE_MALFORMED: 1, ERR_ENVELOPE_UNSUPPORTED_VERSION: 1 });
    expect(report.kids).toEqual({ [oldKid]: 5 });
  });

  it('reads stdin with --in -', async () => {
    const r = await run(['inspect', '--in', '-', '--json'], {
      cwd: dir,
      stdin: await readFile(bundleFile()),
    });
    expect((JSON.parse(r.stdout) as { entries: number }).entries).toBe(7);
  });

  it('a newer bundle format is exit 4 with an upgrade hint', async () => {
    await writeFile(join(dir, 'v9'), JSON.stringify({ format: 'session-seal/bundle/v9', entries: [] }));
    const r = await run(['inspect', '--in', 'v9'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      'session-seal: error: unsupported bundle format session-seal/bundle/v9\n' +
        'hint: the file was written by a newer session-seal; upgrade to read it\n',
    );
  });

  it('a symlink is refused (exit 4 ERR_FILE_UNSAFE)', async () => {
    const { symlink } = await import('node:fs/promises');
    await symlink(bundleFile(), join(dir, 'link.sealed'));
    const r = await run(['inspect', '--in', 'link.sealed', '--json'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(jsonError(r.stderr).code).toBe('ERR_FILE_UNSAFE');
  });
});

describe('verify', () => {
  const verify = (...extra: string[]) => [
    'verify',
    '--key-file',
    'keyring.key',
    '--in',
    'sessions.sealed',
    ...extra,
  ];

  it('passes a good bundle, expired sessions included', async () => {
    const r = await run(verify(), { cwd: dir, now: Date.parse('2030-01-01T00:00:00Z') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `verify sessions.sealed: PASS\n  integrity  ok (MAC key ${oldKid})\n  entries    7 ok, 0 failed, 7 total\n`,
    );
  });

  it('fails a tampered entry and names it (exit 1), printing no plaintext', async () => {
    const input = await exampleSessions();
    await editBundle((doc) => {
      const meta = doc.entries[2]?.metadata as { lastAccess: string };
      meta.lastAccess = '2026-11-23T11:59:59.000Z'; // "refresh" a session: the AAD binds it
    });
    const r = await run(verify(), { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('verify sessions.sealed: FAIL');
    expect(lines[2]).toBe('  entries    6 ok, 1 failed, 7 total');
    expect(lines[3]).toBe('failed:');
    expect(lines[4]).toBe(
      `  #2  ${input[2]?.sessionId}  ${oldKid}  ERR_DECRYPTION_FAILED  decryption failed`,
    );
    for (const s of input) {
      expect(r.stdout).not.toContain(s.context.n8nApiKey);
      expect(r.stdout).not.toContain(s.context.n8nApiUrl);
    }
  });

  it('fails a reordered bundle on integrity (exit 1)', async () => {
    await editBundle((doc) => doc.entries.reverse());
    const r = await run(verify('--json'), { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      integrity: { ok: boolean; code: string };
      failed: unknown[];
    };
    expect(report.ok).toBe(false);
    expect(report.integrity).toMatchObject({ ok: false, code: 'ERR_BUNDLE_INTEGRITY' });
    expect(report.failed).toEqual([]);
  });

  it('fails entries under a disabled key with ERR_KEY_DISABLED', async () => {
    const kid = await newPrimary();
    await run(['keys', 'disable', oldKid, '--key-file', 'keyring.key'], { cwd: dir });
    const r = await run(verify('--json'), { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { failed: { code: string }[]; integrity: { ok: boolean } };
    expect(report.failed.map((f) => f.code)).toEqual(Array(7).fill('ERR_KEY_DISABLED'));
    expect(report.integrity.ok).toBe(false);
    expect(kid).not.toBe(oldKid);
  });

  it('flags a duplicate sessionId that restore would drop', async () => {
    const input = await exampleSessions();
    const twice = [input[0], input[0]];
    await run(['seal', '--key-file', 'keyring.key', '--in', '-', '--out', 'dup.sealed'], {
      cwd: dir,
      stdin: JSON.stringify(twice),
    });
    const r = await run(['verify', '--key-file', 'keyring.key', '--in', 'dup.sealed', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { failed: { code: string }[] }).failed.map((f) => f.code)).toEqual([
      'ERR_SESSION_DUPLICATE',
    ]);
  });

  it('needs key material (exit 3)', async () => {
    const r = await run(['verify', '--in', 'sessions.sealed'], { cwd: dir });
    expect(r.code).toBe(3);
  });
});
