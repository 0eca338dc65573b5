/**
 * Loading key material in Node: from an environment variable or a key file, never from
 * command-line arguments (visible to every user through `ps` and /proc). SPEC §9.6.
 *
 * No key, no service: a missing or empty source is ERR_KEY_MATERIAL_MISSING, never a random key.
 * A key file must be a regular file that group and others cannot access (like ssh's private keys);
 * otherwise ERR_KEY_FILE_PERMISSIONS with a `hint` that fixes it.
 */
import { Buffer } from 'node:buffer';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';
import { KeyFilePermissionsError, KeyFormatError, KeyMaterialMissingError } from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { parsePassphraseText } from '../keys/passphrase.js';
import { classifyKeyText, importKeyringText, MAX_KEY_TEXT_LENGTH, trimKeyText } from '../keys/text.js';
import { tempFileName } from '../store/temp-name.js';

/** The environment variable read when no other name is given. */
export const DEFAULT_KEYRING_ENV = 'SESSION_SEAL_KEYRING';

export interface LoadKeyringOptions {
  /** Key file path. When given, only the file is read (the environment is not consulted). */
  readonly file?: string | undefined;
  /** Environment to read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Variable name (default `SESSION_SEAL_KEYRING`). */
  readonly envVar?: string | undefined;
}

/**
 * The key text from the file or the environment, trimmed, after every check: file type and mode,
 * size, non-empty. For the passphrase form: `loadPassphraseKey(readKeyText(opts), passphrase)`.
 */
export function readKeyText(options: LoadKeyringOptions = {}): string {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { file, env = process.env, envVar = DEFAULT_KEYRING_ENV } = options;
  if (file !== undefined) {
    if (typeof file !== 'string' || file.length === 0) throw new TypeError('file must be a non-empty path');
    return nonEmpty(readKeyFile(file), `key file ${JSON.stringify(file)} is empty`);
  }
  if (typeof envVar !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(envVar)) {
    throw new TypeError('envVar must be an environment variable name');
  }
  if (typeof env !== 'object' || env === null) throw new TypeError('env must be an object');
  const value = Object.hasOwn(env, envVar) ? env[envVar] : undefined;
  return nonEmpty(value ?? '', `environment variable ${envVar} is not set or empty`);
}

/**
 * The keyring from a key file or an environment variable (SPEC §9.6): a keyring text `sskr1_…` or
 * a single key text `ssk1_…` (which becomes the primary). Throws ERR_KEY_MATERIAL_MISSING,
 * ERR_KEY_FILE_PERMISSIONS, ERR_KEY_FORMAT, ERR_KEYRING_INVALID.
 */
export function loadKeyring(options: LoadKeyringOptions = {}): Keyring {
  return importKeyringText(readKeyText(options));
}

/**
 * Write key text to a new file with mode 0600 (O_EXCL: an existing file is an `EEXIST` error
 * unless `overwrite`, which replaces it atomically through a 0600 temporary file and a rename).
 * The text must be a key, keyring or passphrase text (ERR_KEY_FORMAT otherwise).
 */
export function writeKeyFile(
  path: string,
  text: string,
  options: { readonly overwrite?: boolean } = {},
): void {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty path');
  // Parse fully before touching the disk: a damaged text is never written.
  const { kind, text: clean } = classifyKeyText(text);
  if (kind === 'passphrase') parsePassphraseText(clean);
  else importKeyringText(clean);
  const data = `${clean}\n`;
  if (options.overwrite !== true) {
    writeNew(path, data);
  } else {
    // The store's temp naming, so `cleanStaleTemps` (run by every openStore) removes a crashed
    // writer's leftover key temp too.
    const tmp = join(dirname(path), tempFileName(basename(path), process.pid));
    writeNew(tmp, data);
    try {
      renameSync(tmp, path);
    } catch (err) {
      unlinkSync(tmp);
      throw err;
    }
  }
  syncDirectory(dirname(path));
}

/**
 * Make the new directory entry durable (POSIX). Best effort: the file itself is already synced, and
 * some systems (Windows, some network file systems) cannot fsync a directory.
 */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Durability of the rename only; the key file is complete either way.
  }
}

/** Create `path` (O_EXCL, 0600), write all of `data`, fsync; on failure remove the partial file. */
function writeNew(path: string, data: string): void {
  const fd = openSync(path, 'wx', 0o600);
  let done = false;
  try {
    const bytes = Buffer.from(data, 'utf8');
    for (let o = 0; o < bytes.length; ) o += writeSync(fd, bytes, o, bytes.length - o);
    fsyncSync(fd);
    done = true;
  } finally {
    closeSync(fd);
    if (!done) unlinkSync(path);
  }
}

/**
 * Open first, then fstat the open descriptor, then read from it: the checks apply to the very file
 * that is read (no check-then-open race). O_NONBLOCK keeps a FIFO from blocking the open; it is
 * then refused as not a regular file. Symbolic links are followed: Kubernetes and Docker mount
 * secrets through them, and whoever can replace the link can replace a file in its place too.
 */
function readKeyFile(path: string): string {
  const shown = JSON.stringify(path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyMaterialMissingError(`key file ${shown} does not exist`);
    throw new KeyMaterialMissingError(`key file ${shown} cannot be opened (${code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new KeyFilePermissionsError(`key file ${shown} is not a regular file`, 'point to a regular file');
    }
    // Windows has no POSIX mode bits to check; protect the file with an ACL there (SPEC §9.6).
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new KeyFilePermissionsError(
        `key file ${shown} is accessible by group or others (mode ${mode}); it must be readable by its owner only`,
        `chmod 600 ${shellQuote(path)}`,
      );
    }
    // Like ssh: the file must belong to us (or root). A 0600 file owned by someone else — e.g.
    // reached through a link in a writable directory — would let that user choose our key.
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
      throw new KeyFilePermissionsError(
        `key file ${shown} belongs to another user (uid ${st.uid}); it must belong to this user or root`,
        `chown ${uid} ${shellQuote(path)}`,
      );
    }
    if (st.size > MAX_KEY_TEXT_LENGTH) {
      throw new KeyFormatError(`key file ${shown} is larger than ${MAX_KEY_TEXT_LENGTH} bytes`);
    }
    // Read at most one byte past the cap: the file may grow after fstat.
    const buf = Buffer.alloc(MAX_KEY_TEXT_LENGTH + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_KEY_TEXT_LENGTH) {
      throw new KeyFormatError(`key file ${shown} is larger than ${MAX_KEY_TEXT_LENGTH} bytes`);
    }
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Same edge whitespace as the text parsers ignore (SPEC §9.1): SP, HT, CR, LF. */
function nonEmpty(text: string, message: string): string {
  const trimmed = trimKeyText(text);
  if (trimmed.length === 0) throw new KeyMaterialMissingError(`${message}: no key, no service`);
  return trimmed;
}

function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
