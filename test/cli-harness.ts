/**
 * Test harness for the CLI: runs `main(argv, io)` in-process with fake streams, env, clock and
 * working directory, and makes temp directories with keys and sealed files.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import type { SessionState } from '../src/schema.js';

/** The demo clock: examples/sessions.json has 2 of its 7 valid sessions expired at this time. */
export const DEMO_NOW_ISO = '2026-11-23T12:00:00.000Z';
export const DEMO_NOW = Date.parse(DEMO_NOW_ISO);

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXAMPLE_FILE = join(ROOT, 'examples', 'sessions.json');

export class FakeStream {
  readonly chunks: string[] = [];
  isTTY: boolean | undefined;
  columns: number | undefined;
  constructor(tty = false, columns?: number) {
    this.isTTY = tty;
    this.columns = columns;
  }
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly stdin?: string | Uint8Array;
  readonly now?: number;
  /** stderr is a TTY of this many columns. */
  readonly ttyColumns?: number;
  /** stdout is a TTY. */
  readonly stdoutTty?: boolean;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function* once(data: string | Uint8Array | undefined): AsyncGenerator<Uint8Array | string> {
  if (data !== undefined) yield data;
}

export async function run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const stdout = new FakeStream(options.stdoutTty === true, 80);
  const stderr =
    options.ttyColumns === undefined ? new FakeStream() : new FakeStream(true, options.ttyColumns);
  const code = await main(argv, {
    stdin: once(options.stdin),
    stdout,
    stderr,
    env: options.env ?? {},
    now: () => options.now ?? DEMO_NOW,
    cwd: options.cwd,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temp directory; remove it with `cleanup`. */
export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'session-seal-cli-'));
}

export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function exampleSessions(): Promise<SessionState[]> {
  return JSON.parse(await readFile(EXAMPLE_FILE, 'utf8')) as SessionState[];
}

/** The kids of the keyring in a key file, primary first, through `keys list --json`. */
export async function kidsOf(
  dir: string,
  keyFile = 'keyring.key',
): Promise<{ kid: string; status: string }[]> {
  const r = await run(['keys', 'list', '--key-file', keyFile, '--json'], { cwd: dir });
  if (r.code !== 0) throw new Error(`keys list failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { keys: { kid: string; status: string }[] }).keys;
}

/** keygen --out keyring.key, then seal the example export to sessions.sealed. Returns the kid. */
export async function sealedExample(dir: string): Promise<string> {
  const k = await run(['keygen', '--out', 'keyring.key'], { cwd: dir });
  if (k.code !== 0) throw new Error(`keygen failed: ${k.stderr}`);
  const s = await run(
    ['seal', '--key-file', 'keyring.key', '--in', EXAMPLE_FILE, '--out', 'sessions.sealed'],
    {
      cwd: dir,
    },
  );
  if (s.code !== 0) throw new Error(`seal failed: ${s.stderr}`);
  const [primary] = await kidsOf(dir);
  if (primary === undefined) throw new Error('no key');
  return primary.kid;
}

/** Parse a `--json` error line from stderr. */
export function jsonError(stderr: string): { code: string; message: string; hint?: string } {
  return (JSON.parse(stderr) as { error: { code: string; message: string; hint?: string } }).error;
}
