/**
 * The CLI's only contact with the process: streams, environment, clock and working directory come
 * in through `CliIo`, so `main(argv, io)` runs in-process in tests with fake streams and env, and
 * the bin shim passes the real ones.
 */
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { FileTooLargeError } from '../index.node.js';

/** A text sink. `isTTY` and `columns` decide whether a progress bar is drawn (stderr only). */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface CliIo {
  /** Program name shown in messages; default `session-seal`. */
  readonly argv0?: string;
  /** Read only by `seal --in -`. A Node `Readable` is an `AsyncIterable` too. */
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Where key material may come from (`--key-env`, default SESSION_SEAL_KEYRING). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Clock in ms since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Base for relative paths; default `process.cwd()`. */
  readonly cwd?: string;
}

/** The real process. A closed pipe (`session-seal unseal | head`) ends output quietly, not with a crash. */
export function nodeIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exitCode ??= 1;
    });
  }
  return {
    argv0: 'session-seal',
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: Date.now,
    cwd: process.cwd(),
  };
}

/**
 * Read a whole stream, refusing more than `maxBytes` (the same limit as files): input is counted
 * while it arrives, so an endless pipe cannot exhaust memory.
 */
export async function readStream(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    total += bytes.length;
    if (total > maxBytes) throw new FileTooLargeError(maxBytes);
    chunks.push(bytes);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
