/**
 * session-seal itself, from the BUILT package: the Node entry (node:crypto fast path installed)
 * when it exists, else the portable entry. `sealSession` validates, seals; `unsealSession` parses,
 * authenticates, decrypts, JSON-parses and validates with SessionStateSchema.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const nodeEntry = new URL('../../dist/src/index.node.js', import.meta.url);
const portableEntry = new URL('../../dist/src/index.js', import.meta.url);

/** The built library (Node entry if built). */
export async function loadLibrary() {
  return import(existsSync(fileURLToPath(nodeEntry)) ? nodeEntry.href : portableEntry.href);
}

/** A fixed bench-only master key, so child processes can open what another one sealed. */
export const BENCH_KID = '0123456789abcdef';
export const BENCH_KEY_HEX = '8e2bfcd4a9f0136ce7a5d2b8416f09c37b2ae45d18c60f9e3a7d5b21c84e6f03';

export function benchKeyring(lib) {
  const key = lib.importKey(BENCH_KID, Uint8Array.from(Buffer.from(BENCH_KEY_HEX, 'hex')));
  return lib.createKeyring({ primary: key });
}

/** The bench item: same contract as every peer (see peers/README in bench/README.md). */
export async function create(lib) {
  const keyring = benchKeyring(lib);
  return {
    name: 'session-seal',
    async: false,
    seal: (record) => lib.sealSession(record, keyring),
    unseal: (sealed) => lib.unsealSession(sealed, keyring),
  };
}
