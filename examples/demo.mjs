#!/usr/bin/env node
/**
 * `npm run demo`: the whole life of a sealed session file, run through the real CLI
 * (dist/src/cli/bin.js, built by `npm run build`), so the demo is also an end-to-end check.
 *
 * keygen → seal the bundled example export (one invalid record is refused) → inspect without a
 * key → add a key and promote it → rotate → retire the old key → restore with the new keyring.
 *
 * Key material reaches the CLI only through a key file or the SESSION_SEAL_KEYRING variable,
 * never through argv. The demo clock is fixed (--now) so "expired" is the same on every run.
 * Exits non-zero if any step does not do what it should; the temp directory is always removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const exampleFile = join(root, 'examples', 'sessions.json');
const DEMO_NOW = '2026-11-23T12:00:00Z';

/** Everything the CLI printed, scanned at the end for secrets. */
const printed = [];

class StepFailed extends Error {}

/** Run the CLI; `env` adds variables (key material only ever travels this way or in a file). */
function cli(dir, args, { env = {}, expect = 0, quiet = false, shownEnv = '' } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  printed.push(result.stdout, result.stderr);
  const shown = args.map((a) => (a === exampleFile ? 'examples/sessions.json' : a)).join(' ');
  if (!quiet) {
    console.log(`   $ ${shownEnv}session-seal ${shown}`);
    for (const line of `${result.stdout}${result.stderr}`.trimEnd().split('\n')) console.log(`   ${line}`);
  }
  if (result.status !== expect) {
    if (quiet) console.error(`${result.stdout}${result.stderr}`);
    throw new StepFailed(`'session-seal ${shown}' exited ${result.status}, expected ${expect}`);
  }
  return result;
}

function check(condition, what) {
  if (!condition) throw new StepFailed(what);
}

function keys(dir) {
  return JSON.parse(cli(dir, ['keys', 'list', '--key-file', 'keyring.key', '--json'], { quiet: true }).stdout)
    .keys;
}

function run(dir) {
  const input = JSON.parse(readFileSync(exampleFile, 'utf8'));
  console.log(
    'session-seal demo: every step runs the real CLI in a temp directory; keys never go in argv.\n',
  );

  console.log('1) Create a key file, readable by its owner only');
  cli(dir, ['keygen', '--out', 'keyring.key']);
  const [oldKey] = keys(dir);

  console.log(`\n2) Seal the example export: ${input.length} n8n-mcp sessions, one with an ftp:// API URL`);
  const seal = ['seal', '--key-file', 'keyring.key', '--in', exampleFile, '--out', 'sessions.sealed'];
  check(/refused 1:/.test(cli(dir, seal).stdout), 'seal should refuse exactly one record');

  console.log(`\n3) Inspect it without any key (demo clock ${DEMO_NOW})`);
  cli(dir, ['inspect', '--in', 'sessions.sealed', '--now', DEMO_NOW]);

  console.log('\n4) Add a new key (decrypt-only), then promote it to primary');
  cli(dir, ['keygen', '--add-to', 'keyring.key']);
  const newKey = keys(dir).find((k) => k.kid !== oldKey.kid);
  cli(dir, ['keys', 'promote', newKey.kid, '--key-file', 'keyring.key']);

  console.log('\n5) Rotate the file in place under the new primary');
  cli(dir, ['rotate', '--key-file', 'keyring.key', '--file', 'sessions.sealed']);

  console.log('\n6) Retire the old key: nothing is sealed under it any more');
  cli(dir, ['keys', 'disable', oldKey.kid, '--key-file', 'keyring.key']);
  cli(dir, ['keys', 'remove', oldKey.kid, '--key-file', 'keyring.key']);
  const verify = cli(dir, ['verify', '--key-file', 'keyring.key', '--in', 'sessions.sealed', '--json'], {
    quiet: true,
  });
  check(JSON.parse(verify.stdout).ok === true, 'verify should pass with the new keyring alone');

  console.log('\n7) Restore with the new keyring, given through the environment');
  const keyring = readFileSync(join(dir, 'keyring.key'), 'utf8').trim();
  cli(dir, ['unseal', '--in', 'sessions.sealed', '--out', 'restored.json', '--now', DEMO_NOW], {
    env: { SESSION_SEAL_KEYRING: keyring },
    shownEnv: 'SESSION_SEAL_KEYRING="$(cat keyring.key)" ',
  });
  const restored = JSON.parse(readFileSync(join(dir, 'restored.json'), 'utf8'));
  console.log('   restored.json (API keys not shown):');
  for (const s of restored) console.log(`     ${s.sessionId.padEnd(62)} ${s.context.n8nApiUrl}`);

  // The end-to-end checks: every restored session is byte-for-byte its input, and nothing the
  // CLI printed contains an API key or the key material.
  const byId = new Map(input.map((s) => [s.sessionId, s]));
  check(restored.length === 5, `expected 5 restored sessions, got ${restored.length}`);
  for (const s of restored)
    check(isDeepStrictEqual(s, byId.get(s.sessionId)), 'a restored session differs from its input');
  const secrets = [
    ...input.map((s) => s.context.n8nApiKey),
    keyring,
    readFileSync(join(dir, 'keyring.key'), 'utf8').trim(),
  ];
  const all = printed.join('\n');
  check(!secrets.some((secret) => all.includes(secret)), 'the CLI printed a secret');

  console.log(
    `\nDone: ${input.length} in, 1 refused, 2 expired at restore, ${restored.length} restored under key ${newKey.kid}.`,
  );
}

if (!existsSync(bin)) {
  console.error(`demo: ${bin} is missing; run 'npm run build' first (npm run demo does).`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'session-seal-demo-'));
try {
  run(dir);
} catch (err) {
  console.error(`\ndemo FAILED: ${err instanceof StepFailed ? err.message : err}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
