/**
 * Deterministic bench records (seeded, so every run and every peer sees the same bytes).
 *
 * typical: UUID sessionId, https URL, 229-character JWT-shaped API key, instanceId and a 4-entry
 * context.metadata map — about 650 B of record JSON, the shape n8n-mcp exports.
 * 4k / 64k: the same record whose context carries a `metadata.history` array of small tool-call
 * entries, padded until `JSON.stringify(context)` is 4 KiB / 64 KiB.
 */

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

/** xorshift32: fixtures only, never keys. */
function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function pick(rand, alphabet, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

function uuid(rand) {
  const h = pick(rand, HEX, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Math.floor(rand() * 4)];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function jwtKey(rand) {
  const header = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
  const sig = pick(rand, B64URL, 43);
  const payload = pick(rand, B64URL, 229 - header.length - sig.length - 2);
  return `${header}.${payload}.${sig}`;
}

/** Base time of every record; `lastAccess` is a minute before it, so nothing expires at NOW. */
export const NOW = Date.parse('2026-11-23T12:00:00.000Z');

/** The typical record (i varies the random fields; the shape and size stay the same). */
export function typicalRecord(i = 0) {
  // Through JSON, as records arrive in practice: flat strings, not the rope strings `+=` builds
  // (which would make 100,000 records weigh 400 MB and skew both time and RSS).
  return JSON.parse(JSON.stringify(buildTypical(i)));
}

function buildTypical(i) {
  const rand = prng(0x9e3779b9 ^ Math.imul(i + 1, 2654435761));
  const created = NOW - 3_600_000 - Math.floor(rand() * 1000) * 1000;
  return {
    sessionId: uuid(rand),
    metadata: {
      createdAt: new Date(created).toISOString(),
      lastAccess: new Date(NOW - 60_000).toISOString(),
    },
    context: {
      n8nApiUrl: `https://tenant-${pick(rand, HEX, 6)}.app.n8n.cloud/api/v1`,
      n8nApiKey: jwtKey(rand),
      instanceId: `inst-${pick(rand, HEX, 12)}`,
      metadata: {
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36',
        ip: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
        clientName: 'claude-desktop',
        clientVersion: '0.10.14',
      },
    },
  };
}

/** The typical record with its context padded to `contextBytes` of JSON. */
export function paddedRecord(contextBytes, i = 0) {
  const rec = typicalRecord(i);
  const rand = prng(0x85ebca6b ^ Math.imul(i + 1, 0xc2b2ae35));
  const history = [];
  rec.context.metadata.history = history;
  const size = () => JSON.stringify(rec.context).length;
  while (size() < contextBytes - 96) {
    history.push({
      at: new Date(NOW - Math.floor(rand() * 3_600_000)).toISOString(),
      tool: `n8n_${pick(rand, 'abcdefghijklmnopqrstuvwxyz', 10)}`,
      ok: rand() < 0.9,
      ms: Math.floor(rand() * 5000),
    });
  }
  // Top up with a note so the context is exactly `contextBytes` of JSON (ASCII, so bytes = chars).
  rec.context.metadata.note = '';
  rec.context.metadata.note = 'x'.repeat(Math.max(0, contextBytes - size()));
  return JSON.parse(JSON.stringify(rec));
}

/** The records of the single-record benchmarks, by name. */
export function records() {
  return {
    typical: typicalRecord(0),
    '4k': paddedRecord(4096),
    '64k': paddedRecord(65536),
  };
}

/** Byte sizes of a record: whole record JSON and context JSON (UTF-8; the fixtures are ASCII). */
export function sizes(record) {
  return {
    recordBytes: Buffer.byteLength(JSON.stringify(record)),
    contextBytes: Buffer.byteLength(JSON.stringify(record.context)),
  };
}
