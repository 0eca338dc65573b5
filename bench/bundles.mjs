/**
 * Bundle section: wall time and peak RSS of sealing and unsealing N sessions, each measurement in a
 * fresh child process (bench/child.mjs) so RSS belongs to one item and one size. session-seal and
 * baseline (a) alternate within each repetition, in an order that flips every repetition.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './interleave.mjs';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
export const BUNDLE_ITEMS = ['session-seal', 'naive-noble'];

function child(item, phase, size, file, env) {
  const r = spawnSync(process.execPath, [CHILD, item, phase, String(size), file], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${item} ${phase} ${size} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export function runBundles({ sizes, reps, log, env = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'session-seal-bench-'));
  const raw = [];
  try {
    for (const size of sizes) {
      const n = typeof reps === 'function' ? reps(size) : reps;
      for (let rep = 0; rep < n; rep++) {
        const order = rep % 2 === 0 ? BUNDLE_ITEMS : [...BUNDLE_ITEMS].reverse();
        for (const item of order) {
          const file = join(dir, `${item}-${size}.json`);
          const seal = child(item, 'seal', size, file, env);
          const unseal = child(item, 'unseal', size, file, env);
          if (unseal.sessions !== size) throw new Error(`${item}: restored ${unseal.sessions} of ${size}`);
          raw.push({ size, rep, item, seal, unseal });
          log(
            `  ${String(size).padStart(6)} ${item.padEnd(12)} seal ${seal.ms.toFixed(0)} ms, ` +
              `unseal ${unseal.ms.toFixed(0)} ms, peak RSS ${(unseal.maxRssKiB / 1024).toFixed(0)} MiB`,
          );
          rmSync(file, { force: true });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out = [];
  for (const size of sizes) {
    for (const item of BUNDLE_ITEMS) {
      const rows = raw.filter((r) => r.size === size && r.item === item);
      const sealMs = median(rows.map((r) => r.seal.ms));
      const unsealMs = median(rows.map((r) => r.unseal.ms));
      out.push({
        size,
        item,
        reps: rows.length,
        bytes: rows[0].seal.bytes,
        sealMs,
        unsealMs,
        sealUsPerSession: (sealMs * 1000) / size,
        unsealUsPerSession: (unsealMs * 1000) / size,
        sealPeakRssMiB: median(rows.map((r) => r.seal.maxRssKiB)) / 1024,
        unsealPeakRssMiB: median(rows.map((r) => r.unseal.maxRssKiB)) / 1024,
        baseRssMiB: median(rows.map((r) => r.unseal.baseRssKiB)) / 1024,
        raw: rows.map((r) => ({ seal: r.seal, unseal: r.unseal })),
      });
    }
  }
  return out;
}
