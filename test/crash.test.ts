/**
 * Crash test for writeFileAtomic: a child process writes self-checking documents in a loop
 * (test/fixtures/crash-writer.ts) and is killed with SIGKILL at random moments. After every kill the
 * target must be one complete document that verifies (JSON + SHA-256), no older than the last write
 * the child acknowledged and no newer than the last it began; the only other entry allowed in the
 * directory is a temp file of the child just killed, since the next child's openStore (and finally
 * cleanStaleTemps) must have removed the earlier ones.
 *
 * What this proves, and what not: SIGKILL ends the process but not the kernel, so the page cache
 * survives and nothing written is lost. The test therefore proves the atomicity of the
 * temp-then-rename protocol (no torn or truncated file, no lost acknowledged write, temp cleanup), not
 * durability across power loss. The fsync of the temp file and of the directory are there for power
 * loss, which a test in userland cannot simulate.
 *
 * Why the fixture is compiled here: the child must run as plain `node` (vitest cannot host a process
 * we kill), Node 20 cannot run TypeScript (no --experimental-strip-types), no TS loader such as tsx
 * is installed, and dist/ may not exist when the tests run. So beforeAll compiles the fixture and
 * what it imports (src/store/*, src/errors.ts, src/encoding/utf8.ts) with the TypeScript compiler
 * API — `typescript` is already a devDependency — into a temp directory with a `"type": "module"`
 * package.json. Only emit matters here; `npm run typecheck` type-checks the fixture with the rest.
 *
 * SESSION_SEAL_CRASH_ITERATIONS sets the number of kills (default 60: about 15-45 s on a loaded
 * 2-core machine, where each kill costs one Node start-up, ~0.15 s of CPU).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanStaleTemps, readFileLimited, writeFileAtomic } from '../src/store/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'crash-writer.ts');
const ITERATIONS = iterationsFromEnv(process.env.SESSION_SEAL_CRASH_ITERATIONS, 60);
/** Kill delay after the child's first `begin`: uniform in [0, MAX_KILL_DELAY_MS). */
const MAX_KILL_DELAY_MS = 100;
/** How long a child may take to start writing before the test gives up on it. */
const START_TIMEOUT_MS = 20_000;

const NAME = 'doc.json';
const TEMP = /^doc\.json\.(\d+)\.[0-9a-f]{16}\.tmp$/;

function iterationsFromEnv(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^[1-9]\d{0,5}$/.test(value)) {
    throw new Error('SESSION_SEAL_CRASH_ITERATIONS must be a positive integer');
  }
  return Number(value);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function documentFor(seq: number, payload: string): string {
  return JSON.stringify({ seq, payload, sha256: sha256Hex(payload) });
}

/** Parse and verify one document; returns its seq, throws if it is torn or tampered. */
function verifiedSeq(bytes: Uint8Array): number {
  const doc: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (typeof doc !== 'object' || doc === null) throw new Error('document is not an object');
  const { seq, payload, sha256 } = doc as Record<string, unknown>;
  if (!Number.isSafeInteger(seq) || typeof payload !== 'string' || typeof sha256 !== 'string') {
    throw new Error('document has the wrong shape');
  }
  if (sha256Hex(payload) !== sha256) throw new Error(`document ${String(seq)} fails its hash`);
  return seq as number;
}

/** Read the target and verify it; a failure names the kill it follows. */
async function readVerifiedSeq(target: string, label: string): Promise<number> {
  try {
    return verifiedSeq(await readFileLimited(target, { maxBytes: 4 * 1024 * 1024 }));
  } catch (err) {
    throw new Error(`${label}: the target is not one complete, verifying document`, { cause: err });
  }
}

async function compileFixture(outDir: string): Promise<string> {
  const program = ts.createProgram([FIXTURE], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    rootDir: ROOT,
    outDir,
    types: [],
    skipLibCheck: true,
    noEmitOnError: false,
    declaration: false,
    sourceMap: false,
  });
  const { emitSkipped } = program.emit();
  if (emitSkipped) throw new Error('could not compile the crash-writer fixture');
  await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
  return join(outDir, 'test', 'fixtures', 'crash-writer.js');
}

interface KilledRun {
  readonly pid: number;
  readonly begun: readonly number[];
  readonly acked: readonly number[];
}

