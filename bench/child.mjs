/**
 * One bundle measurement in a fresh process, so peak RSS belongs to that item and size alone:
 *
 *   node bench/child.mjs <item> <phase> <size> <file>
 *
 * item  `session-seal` | `naive-noble`; phase `seal` | `unseal`; size = number of sessions.
 * seal:   build `size` typical records, then time sealing them into one document and serializing
 *         it (session-seal: sealSessions + serializeBundle; naive: per-record seal + a JSON array),
 *         and write it to <file> (not timed).
 * unseal: read <file> (not timed), then time parsing and opening every entry with validation
 *         (session-seal: unsealSessions, nothing expires, no session limit; naive: JSON.parse and
 *         per-entry unseal + SessionStateSchema.parse).
 * Prints one JSON line: { item, phase, size, ms, sessions, bytes, maxRssKiB, baseRssKiB }.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { NOW, typicalRecord } from './fixtures.mjs';
import { naiveNobleSeal, naiveNobleUnseal } from './peers/naive-noble.mjs';
import { benchKeyring, loadLibrary } from './peers/session-seal.mjs';

const [item, phase, sizeText, file] = process.argv.slice(2);
const size = Number(sizeText);
if (!['session-seal', 'naive-noble'].includes(item) || !['seal', 'unseal'].includes(phase) || !file) {
  console.error('usage: node bench/child.mjs <session-seal|naive-noble> <seal|unseal> <size> <file>');
  process.exit(2);
}

const lib = await loadLibrary();
if (process.env.BENCH_NOBLE === '1') lib.setAeadBackend(lib.nobleAead);
// A fixed bench-only master key for the naive pipeline too, so the unseal child can open the file.
const NAIVE_MASTER = Uint8Array.from(Buffer.from('5f'.repeat(32), 'hex'));
const keyring = benchKeyring(lib);
const baseRssKiB = process.resourceUsage().maxRSS;

let ms;
let sessions;
let bytes;
if (phase === 'seal') {
  const states = Array.from({ length: size }, (_, i) => typicalRecord(i));
  const t0 = performance.now();
  let text;
  if (item === 'session-seal') {
    const { bundle, rejected } = lib.sealSessions(states, keyring);
    if (rejected.length !== 0) throw new Error(`rejected ${rejected.length}`);
    text = lib.serializeBundle(bundle);
  } else {
    const out = new Array(size);
    for (let i = 0; i < size; i++) out[i] = naiveNobleSeal(NAIVE_MASTER, states[i]);
    text = JSON.stringify(out);
  }
  ms = performance.now() - t0;
  sessions = size;
  bytes = Buffer.byteLength(text);
  writeFileSync(file, text);
} else {
  const text = readFileSync(file, 'utf8');
  bytes = Buffer.byteLength(text);
  const t0 = performance.now();
  if (item === 'session-seal') {
    const r = lib.unsealSessions(text, keyring, { now: NOW, maxSessions: 1e9, maxEntries: 1e9 });
    if (r.skipped.length !== 0 || !r.integrity.ok) throw new Error(`skipped ${r.skipped.length}`);
    sessions = r.sessions.length;
  } else {
    const entries = JSON.parse(text);
    const out = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      out[i] = naiveNobleUnseal(NAIVE_MASTER, lib.SessionStateSchema, entries[i]);
    }
    sessions = out.length;
  }
  ms = performance.now() - t0;
}
const maxRssKiB = process.resourceUsage().maxRSS;
process.stdout.write(
  `${JSON.stringify({ item, phase, size, ms, sessions, bytes, maxRssKiB, baseRssKiB })}\n`,
);
