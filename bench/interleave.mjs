/**
 * Interleaved measurement. This machine is shared and noisy, so absolute ops/s drift by 2× within
 * a minute; what stays meaningful is the ratio of two items measured close together. Each round
 * runs every item for one time slice, in an order rotated every round (so no item always follows
 * the same neighbour or always runs first), with a GC between slices when `--expose-gc` is on.
 * Per item we report the median ops/s over rounds; per comparison the median over rounds of the
 * per-round ratio.
 */

const gc = globalThis.gc ?? (() => {});

/** Run `op` (sync) repeatedly for about `ms`; returns ops/s. Checks the clock every `batch` ops. */
function sliceSync(op, ms) {
  let n = 0;
  let batch = 1;
  const t0 = performance.now();
  let t = t0;
  for (;;) {
    const b0 = t;
    for (let i = 0; i < batch; i++) op();
    n += batch;
    t = performance.now();
    if (t - t0 >= ms) break;
    // Grow the batch while one batch takes under a millisecond, so reading the clock costs nothing.
    if (t - b0 < 1) batch *= 2;
  }
  return (n * 1000) / (t - t0);
}

async function sliceAsync(op, ms) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    await op();
    n++;
    t = performance.now();
  } while (t - t0 < ms);
  return (n * 1000) / (t - t0);
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * items: [{ id, op, async }]. Returns { perRound: Map<id, number[]> }.
 * `warmup` rounds run first and are discarded (JIT tiering, caches).
 */
export async function interleave(items, { rounds, sliceMs, warmup = 1, onRound } = {}) {
  const perRound = new Map(items.map((it) => [it.id, []]));
  const total = warmup + rounds;
  for (let r = 0; r < total; r++) {
    const start = r % items.length;
    for (let k = 0; k < items.length; k++) {
      const it = items[(start + k) % items.length];
      gc();
      const ops = it.async ? await sliceAsync(it.op, sliceMs) : sliceSync(it.op, sliceMs);
      if (r >= warmup) perRound.get(it.id).push(ops);
    }
    if (r >= warmup && onRound) onRound(r - warmup + 1, rounds);
  }
  return perRound;
}

/** Median over rounds of a[r] / b[r]. */
export function ratioMedian(a, b) {
  const n = Math.min(a.length, b.length);
  const ratios = [];
  for (let i = 0; i < n; i++) ratios.push(a[i] / b[i]);
  return median(ratios);
}
