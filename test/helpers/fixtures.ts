/**
 * Realistic n8n-mcp records: UUID and multi-tenant sessionIds, https URLs, 229-character
 * JWT-shaped API keys and 88-character `n8n_api_` keys, context.metadata with userAgent and ip.
 * Deterministic (seeded) so failures reproduce.
 */
import type { SessionState } from '../../src/schema.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

/** xorshift32: a tiny deterministic generator for fixtures (not for keys). */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function pick(rand: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

export function uuid(rand: () => number): string {
  const h = pick(rand, HEX, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[Math.floor(rand() * 4)] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** A 229-character JWT-shaped n8n API key: header.payload.signature. */
export function jwtKey(rand: () => number): string {
  const header = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
  const sig = pick(rand, B64URL, 43);
  const payload = pick(rand, B64URL, 229 - header.length - sig.length - 2);
  return `${header}.${payload}.${sig}`;
}

/** An 88-character `n8n_api_` key. */
export function n8nKey(rand: () => number): string {
  return `n8n_api_${pick(rand, HEX, 80)}`;
}

export interface FixtureOptions {
  /** ms since epoch used as "now"; lastAccess is set relative to it. */
  readonly now?: number;
  /** Age of lastAccess in ms (default 60 s). */
  readonly ageMs?: number;
}

/** One realistic record. `i` picks the variant and seeds the values. */
export function realisticSession(i: number, opts: FixtureOptions = {}): SessionState {
  const rand = prng(0x9e3779b9 ^ (i * 2654435761));
  const now = opts.now ?? Date.parse('2026-11-23T12:00:00.000Z');
  const age = opts.ageMs ?? 60_000;
  const tenant = `tenant${(i % 7) + 1}`;
  const sessionId = i % 2 === 0 ? uuid(rand) : `instance-${tenant}-${pick(rand, HEX, 8)}-${uuid(rand)}`;
  return {
    sessionId,
    metadata: {
      createdAt: new Date(now - age - 3_600_000).toISOString(),
      lastAccess: new Date(now - age).toISOString(),
    },
    context: {
      n8nApiUrl: `https://${tenant}.app.n8n.cloud/api/v1`,
      n8nApiKey: i % 3 === 0 ? n8nKey(rand) : jwtKey(rand),
      instanceId: `${tenant}-${pick(rand, HEX, 6)}`,
      sessionId,
      metadata: {
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Claude/1.0',
        ip: `203.0.113.${Math.floor(rand() * 254) + 1}`,
        clientName: 'claude-desktop',
        requestCount: Math.floor(rand() * 1000),
      },
    },
  };
}

export function realisticSessions(n: number, opts: FixtureOptions = {}): SessionState[] {
  return Array.from({ length: n }, (_, i) => realisticSession(i, opts));
}

/** Every secret of a record, for "never printed" scans. */
export function secretsOf(state: SessionState): string[] {
  const c = state.context;
  return [c.n8nApiKey, ...(typeof c.n8nMcpAccessToken === 'string' ? [c.n8nMcpAccessToken] : [])];
}

/** Deterministic bytes from `seed` (a linear congruential stream; odd seeds give distinct streams). */
export function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    out[i] = x >>> 24;
  }
  return out;
}
