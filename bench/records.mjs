/**
 * Single-record section: every item seals and unseals the same records, interleaved round by round.
 * Peers run on the typical record only (that is what the targets name); session-seal and the two
 * naive baselines also run on the 4 KiB and 64 KiB contexts, for the size targets and linearity.
 */
import { NOW, records, sizes, typicalRecord } from './fixtures.mjs';
import { interleave, median, ratioMedian } from './interleave.mjs';
import { benchKeyring } from './peers/session-seal.mjs';

const PEERS = [
  'session-seal',
  'naive-noble',
  'naive-node',
  'naive-node-validate',
  'iron',
  'paseto',
  'fernet',
];
const SIZED = ['session-seal', 'naive-noble', 'naive-node', 'naive-node-validate'];
/** Items measured for seal only (their unseal is another item's). */
const SEAL_ONLY = new Set(['naive-node-validate']);
/** Warm, in-process bundle sizes (the cold ones, with peak RSS, are in bundles.mjs). */
const WARM_BUNDLES = [100, 1000];
export const OURS = 'session-seal';

/** Same output as the library's own validation: proves a peer did the whole job. */
async function sanity(item, record, lib) {
  const sealed = await item.seal(record);
  const back = await item.unseal(sealed);
  const want = JSON.stringify(lib.SessionStateSchema.parse(record));
  if (JSON.stringify(back) !== want) throw new Error(`${item.name}: round trip differs from the record`);
  return sealed;
}

export async function runRecords(lib, { rounds, sliceMs, log }) {
  const recs = records();
  const made = new Map();
  for (const p of PEERS) made.set(p, await (await import(`./peers/${p}.mjs`)).create(lib));
  const items = [];
  for (const [recName, record] of Object.entries(recs)) {
    for (const p of recName === 'typical' ? PEERS : SIZED) {
      const it = made.get(p);
      const sealed = await sanity(it, record, lib);
      items.push({ id: `${recName}|${p}|seal`, async: it.async, op: () => it.seal(record) });
      if (!SEAL_ONLY.has(p))
        items.push({ id: `${recName}|${p}|unseal`, async: it.async, op: () => it.unseal(sealed) });
    }
  }
  const keyring = benchKeyring(lib);
  for (const n of WARM_BUNDLES) {
    const states = Array.from({ length: n }, (_, i) => typicalRecord(i));
    const text = lib.serializeBundle(lib.sealSessions(states, keyring).bundle);
    const opts = { now: NOW, maxSessions: 1e9 };
    if (lib.unsealSessions(text, keyring, opts).sessions.length !== n) throw new Error('bundle sanity');
    items.push({
      id: `bundle-${n}|seal`,
      op: () => lib.serializeBundle(lib.sealSessions(states, keyring).bundle),
    });
    items.push({ id: `bundle-${n}|unseal`, op: () => lib.unsealSessions(text, keyring, opts) });
  }
  log(`records: ${items.length} items × ${rounds} rounds × ${sliceMs} ms`);
  const per = await interleave(items, {
    rounds,
    sliceMs,
    onRound: (r, n) => log(`  round ${r}/${n}`),
  });

  const out = {};
  for (const [recName, record] of Object.entries(recs)) {
    const entry = { ...sizes(record), items: {} };
    for (const p of recName === 'typical' ? PEERS : SIZED) {
      const res = {};
      for (const op of SEAL_ONLY.has(p) ? ['seal'] : ['seal', 'unseal']) {
        const v = per.get(`${recName}|${p}|${op}`);
        const ours = per.get(`${recName}|${OURS}|${op}`);
        res[op] = {
          opsPerSec: median(v),
          usPerOp: 1e6 / median(v),
          oursOverThis: ratioMedian(ours, v),
          rounds: v,
        };
      }
      entry.items[p] = { name: made.get(p).name, ...res };
    }
    out[recName] = entry;
  }
  const warm = WARM_BUNDLES.map((n) => {
    const seal = median(per.get(`bundle-${n}|seal`));
    const unseal = median(per.get(`bundle-${n}|unseal`));
    return { size: n, sealUsPerSession: 1e6 / seal / n, unsealUsPerSession: 1e6 / unseal / n };
  });
  return { records: out, warmBundles: warm };
}
