/**
 * A few runs of the real binary (dist/src/cli/bin.js) in a child process: the shim, exit codes as
 * process statuses, real stdin/stdout pipes. The in-process tests cover behaviour; these cover the
 * wiring. They need a build: CI runs `npm run build` before `npm test`; locally, without a build
 * or with one older than the sources, they are skipped with a notice.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../src/schema.js';
import { cleanup, DEMO_NOW_ISO, EXAMPLE_FILE, ROOT, tempDir } from './cli-harness.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

function newestSource(path: string): number {
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function buildState(): string | undefined {
  let built: number;
  try {
    built = statSync(BIN).mtimeMs;
  } catch {
    return 'dist/src/cli/bin.js is missing';
  }
  return built < newestSource(join(ROOT, 'src')) ? 'dist/ is older than src/' : undefined;
}

const notReady = buildState();
if (notReady !== undefined) {
  console.warn(`cli-spawn.test.ts: skipped (${notReady}); run 'npm run build' first to include them`);
}

function cli(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string }) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(notReady !== undefined)('the built binary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await cleanup(dir);
  });

  it('starts with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('--version exits 0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'], { cwd: dir })).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('exit codes reach the process status', () => {
    expect(cli(['frobnicate'], { cwd: dir }).status).toBe(2);
    const missing = cli(['keys', 'list'], { cwd: dir });
    expect(missing.status).toBe(3);
    expect(missing.stderr.split('\n')[0]).toBe(
      'session-seal: error: environment variable SESSION_SEAL_KEYRING is not set or empty: no key, no service',
    );
    expect(cli(['inspect', '--in', 'absent'], { cwd: dir }).status).toBe(4);
  });

  it('keygen, seal from a stdin pipe, unseal to a stdout pipe, key only in the environment', () => {
    const key = cli(['keygen', '--stdout'], { cwd: dir });
    expect(key.status).toBe(0);
    const env = { SESSION_SEAL_KEYRING: key.stdout.trim() };
    const input = readFileSync(EXAMPLE_FILE, 'utf8');
    const seal = cli(['seal', '--in', '-', '--out', 'piped.sealed'], { cwd: dir, env, input });
    expect(seal.status).toBe(0);
    expect(seal.stdout).toMatch(/^sealed 7 of 8 sessions/);
    const unseal = cli(['unseal', '--in', 'piped.sealed', '--now', DEMO_NOW_ISO], { cwd: dir, env });
    expect(unseal.status).toBe(0);
    const restored = JSON.parse(unseal.stdout) as SessionState[];
    const expected = (JSON.parse(input) as SessionState[]).filter((_, i) => [0, 1, 2, 4, 7].includes(i));
    expect(restored).toEqual(expected);
    expect(unseal.stderr.split('\n')[0]).toBe('restored 5 of 7 sessions -> stdout');
  });
});
