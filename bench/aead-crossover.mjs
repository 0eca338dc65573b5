/**
 * Where the Node backend should hand a message to OpenSSL (src/node/aead.ts SMALL_MESSAGE and
 * WASM_SMALL_MESSAGE): open and seal time per message, µs, for the JS core, the WebAssembly core
 * and OpenSSL, interleaved size by size in one process. Run after `npm run build`:
 *
 *   node bench/aead-crossover.mjs
 */
import { randomBytes } from 'node:crypto';

const { coreAead } = await import('../dist/src/crypto/aead.js');
const { opensslAead } = await import('../dist/src/node/aead.js');
const { createWasmCore } = await import('../dist/src/node/wasm-core.js');
const backends = [coreAead, createWasmCore().aead, opensslAead];

const key = randomBytes(32);
const nonce = randomBytes(24);
const aad = randomBytes(130); // an envelope's AAD is about this long (SPEC §5.2)

function perCall(fn, n) {
  for (let i = 0; i < Math.min(n, 2000); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) * 1000) / n;
}

console.log(`bytes  ${backends.map((b) => `${b.name} open/seal`.padStart(20)).join('')}`);
for (const size of [256, 512, 1024, 2048, 3072, 4096, 8192, 16384, 65536]) {
  const plaintext = randomBytes(size);
  const sealed = opensslAead.seal(key, nonce, aad, plaintext);
  const out = new Uint8Array(size);
  const n = Math.max(300, Math.floor(4e6 / (size + 512)));
  const cells = backends.map((b) => {
    const open = perCall(() => b.open(key, nonce, aad, sealed, out), n);
    const seal = perCall(() => b.seal(key, nonce, aad, plaintext), n);
    return `${open.toFixed(2)}/${seal.toFixed(2)}`.padStart(20);
  });
  console.log(`${String(size).padStart(5)}  ${cells.join('')}`);
}
