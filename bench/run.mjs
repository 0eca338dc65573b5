/**
 * `npm run bench` — session-seal against naive pipelines and peers, in one process run with the
 * compared items interleaved round by round; bundles in fresh child processes for peak RSS.
 *
 *   node --expose-gc bench/run.mjs [--quick] [--rounds N] [--slice MS] [--sizes 100,10000]
 *                                  [--no-records] [--no-bundles] [--noble]
 *
 * --quick (or BENCH_QUICK=1): a ~20 s smoke run. --noble: force the portable noble AEAD backend.
 * Prints a table and writes bench/results/latest.json and latest.md (see bench/README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { runBundles } from './bundles.mjs';
import { loadLibrary } from './peers/session-seal.mjs';
import { runRecords } from './records.mjs';
import { markdown, targets } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    rounds: { type: 'string' },
    slice: { type: 'string' },
    sizes: { type: 'string' },
    'no-records': { type: 'boolean', default: false },
    'no-bundles': { type: 'boolean', default: false },
    noble: { type: 'boolean', default: false },
  },
});

const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 3 : 14));
const sliceMs = Number(args.slice ?? (quick ? 80 : 150));
const sizes = (args.sizes ?? (quick ? '100,10000' : '100,10000,100000')).split(',').map(Number);
const reps = () => (quick ? 1 : 3);
const log = (s) => process.stderr.write(`${s}\n`);

if (typeof globalThis.gc !== 'function')
  log('note: run with --expose-gc (npm run bench does) for a GC between slices');

const started = performance.now();
const lib = await loadLibrary();
if (args.noble) lib.setAeadBackend(lib.nobleAead);
const result = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()} ${release()}`,
    loadavgStart: loadavg(),
    backend: lib.getAeadBackend().name,
    mode: quick ? 'quick' : 'full',
    command: `node --expose-gc bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    config: { rounds, sliceMs, sizes },
  },
};

if (!args['no-records']) {
  const r = await runRecords(lib, { rounds, sliceMs, log });
  result.records = r.records;
  result.warmBundles = r.warmBundles;
}
if (!args['no-bundles']) {
  log(`bundles: sizes ${sizes.join(', ')}`);
  result.bundles = runBundles({ sizes, reps, log, env: args.noble ? { BENCH_NOBLE: '1' } : {} });
}
result.meta.loadavgEnd = loadavg();
result.meta.durationMs = performance.now() - started;
result.targets = targets(result);

const md = markdown(result);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(new URL('latest.md', dir), `${md}\n`);
process.stdout.write(`${md}\n\nwrote bench/results/latest.json and bench/results/latest.md\n`);
