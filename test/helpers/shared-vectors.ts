/**
 * Access to the public known-answer vectors in `../shared/vectors/` (beside the repository root),
 * read in place — they are not copied into the repository (see ../shared/README.md).
 *
 * A user's fresh clone has no `../shared`: the suites that need it are skipped with one visible
 * notice. In CI (`CI` set, as `.ci/run` does) a missing folder is a failing test instead, so the
 * known-answer suites can never silently disappear there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'vitest';

/** The repository root (this file is `test/helpers/shared-vectors.ts`). */
const REPO_ROOT = new URL('../..', import.meta.url);
/** `../shared/vectors/` relative to the repository root. */
export const SHARED_VECTORS_URL = new URL('../shared/vectors/', REPO_ROOT);

export const SHARED_VECTORS_MISSING =
  '../shared/vectors not found: known-answer suites skipped (CI requires them)';

/** Whether `../shared/vectors/` exists. */
export function sharedVectorsAvailable(): boolean {
  return existsSync(SHARED_VECTORS_URL);
}

/**
 * Parsed JSON of `../shared/vectors/<relPath>`, or `undefined` when the vectors folder is missing.
 * A missing or unparsable file inside an existing folder throws: that is a broken checkout.
 */
export function loadSharedJson(relPath: string): unknown {
  if (!sharedVectorsAvailable()) return undefined;
  return JSON.parse(readFileSync(new URL(relPath, SHARED_VECTORS_URL), 'utf8'));
}

/** Like `loadSharedJson`, for use inside `describeShared` where the folder is known to exist. */
export type SharedLoader = (relPath: string) => unknown;

let warned = false;

/**
 * `describe` for a suite built from shared vectors. `body` receives a loader and runs at collection
 * time (so it can generate one test per vector). Without the folder: `describe.skip` plus a notice
 * (once per test file), or — when `process.env.CI` is set — a failing test with the same message.
 */
export function describeShared(name: string, body: (load: SharedLoader) => void): void {
  if (sharedVectorsAvailable()) {
    describe(name, () => {
      body((relPath) => loadSharedJson(relPath));
    });
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('requires ../shared/vectors in CI', () => {
        throw new Error(SHARED_VECTORS_MISSING);
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(SHARED_VECTORS_MISSING);
  }
  describe.skip(name, () => {
    it('needs ../shared/vectors', () => {
      throw new Error(SHARED_VECTORS_MISSING);
    });
  });
}

/** Strict lowercase/uppercase hex → plain Uint8Array (Buffer.from(hex) would silently truncate). */
export function hex(text: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text))
    throw new Error(`not an even-length hex string (${text.length} chars)`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes → lowercase hex (for readable assertion diffs). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
