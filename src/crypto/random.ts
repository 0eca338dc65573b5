/**
 * CSPRNG bytes for envelope nonces (SPEC §5.6 step 3: N = CSPRNG(24)), from a pooled buffer.
 *
 * Each `crypto.getRandomValues` call costs a fixed ~2 µs on Node (a trip into C++ and the DRBG),
 * many times the cost of producing 24 bytes. So short requests are served from a 4 KiB pool filled
 * by one call, and long ones go straight to `getRandomValues` in chunks of at most 65,536 bytes
 * (Web Crypto §10.1.1 refuses more per call). This is as strong as one call per nonce because:
 * - the bytes are the same CSPRNG output, only requested earlier;
 * - every request gets a copy, and the pool bytes it came from are zeroed and never handed out
 *   again (the offset only moves forward; a refill overwrites the whole pool);
 * - JS runs one call at a time per realm, so two callers cannot take the same offset; a worker
 *   thread has its own heap and therefore its own pool;
 * - JS runtimes have no `fork()`: a child process is a fresh runtime with an empty pool, so pooled
 *   bytes are never duplicated into two processes (the failure of userspace RNG pools in C);
 * - the pool is filled lazily, on the first request, never at module load.
 * Nonces are public values; what matters is that they never repeat (SPEC §13.3), which the above
 * preserves. Keys and kids (keys/key.ts) do not come from here.
 */

const POOL_SIZE = 4096;
/** Requests above this bypass the pool (they are rare and already amortise the call). */
const MAX_POOLED = 256;
const MAX_PER_CALL = 65536;

let pool: Uint8Array | undefined;
let offset = POOL_SIZE;

function getRandomValues(out: Uint8Array): void {
  const cr = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => unknown } }).crypto;
  if (typeof cr?.getRandomValues !== 'function') throw new Error('crypto.getRandomValues must be defined');
  cr.getRandomValues(out);
}

/** Fill `out` with CSPRNG bytes, in chunks the Web Crypto quota accepts. Returns `out`. */
export function fillRandom(out: Uint8Array): Uint8Array {
  if (!(out instanceof Uint8Array)) throw new TypeError('out must be a Uint8Array');
  for (let i = 0; i < out.length; i += MAX_PER_CALL) {
    getRandomValues(out.subarray(i, Math.min(out.length, i + MAX_PER_CALL)));
  }
  return out;
}

/** `length` fresh CSPRNG bytes (a new array, never shared with any other caller). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError('length must be a non-negative integer');
  const out = new Uint8Array(length);
  if (length > MAX_POOLED) return fillRandom(out);
  if (pool === undefined || offset + length > POOL_SIZE) {
    pool ??= new Uint8Array(POOL_SIZE);
    getRandomValues(pool);
    offset = 0;
  }
  const end = offset + length;
  out.set(pool.subarray(offset, end));
  pool.fill(0, offset, end);
  offset = end;
  return out;
}
