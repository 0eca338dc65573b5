/**
 * Sealed bundles on disk (Node): the job users have — seal an export and write it atomically at
 * shutdown; read, unseal and restore at start-up; rotate a file in place.
 */
import { serializeBundle } from '../bundle/format.js';
import { type RotateBundleOptions, type RotateBundleResult, rotateBundle } from '../bundle/rotate.js';
import { type RejectedEntry, type SealSessionsOptions, sealSessions } from '../bundle/seal.js';
import { type UnsealSessionsOptions, type UnsealSessionsResult, unsealSessions } from '../bundle/unseal.js';
import type { Keyring } from '../keys/keyring.js';
import { openStore } from '../store/open-store.js';

export interface FileOptions {
  /** Read limit in bytes (default 256 MiB); checked before reading. */
  readonly maxFileBytes?: number;
}

/**
 * Seal `states` into a bundle and replace `path` with it atomically (mode 0600, fsync, rename,
 * directory fsync). Returns what was written and the inputs that were rejected, with reasons.
 */
export async function writeSealedFile(
  path: string,
  states: readonly unknown[],
  keyring: Keyring,
  options: SealSessionsOptions & FileOptions = {},
): Promise<{ readonly written: number; readonly rejected: readonly RejectedEntry[] }> {
  const { bundle, rejected } = sealSessions(states, keyring, options);
  const store = await openStore(path, maxBytes(options));
  await store.write(serializeBundle(bundle));
  return { written: bundle.entries.length, rejected };
}

/**
 * Read a sealed bundle file and unseal it with the restore rules. A missing file is
 * ERR_FILE_NOT_FOUND (first start: nothing to restore); a corrupt one ERR_BUNDLE_MALFORMED.
 */
export async function readSealedFile(
  path: string,
  keyring: Keyring,
  options: UnsealSessionsOptions & FileOptions = {},
): Promise<UnsealSessionsResult> {
  const store = await openStore(path, maxBytes(options));
  return unsealSessions(await store.read(), keyring, options);
}

/** Re-seal every entry of the file under the primary key and replace the file atomically. */
export async function rotateSealedFile(
  path: string,
  keyring: Keyring,
  options: RotateBundleOptions & FileOptions = {},
): Promise<RotateBundleResult> {
  const store = await openStore(path, maxBytes(options));
  const result = rotateBundle(await store.read(), keyring, options);
  await store.write(serializeBundle(result.bundle));
  return result;
}

function maxBytes(options: FileOptions): { maxBytes?: number } {
  return options.maxFileBytes === undefined ? {} : { maxBytes: options.maxFileBytes };
}