/** A started writer process, waiting for `go` on stdin. */
interface Writer {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly pid: number;
  readonly output: { out: string; err: string };
  readonly begun: Promise<void>;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWriter(script: string, target: string): Writer {
  const child = spawn(process.execPath, [script, target], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the writer');
  const output = { out: '', err: '' };
  let onBegin: () => void = () => undefined;
  const begun = new Promise<void>((resolve) => {
    onBegin = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.out += chunk;
    if (output.out.includes('begin ')) onBegin();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.err += chunk;
  });
  child.stdin.on('error', () => undefined); // EPIPE if the writer died early; reported via `closed`
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, pid, output, begun, closed };
}

/** Let a waiting writer start at `firstSeq`, SIGKILL it `delayMs` after its first `begin`. */
async function goAndKill(writer: Writer, firstSeq: number, delayMs: number): Promise<KilledRun> {
  writer.child.stdin.write(`go ${firstSeq}\n`);
  let startTimer: NodeJS.Timeout | undefined;
  const started = await Promise.race([
    writer.begun.then(() => true),
    writer.closed.then(() => false),
    new Promise<boolean>((resolve) => {
      startTimer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(startTimer);
  if (started) await new Promise((resolve) => setTimeout(resolve, delayMs));
  writer.child.kill('SIGKILL');
  const { code, signal } = await writer.closed;
  const { out, err } = writer.output;
  if (!started || signal !== 'SIGKILL') {
    throw new Error(
      `writer did not run until killed (code ${code}, signal ${signal}): ${err.slice(0, 2000)}`,
    );
  }
  const lines = out.split('\n');
  expect(lines.pop(), 'a line was torn').toBe('');
  const result = { pid: writer.pid, begun: [] as number[], acked: [] as number[] };
  for (const line of lines) {
    const match = /^(begin|ack) (\d+)$/.exec(line);
    if (match === null) throw new Error(`unexpected writer output: ${line.slice(0, 200)}`);
    (match[1] === 'begin' ? result.begun : result.acked).push(Number(match[2]));
  }
  return result;
}

describe('writeFileAtomic under SIGKILL', () => {
  let work: string;
  let script: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'session-seal-crash-'));
    script = await compileFixture(join(work, 'build'));
  });

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it(
    `never leaves a torn, truncated or stale document (${ITERATIONS} kills)`,
    async () => {
      const dataDir = join(work, 'data');
      await mkdir(dataDir);
      const target = join(dataDir, NAME);
      await writeFileAtomic(target, documentFor(0, 'initial'));
      let lastAck = 0;
      let lastBegun = 0;
      const stats = { midWrite: 0, landedUnacked: 0, tempLeft: 0, writes: 0 };
      const startedAt = Date.now();

      // The next writer starts while the current one runs (see the fixture); any left over is killed.
      let next: Writer | undefined = spawnWriter(script, target);
      try {
        for (let i = 0; i < ITERATIONS; i++) {
          const current: Writer = next ?? spawnWriter(script, target);
          next = i + 1 < ITERATIONS ? spawnWriter(script, target) : undefined;
          const run = await goAndKill(current, lastBegun + 1, Math.random() * MAX_KILL_DELAY_MS);
          // Within one run the protocol is strictly ordered: begin n, ack n, begin n+1, …
          run.begun.forEach((seq, k) => {
            expect(seq, `kill #${i}: begin order`).toBe(lastBegun + 1 + k);
          });
          run.acked.forEach((seq, k) => {
            expect(seq, `kill #${i}: ack order`).toBe(lastBegun + 1 + k);
          });
          lastBegun = run.begun.at(-1) ?? lastBegun;
          lastAck = run.acked.at(-1) ?? lastAck;
          stats.writes += run.acked.length;
          if (lastBegun > lastAck) stats.midWrite++;

          const seq = await readVerifiedSeq(target, `kill #${i}`);
          expect(seq, `kill #${i}: older than the last acknowledged write`).toBeGreaterThanOrEqual(lastAck);
          expect(seq, `kill #${i}: newer than the last begun write`).toBeLessThanOrEqual(lastBegun);
          if (seq > lastAck) stats.landedUnacked++;

          // Earlier children's temps are gone (this child's openStore removed them); this child's may remain.
          for (const name of await readdir(dataDir)) {
            if (name === NAME) continue;
            expect(TEMP.exec(name)?.[1], `kill #${i}: unexpected entry ${name}`).toBe(String(run.pid));
            stats.tempLeft++;
          }
        }
      } finally {
        next?.child.kill('SIGKILL');
      }

      const leftover = (await readdir(dataDir)).length - 1;
      expect(await cleanStaleTemps(target)).toBe(leftover);
      expect(await readdir(dataDir)).toEqual([NAME]);
      // Guards against a vacuous pass: with enough kills, some must land inside a write and some
      // must leave a temp behind, or the test exercised nothing.
      if (ITERATIONS >= 20) {
        expect(stats.midWrite).toBeGreaterThan(0);
        expect(stats.tempLeft).toBeGreaterThan(0);
      }
      console.info(
        `crash test: ${ITERATIONS} kills, ${stats.writes} acknowledged writes, ${stats.midWrite} kills mid-write, ` +
          `${stats.landedUnacked} renamed-but-unacknowledged, ${stats.tempLeft} temps left, ` +
          `${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
    },
    ITERATIONS * 2_000 + 30_000,
  );
});
