/**
 * Reused byte memory for the hot paths. Allocating a typed array over 64 bytes costs 1–4 µs on a
 * 2-vCPU container (V8 hands every ArrayBuffer to a concurrent sweeper), several times the work
 * done with it for a typical envelope. JS runs one call at a time per realm, so one buffer per use
 * is safe as long as each caller is done with its view before the next call.
 */

/**
 * A source of `length`-byte views into one growing buffer (starting at 4 KiB, doubling), for
 * lengths up to `keep`; longer requests get their own array, so a rare huge input does not pin
 * memory. A view is valid until the next call; callers holding secrets wipe it.
 */
export function scratchBytes(keep: number): (length: number) => Uint8Array {
  let buffer = new Uint8Array(4096);
  return (length: number): Uint8Array => {
    if (length > buffer.length) {
      if (length > keep) return new Uint8Array(length);
      buffer = new Uint8Array(Math.min(keep, Math.max(length, buffer.length * 2)));
    }
    return buffer.subarray(0, length);
  };
}
