#!/usr/bin/env node
/**
 * Generator of the envelope v1 test vectors (docs/SPEC.md §3–§7).
 *
 *   node scripts/gen-vectors.mjs           write vectors/envelope-v1.json
 *   node scripts/gen-vectors.mjs --check   regenerate in memory; exit 1 if the committed file differs
 *
 * This is an INDEPENDENT implementation of the format: it imports nothing from src/ or dist/.
 * HKDF (RFC 5869 §2.2/§2.3) is written out with node:crypto HMAC-SHA256, XChaCha20-Poly1305 comes
 * from libsodium (draft-irtf-cfrg-xchacha-03), base64url from Buffer, and the constants are copied
 * from the SPEC text. If the library and these vectors disagree, one of them deviates from the SPEC.
 *
 * Everything is deterministic: keys, kids, nonces and API keys are SHA-256 outputs of a fixed seed
 * and a label (`det()` below), so regenerating gives identical bytes.
 *
 * Every vector is also replayed through a reference unsealer written here from SPEC §7 (steps 1–5)
 * before the file is written, so a vector whose expected code contradicts the SPEC cannot be emitted.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';

await sodium.ready;

// ---------------------------------------------------------------------------------------------
// Constants (SPEC §4.2, §5.1, §6)
// ---------------------------------------------------------------------------------------------

const SALT_V1 = Buffer.from('session-seal/v1 extract', 'ascii');
const INFO_ENVELOPE_V1 = Buffer.from('session-seal/v1 envelope', 'ascii');
const INFO_BUNDLE_MAC_V1 = Buffer.from('session-seal/v1 bundle-mac', 'ascii');
const VERSION = 0x01;
const KID_LEN = 8;
const NONCE_LEN = 24;
const COMMITMENT_LEN = 32;
const HEADER_LEN = 1 + KID_LEN + NONCE_LEN + COMMITMENT_LEN; // 65
const TAG_LEN = 16;
const MIN_ENVELOPE = HEADER_LEN + TAG_LEN; // 81
const MAX_PLAINTEXT = 1_048_576;
// base64url (unpadded) length of 81 + MAX_PLAINTEXT bytes: 4·⌊n/3⌋ + {0,2,3}[n mod 3].
const b64len = (n) => 4 * Math.floor(n / 3) + [0, 2, 3][n % 3];
const MAX_SEALED_CONTEXT = b64len(MIN_ENVELOPE + MAX_PLAINTEXT);
if (MAX_SEALED_CONTEXT !== 1_398_210) throw new Error('MAX_SEALED_CONTEXT does not match SPEC §6');
const MAX_SESSION_ID_BYTES = 256;
const MAX_TIMESTAMP_BYTES = 64;

const OUT_FILE = fileURLToPath(new URL('../vectors/envelope-v1.json', import.meta.url));
const OUT_NAME = 'vectors/envelope-v1.json';

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

const hex = (b) => Buffer.from(b).toString('hex');
const b64url = (b) => Buffer.from(b).toString('base64url'); // RFC 4648 §5, unpadded, canonical
const utf8 = (s) => {
  // SPEC §2: UTF8(s) is only defined for well-formed strings; Buffer would substitute U+FFFD.
  if (!s.isWellFormed()) throw new Error('UTF8() of a string with a lone surrogate');
  return Buffer.from(s, 'utf8');
};
const u32be = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const lp = (x) => Buffer.concat([u32be(x.length), x]); // SPEC §2

/** Deterministic bytes: SHA-256("session-seal/vectors/v1" ‖ 0 ‖ label ‖ 0 ‖ u32be(i)), i = 0, 1, … */
function det(label, n) {
  const blocks = [];
  for (let i = 0; blocks.length * 32 < n; i++) {
    blocks.push(
      createHash('sha256')
        .update('session-seal/vectors/v1\0')
        .update(label)
        .update('\0')
        .update(u32be(i))
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, n);
}

/** RFC 5869 §2.2. */
function hkdfExtract(salt, ikm) {
  return createHmac('sha256', salt).update(ikm).digest();
}

/** RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i). */
function hkdfExpand(prk, info, length) {
  const out = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.length * 32 < length; i++) {
    t = createHmac('sha256', prk)
      .update(Buffer.concat([t, info, Buffer.of(i)]))
      .digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

/** SPEC §4.3. */
function schedule(masterKey, kid, nonce) {
  const prk = hkdfExtract(SALT_V1, masterKey);
  const info = Buffer.concat([INFO_ENVELOPE_V1, kid, nonce]);
  const okm = hkdfExpand(prk, info, 64);
  // Cross-check the written-out Extract/Expand against node:crypto's one-shot HKDF.
  if (!okm.equals(Buffer.from(hkdfSync('sha256', masterKey, SALT_V1, info, 64))))
    throw new Error('HKDF mismatch');
  return { prk, ek: okm.subarray(0, 32), commitment: okm.subarray(32, 64) };
}

/** SPEC §5.2. */
function buildAad(header, sessionId, createdAt, lastAccess) {
  return Buffer.concat([header, lp(utf8(sessionId)), lp(utf8(createdAt)), lp(utf8(lastAccess))]);
}

/**
 * SPEC §5.6 steps 3–6 with a given key, kid, nonce and plaintext BYTES (not validated: the
 * negative "authenticated but bad plaintext" vectors need to seal arbitrary bytes).
 */
function sealBytes({ masterKey, kid, nonce }, sessionId, createdAt, lastAccess, plaintext) {
  const { prk, ek, commitment } = schedule(masterKey, kid, nonce);
  const header = Buffer.concat([Buffer.of(VERSION), kid, nonce, commitment]);
  const aad = buildAad(header, sessionId, createdAt, lastAccess);
  const body = Buffer.from(
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, null, nonce, ek),
  );
  const envelope = Buffer.concat([header, body]);
  return {
    prk,
    ek,
    commitment,
    header,
    aad,
    body,
    envelope,
    sealed: { sessionId, metadata: { createdAt, lastAccess }, sealedContext: b64url(envelope) },
  };
}

// ---------------------------------------------------------------------------------------------
// Reference unsealer (SPEC §7 steps 1–5), used only to self-check the vectors before writing
// ---------------------------------------------------------------------------------------------

const isPlainObject = (v) =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const hasExactly = (o, names) =>
  Object.keys(o).length === names.length && names.every((n) => Object.hasOwn(o, n));
const clearOk = (v, max) =>
  typeof v === 'string' && v.isWellFormed() && utf8(v).length >= 1 && utf8(v).length <= max;
// SPEC §3: only the alphabet, never length ≡ 1 (mod 4), and canonical (re-encodes identically;
// Buffer's decoder is lenient, so the re-encoding comparison is what rejects set unused bits).
const decodeCanonical = (t) => {
  if (!/^[A-Za-z0-9_-]*$/.test(t) || t.length % 4 === 1) return null;
  const b = Buffer.from(t, 'base64url');
  return b.toString('base64url') === t ? b : null;
};
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Returns `{ code }` for a failure in steps 1–5, or `{ state }` (unvalidated) for step 6. */
function referenceUnseal(sealed, keyring) {
  // 1. Size, before anything else.
  if (isPlainObject(sealed) && typeof sealed.sealedContext === 'string') {
    if (sealed.sealedContext.length > MAX_SEALED_CONTEXT) return { code: 'ERR_ENVELOPE_TOO_LARGE' };
  }
  // 2. Structure.
  const malformed = { code: 'ERR_ENVELOPE_MALFORMED' };
  if (!isPlainObject(sealed) || !hasExactly(sealed, ['sessionId', 'metadata', 'sealedContext']))
    return malformed;
  const { sessionId, metadata, sealedContext } = sealed;
  if (!isPlainObject(metadata) || !hasExactly(metadata, ['createdAt', 'lastAccess'])) return malformed;
  if (!clearOk(sessionId, MAX_SESSION_ID_BYTES)) return malformed;
  if (
    !clearOk(metadata.createdAt, MAX_TIMESTAMP_BYTES) ||
    !clearOk(metadata.lastAccess, MAX_TIMESTAMP_BYTES)
  ) {
    return malformed;
  }
  if (typeof sealedContext !== 'string') return malformed;
  const e = decodeCanonical(sealedContext);
  if (e === null || e.length === 0) return malformed;
  if (e[0] !== VERSION) return { code: 'ERR_ENVELOPE_UNSUPPORTED_VERSION' };
  if (e.length < MIN_ENVELOPE) return malformed;
  // 3. Exact kid lookup.
  const entry = keyring.find((k) => k.kid === hex(e.subarray(1, 9)));
  if (entry === undefined) return { code: 'ERR_KEY_NOT_FOUND' };
  if (entry.status === 'disabled') return { code: 'ERR_KEY_DISABLED' };
  // 4. Commitment, then AEAD.
  const nonce = e.subarray(9, 33);
  const { ek, commitment } = schedule(Buffer.from(entry.masterKey, 'hex'), e.subarray(1, 9), nonce);
  if (!timingSafeEqual(commitment, e.subarray(33, 65))) return { code: 'ERR_DECRYPTION_FAILED' };
  const aad = buildAad(e.subarray(0, 65), sessionId, metadata.createdAt, metadata.lastAccess);
  let plaintext;
  try {
    plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, e.subarray(65), aad, nonce, ek);
  } catch {
    return { code: 'ERR_DECRYPTION_FAILED' };
  }
  // 5. Strict UTF-8 (BOM kept), JSON, object.
  let context;
  try {
    context = JSON.parse(strictUtf8.decode(plaintext));
  } catch {
    return { code: 'ERR_SESSION_INVALID', notJson: true };
  }
  if (!isPlainObject(context)) return { code: 'ERR_SESSION_INVALID', notJson: true };
  return {
    state: {
      sessionId,
      metadata: { createdAt: metadata.createdAt, lastAccess: metadata.lastAccess },
      context,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Keys and realistic values
// ---------------------------------------------------------------------------------------------

function makeKey(label) {
  const masterKey = det(`master-key ${label}`, 32);
  const kid = det(`kid ${label}`, KID_LEN); // independent of the key bytes (SPEC §4.1)
  return { masterKey, kid, kidHex: hex(kid), keyHex: hex(masterKey) };
}

const KEY_A = makeKey('A');
const KEY_B = makeKey('B');
const KEY_C = makeKey('C');
const KEY_OTHER = makeKey('unrelated primary');
const WRONG_BYTES_FOR_A = det('wrong key bytes for A', 32);

const nonceFor = (label) => det(`nonce ${label}`, NONCE_LEN);

function uuid(label) {
  const b = Buffer.from(det(`uuid ${label}`, 16));
  b[6] = (b[6] & 0x0f) | 0x40; // RFC 9562 version 4
  b[8] = (b[8] & 0x3f) | 0x80; // variant
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A 229-character JWT-shaped n8n API key (header.payload.signature, base64url parts). */
function jwtKey(label) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const sig = b64url(det(`jwt signature ${label}`, 32)); // 43 characters
  // 229 − 36 − 43 − 2 dots = 148 characters = 111 payload bytes (no partial group).
  const base = { sub: uuid(`jwt sub ${label}`), iss: 'n8n', aud: 'public-api', iat: 1763900000, jti: '' };
  const padLen = 111 - Buffer.byteLength(JSON.stringify(base));
  const payload = b64url(JSON.stringify({ ...base, jti: hex(det(`jwt jti ${label}`, 64)).slice(0, padLen) }));
  const key = `${header}.${payload}.${sig}`;
  if (key.length !== 229) throw new Error(`jwtKey length ${key.length}`);
  return key;
}

/** An 88-character `n8n_api_` key. */
const n8nApiKey = (label) => `n8n_api_${hex(det(`n8n api key ${label}`, 40))}`;

const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Claude/0.14.10';

// ---------------------------------------------------------------------------------------------
// Positive vectors
// ---------------------------------------------------------------------------------------------

function largeMetadata() {
  const workflows = [];
  for (let i = 0; i < 28; i++) {
    workflows.push({
      id: hex(det(`workflow id ${i}`, 8)),
      name: `Workflow ${i + 1}: sync CRM contacts → data warehouse`,
      active: i % 3 !== 0,
      updatedAt: `2026-11-${String(1 + (i % 22)).padStart(2, '0')}T08:${String(i).padStart(2, '0')}:00.000Z`,
    });
  }
  return {
    userAgent: UA,
    ip: '192.0.2.17',
    clientInfo: {
      name: 'claude-desktop',
      version: '0.14.10',
      capabilities: ['tools', 'resources', 'prompts'],
    },
    recentWorkflows: workflows,
  };
}

const uuid0 = uuid('typical');
const tenantSid = `instance-tenant42-${hex(det('tenant suffix', 4))}-${uuid('tenant')}`;
const unicodeSid = `sesión-東京-🔐-Ωmega-${hex(det('unicode sid', 4))}`;
const sid256 = `${'a'.repeat(253)}€`; // 253 + 3 = 256 UTF-8 bytes, 254 UTF-16 units

const POSITIVE_DEFS = [
  {
    name: 'n8n-typical',
    description:
      'Typical n8n-mcp record: UUID sessionId, https URL, 229-char JWT-shaped API key, instanceId, context.metadata {userAgent, ip}.',
    key: KEY_A,
    state: {
      sessionId: uuid0,
      metadata: { createdAt: '2026-11-23T11:00:00.000Z', lastAccess: '2026-11-23T11:59:00.000Z' },
      context: {
        n8nApiUrl: 'https://acme.app.n8n.cloud/api/v1',
        n8nApiKey: jwtKey('typical'),
        instanceId: 'acme-prod-01',
        sessionId: uuid0,
        metadata: { userAgent: UA, ip: '203.0.113.42' },
      },
    },
  },
  {
    name: 'multi-tenant-session-id',
    description:
      'Multi-tenant sessionId of the form instance-<id>-<8hex>-<uuid>, sealed under the same key as n8n-typical.',
    key: KEY_A,
    state: {
      sessionId: tenantSid,
      metadata: { createdAt: '2026-11-23T09:15:30.250Z', lastAccess: '2026-11-23T11:58:59.999Z' },
      context: {
        n8nApiUrl: 'https://n8n.tenant42.acme-hosting.net/api/v1',
        n8nApiKey: jwtKey('tenant'),
        instanceId: 'tenant42',
        sessionId: tenantSid,
        metadata: { userAgent: 'n8n-mcp-client/2.3.1 (linux; x64)', ip: '198.51.100.7' },
      },
    },
  },
  {
    name: 'unicode',
    description:
      'Non-ASCII and emoji (astral plane) in the sessionId (no control characters) and in context.metadata, including U+2028/U+2029 and characters JSON.stringify escapes.',
    key: KEY_A,
    state: {
      sessionId: unicodeSid,
      metadata: { createdAt: '2026-11-23T10:00:00.000Z', lastAccess: '2026-11-23T11:30:00.000Z' },
      context: {
        n8nApiUrl: 'https://münchen.n8n-kunden.de/api/v1',
        n8nApiKey: jwtKey('unicode'),
        instanceId: 'münchen-ü',
        sessionId: unicodeSid,
        metadata: {
          userAgent: 'Claude Desktop/1.0 (macOS; 日本語) ✨',
          ip: '2001:db8::42',
          displayName: 'Zoë Ångström 👩🏽‍💻',
          note: 'line\u2028sep\u2029para; tab\t; ctrl\u0001; quote" backslash\\ slash/',
          rtl: 'مرحبا שלום',
        },
      },
    },
  },
  {
    name: 'n8n-api-key-optional-fields',
    description:
      '88-char n8n_api_ key, http URL with port, the optional fields n8nApiTimeout / n8nApiMaxRetries / uiAppsEnabled / n8nMcpAccessToken, and an unknown context member that must be kept (SPEC §8).',
    key: KEY_B,
    state: {
      sessionId: uuid('optional'),
      metadata: { createdAt: '2026-11-22T23:59:59.000Z', lastAccess: '2026-11-23T00:00:01.000Z' },
      context: {
        n8nApiUrl: 'http://n8n.internal.acme.net:5678/api/v1',
        n8nApiKey: n8nApiKey('optional'),
        n8nApiTimeout: 30000,
        n8nApiMaxRetries: 3,
        uiAppsEnabled: true,
        n8nMcpAccessToken: hex(det('mcp access token', 32)),
        futureField: { enabled: true, tags: ['a', 'b'], ratio: 0.75, none: null },
      },
    },
  },
  {
    name: 'large-context',
    description:
      'A larger context (about 4 KiB of plaintext) with nested arrays and objects in context.metadata.',
    key: KEY_B,
    state: {
      sessionId: uuid('large'),
      metadata: { createdAt: '2026-11-23T06:00:00.000Z', lastAccess: '2026-11-23T11:45:00.000Z' },
      context: {
        n8nApiUrl: 'https://workflows.acme.io/api/v1',
        n8nApiKey: jwtKey('large'),
        instanceId: 'acme-eu-central',
        metadata: largeMetadata(),
      },
    },
  },
  {
    name: 'minimal-offset-timestamps',
    description:
      'Only the two required context members; one-character sessionId; createdAt with a ±hh:mm zone (SPEC §8).',
    key: KEY_C,
    state: {
      sessionId: 's',
      metadata: { createdAt: '2026-11-23T12:00:00+01:00', lastAccess: '2026-11-23T11:30:00.123Z' },
      context: { n8nApiUrl: 'https://n8n.acme.net', n8nApiKey: n8nApiKey('minimal') },
    },
  },
  {
    name: 'session-id-256-bytes',
    description:
      'sessionId of exactly 256 UTF-8 bytes (254 UTF-16 code units): the upper bound is inclusive and counted in bytes.',
    key: KEY_C,
    state: {
      sessionId: sid256,
      metadata: { createdAt: '2026-11-23T11:00:00.000Z', lastAccess: '2026-11-23T11:00:00.000Z' },
      context: { n8nApiUrl: 'https://acme.app.n8n.cloud/api/v1', n8nApiKey: n8nApiKey('sid256') },
    },
  },
];

const keyringOf = (...entries) =>
  entries.map(([k, status, bytes]) => ({ kid: k.kidHex, masterKey: bytes ?? k.keyHex, status }));

const sealedByName = new Map();
const envelopeByName = new Map();

const positive = POSITIVE_DEFS.map((d) => {
  const nonce = nonceFor(d.name);
  const plaintext = JSON.stringify(d.state.context);
  const { sessionId } = d.state;
  const { createdAt, lastAccess } = d.state.metadata;
  const r = sealBytes({ ...d.key, nonce }, sessionId, createdAt, lastAccess, utf8(plaintext));
  const check = referenceUnseal(r.sealed, keyringOf([d.key, 'primary']));
  if (!check.state || JSON.stringify(check.state) !== JSON.stringify(d.state)) {
    throw new Error(`positive ${d.name} does not round-trip`);
  }
  sealedByName.set(d.name, r.sealed);
  envelopeByName.set(d.name, r.envelope);
  return {
    name: d.name,
    description: d.description,
    masterKey: d.key.keyHex,
    kid: d.key.kidHex,
    nonce: hex(nonce),
    state: d.state,
    plaintext,
    prk: hex(r.prk),
    ek: hex(r.ek),
    commitment: hex(r.commitment),
    header: hex(r.header),
    aad: hex(r.aad),
    ciphertextAndTag: hex(r.body),
    sealed: r.sealed,
  };
});

// ---------------------------------------------------------------------------------------------
// Negative vectors: each breaks exactly one thing
// ---------------------------------------------------------------------------------------------

const BASE = 'n8n-typical';
const base = sealedByName.get(BASE);
const baseE = envelopeByName.get(BASE);
const RING_A = keyringOf([KEY_A, 'primary']);
const clone = (v) => structuredClone(v);
const withContext = (s, sealedContext) => ({ ...clone(s), sealedContext });
const withEnvelope = (s, e) => withContext(s, b64url(e));
const flip = (e, offset, mask = 0x01) => {
  const c = Buffer.from(e);
  c[offset] ^= mask;
  return c;
};

// A base whose envelope length is not a multiple of 3, so its base64url has unused bits and is
// padded by lenient encoders (for the non-canonical-last-character and `=` cases).
const unalignedName = POSITIVE_DEFS.map((d) => d.name).find((n) => envelopeByName.get(n).length % 3 !== 0);
const unaligned = sealedByName.get(unalignedName);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function setUnusedBit(text) {
  const last = ALPHABET.indexOf(text.at(-1));
  if (text.length % 4 === 1 || text.length % 4 === 0) throw new Error('no unused bits');
  return text.slice(0, -1) + ALPHABET[last | 1]; // lowest bit is always unused (2 or 4 unused bits)
}

/** Seal arbitrary plaintext bytes under KEY_A, clear fields of n8n-typical unless overridden. */
function sealRaw(label, plaintextBytes, clear = {}) {
  const st = POSITIVE_DEFS[0].state;
  const sessionId = clear.sessionId ?? st.sessionId;
  const createdAt = clear.createdAt ?? st.metadata.createdAt;
  const lastAccess = clear.lastAccess ?? st.metadata.lastAccess;
  return sealBytes(
    { ...KEY_A, nonce: nonceFor(`negative ${label}`) },
    sessionId,
    createdAt,
    lastAccess,
    plaintextBytes,
  );
}
const validContextText = POSITIVE_DEFS[0].state.context;

const trailingChars = (() => {
  // Append 1–3 characters so that the length becomes ≡ 1 (mod 4), a length no canonical text has.
  const k = [1, 2, 3].find((n) => (base.sealedContext.length + n) % 4 === 1);
  return base.sealedContext + 'A'.repeat(k);
})();

const NEG = [];
const neg = (name, description, sealed, expectedCode, extra = {}) =>
  NEG.push({ name, description, keyring: extra.keyring ?? RING_A, sealed, expectedCode, ...extra.more });

// -- §7 step 1: size ------------------------------------------------------------------------
const { sealedContext: _omit, ...baseWithoutContext } = base;
neg(
  'oversize-sealed-context',
  `sealedContext of MAX_SEALED_CONTEXT + 1 = ${MAX_SEALED_CONTEXT + 1} characters (expanded from sealedContextRepeat). Rejected before any decoding.`,
  clone(baseWithoutContext),
  'ERR_ENVELOPE_TOO_LARGE',
  { more: { sealedContextRepeat: { char: 'A', count: MAX_SEALED_CONTEXT + 1 } } },
);
const { sessionId: _omitSid, ...baseWithoutSid } = baseWithoutContext;
neg(
  'oversize-checked-before-structure',
  'Oversize sealedContext in a record that also lacks sessionId: the size check (step 1) runs before the structure check (step 2).',
  clone(baseWithoutSid),
  'ERR_ENVELOPE_TOO_LARGE',
  { more: { sealedContextRepeat: { char: 'A', count: MAX_SEALED_CONTEXT + 1 } } },
);
neg(
  'sealed-context-exactly-max',
  `sealedContext of exactly MAX_SEALED_CONTEXT = ${MAX_SEALED_CONTEXT} "A" characters: not too large (the limit is inclusive); canonical base64url of zero bytes, so version 0x00 is reported.`,
  clone(baseWithoutContext),
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
  { more: { sealedContextRepeat: { char: 'A', count: MAX_SEALED_CONTEXT } } },
);

// -- §7 step 2: version ---------------------------------------------------------------------
neg(
  'bitflip-version',
  'Version byte 0x01 with bit 7 flipped (0x81).',
  withEnvelope(base, flip(baseE, 0, 0x80)),
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
);
neg(
  'version-0x02',
  'Version byte 0x02 (a future format), everything else intact.',
  withEnvelope(base, Buffer.concat([Buffer.of(2), baseE.subarray(1)])),
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
);
neg(
  'version-0x00',
  'Version byte 0x00, everything else intact.',
  withEnvelope(base, Buffer.concat([Buffer.of(0), baseE.subarray(1)])),
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
);
neg(
  'version-checked-before-length',
  'A one-byte envelope 0x02: the version is checked before the minimum length (SPEC §7 step 2 order).',
  withEnvelope(base, Buffer.of(2)),
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
);

// -- §7 step 2: length ----------------------------------------------------------------------
neg(
  'empty-sealed-context',
  'sealedContext is the empty string (zero-byte envelope).',
  withContext(base, ''),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'one-byte-envelope',
  'A one-byte envelope 0x01: right version, shorter than 81 bytes.',
  withEnvelope(base, Buffer.of(1)),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'truncated-to-80-bytes',
  'Envelope truncated to 80 bytes, one short of the 81-byte minimum (header + tag).',
  withEnvelope(base, baseE.subarray(0, 80)),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'truncated-by-1-byte',
  'Last byte of the envelope removed. Still ≥ 81 bytes, so it parses; the last 16 bytes are no longer the tag and authentication fails.',
  withEnvelope(base, baseE.subarray(0, -1)),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'truncated-to-81-bytes',
  'Envelope truncated to 81 bytes: parses as header + tag of an empty plaintext; the tag does not verify.',
  withEnvelope(base, baseE.subarray(0, 81)),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'trailing-byte-appended',
  'One 0x00 byte appended to the envelope (canonically re-encoded). There is no length field, so nothing can be "ignored": the last 16 bytes are taken as the tag, the real tag\'s first byte becomes ciphertext, and authentication fails.',
  withEnvelope(base, Buffer.concat([baseE, Buffer.of(0)])),
  'ERR_DECRYPTION_FAILED',
);

// -- §7 step 2: base64url (§3) --------------------------------------------------------------
neg(
  'base64url-trailing-characters',
  'Characters appended to sealedContext so its length is ≡ 1 (mod 4), which no canonical text has.',
  withContext(base, trailingChars),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'base64url-unused-bits-set',
  `Last character of a valid sealedContext (${unalignedName}) changed so an unused low bit is set. Lenient decoders return the same bytes; canonical decoding must reject it.`,
  withContext(unaligned, setUnusedBit(unaligned.sealedContext)),
  'ERR_ENVELOPE_MALFORMED',
  { keyring: keyringOf([POSITIVE_DEFS.find((d) => d.name === unalignedName).key, 'primary']) },
);
neg(
  'base64url-padding',
  `Valid sealedContext (${unalignedName}) with the "=" padding a standard encoder would add.`,
  withContext(
    unaligned,
    unaligned.sealedContext + '='.repeat((4 - (unaligned.sealedContext.length % 4)) % 4),
  ),
  'ERR_ENVELOPE_MALFORMED',
  { keyring: keyringOf([POSITIVE_DEFS.find((d) => d.name === unalignedName).key, 'primary']) },
);
neg(
  'base64url-line-breaks',
  'Valid sealedContext wrapped with "\\n" every 76 characters (MIME style).',
  withContext(base, base.sealedContext.match(/.{1,76}/g).join('\n')),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'base64url-trailing-space',
  'Valid sealedContext followed by one space.',
  withContext(base, `${base.sealedContext} `),
  'ERR_ENVELOPE_MALFORMED',
);
const stdAlphabet = base.sealedContext.replaceAll('-', '+').replaceAll('_', '/');
if (stdAlphabet === base.sealedContext) throw new Error('base sealedContext has no - or _');
neg(
  'base64-standard-alphabet',
  'Valid sealedContext written in the standard base64 alphabet ("+" and "/" instead of "-" and "_").',
  withContext(base, stdAlphabet),
  'ERR_ENVELOPE_MALFORMED',
);

// -- §7 step 2: structure (§5.3) ------------------------------------------------------------
neg('not-an-object-null', 'The sealed input is JSON null.', null, 'ERR_ENVELOPE_MALFORMED');
neg(
  'not-an-object-array',
  'The sealed input is an array holding a valid sealed record.',
  [clone(base)],
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'not-an-object-string',
  'The sealed input is the sealedContext string alone.',
  base.sealedContext,
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'extra-top-level-member',
  'Valid record plus a top-level member "note".',
  { ...clone(base), note: 'hello' },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'extra-top-level-proto-member',
  'Valid record plus an own top-level member named "__proto__" (as JSON.parse creates it).',
  JSON.parse(JSON.stringify(base).replace(/^\{/, '{"__proto__":{"isAdmin":true},')),
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'extra-metadata-member',
  'Valid record plus metadata.expiresAt (unauthenticated data must not ride along).',
  { ...clone(base), metadata: { ...base.metadata, expiresAt: '2026-11-24T00:00:00.000Z' } },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'context-member-added',
  'Valid record plus a plaintext "context" member: a sealed record must never carry one.',
  { ...clone(base), context: clone(validContextText) },
  'ERR_ENVELOPE_MALFORMED',
);
neg('missing-session-id', 'sessionId removed.', clone(baseWithoutSid), 'ERR_ENVELOPE_MALFORMED');
neg('missing-sealed-context', 'sealedContext removed.', clone(baseWithoutContext), 'ERR_ENVELOPE_MALFORMED');
neg(
  'missing-metadata',
  'metadata removed.',
  { sessionId: base.sessionId, sealedContext: base.sealedContext },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'missing-last-access',
  'metadata.lastAccess removed.',
  { ...clone(base), metadata: { createdAt: base.metadata.createdAt } },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-session-id',
  'sessionId is a number.',
  { ...clone(base), sessionId: 12345 },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-metadata-array',
  'metadata is an array of the two timestamps.',
  { ...clone(base), metadata: [base.metadata.createdAt, base.metadata.lastAccess] },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-metadata-null',
  'metadata is null.',
  { ...clone(base), metadata: null },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-created-at',
  'metadata.createdAt is a number (epoch milliseconds).',
  { ...clone(base), metadata: { ...base.metadata, createdAt: 1795431600000 } },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-last-access',
  'metadata.lastAccess is null.',
  { ...clone(base), metadata: { ...base.metadata, lastAccess: null } },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'wrong-type-sealed-context',
  'sealedContext is an array of two strings.',
  withContext(base, [base.sealedContext.slice(0, 100), base.sealedContext.slice(100)]),
  'ERR_ENVELOPE_MALFORMED',
);

// -- §7 step 2: clear-field rules (§5.4) ----------------------------------------------------
neg(
  'session-id-empty',
  'sessionId is the empty string.',
  { ...clone(base), sessionId: '' },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'session-id-lone-high-surrogate',
  'sessionId is a lone high surrogate "\\ud800" (not well-formed Unicode).',
  { ...clone(base), sessionId: '\ud800' },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'session-id-lone-low-surrogate',
  'sessionId of n8n-typical with a lone low surrogate "\\udc00" appended.',
  { ...clone(base), sessionId: `${base.sessionId}\udc00` },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'session-id-257-bytes',
  'sessionId of 257 ASCII characters (257 UTF-8 bytes).',
  { ...clone(base), sessionId: 'a'.repeat(257) },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'session-id-258-bytes-129-chars',
  'sessionId of 129 "é" (129 UTF-16 units, 258 UTF-8 bytes): the limit is in bytes.',
  { ...clone(base), sessionId: 'é'.repeat(129) },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'created-at-empty',
  'metadata.createdAt is the empty string.',
  { ...clone(base), metadata: { ...base.metadata, createdAt: '' } },
  'ERR_ENVELOPE_MALFORMED',
);
neg(
  'last-access-65-bytes',
  'metadata.lastAccess of 65 bytes (the timestamp limit is 64).',
  {
    ...clone(base),
    metadata: {
      ...base.metadata,
      lastAccess: `${base.metadata.lastAccess}${'0'.repeat(65 - base.metadata.lastAccess.length)}`,
    },
  },
  'ERR_ENVELOPE_MALFORMED',
);

// -- §7 step 3: keys --------------------------------------------------------------------------
neg(
  'bitflip-kid',
  'Lowest bit of the first kid byte flipped: no key with that kid.',
  withEnvelope(base, flip(baseE, 1)),
  'ERR_KEY_NOT_FOUND',
);
neg(
  'kid-not-in-keyring',
  'A valid envelope; the keyring holds only an unrelated key.',
  clone(base),
  'ERR_KEY_NOT_FOUND',
  { keyring: keyringOf([KEY_OTHER, 'primary']) },
);
neg(
  'kid-not-in-keyring-same-bytes-elsewhere',
  'The keyring holds the right key BYTES under another kid: lookup is by exact kid only and no other key is tried.',
  clone(base),
  'ERR_KEY_NOT_FOUND',
  { keyring: keyringOf([KEY_OTHER, 'primary', KEY_A.keyHex]) },
);
neg(
  'key-disabled',
  "The envelope's key is in the keyring with status disabled.",
  clone(base),
  'ERR_KEY_DISABLED',
  { keyring: keyringOf([KEY_OTHER, 'primary'], [KEY_A, 'disabled']) },
);

// -- §7 step 4: authentication ------------------------------------------------------------------
neg(
  'same-kid-wrong-key-bytes',
  'The keyring has the right kid with different key bytes: the commitment does not match.',
  clone(base),
  'ERR_DECRYPTION_FAILED',
  { keyring: keyringOf([KEY_A, 'primary', hex(WRONG_BYTES_FOR_A)]) },
);
neg(
  'bitflip-nonce',
  'Lowest bit of the first nonce byte flipped (the derived commitment changes).',
  withEnvelope(base, flip(baseE, 9)),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'bitflip-commitment',
  'Lowest bit of the first commitment byte flipped.',
  withEnvelope(base, flip(baseE, 33)),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'bitflip-ciphertext',
  'Lowest bit of the first ciphertext byte flipped.',
  withEnvelope(base, flip(baseE, 65)),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'bitflip-tag',
  'Lowest bit of the last tag byte flipped.',
  withEnvelope(base, flip(baseE, baseE.length - 1)),
  'ERR_DECRYPTION_FAILED',
);
const tenant = sealedByName.get('multi-tenant-session-id');
neg(
  'session-id-swapped',
  "sessionId replaced by another tenant's valid sessionId (that of multi-tenant-session-id); bound in the AAD.",
  { ...clone(base), sessionId: tenant.sessionId },
  'ERR_DECRYPTION_FAILED',
);
neg(
  'sealed-context-moved',
  "The record of multi-tenant-session-id carrying n8n-typical's sealedContext (same key): a sealed context cannot be moved to another record.",
  withContext(tenant, base.sealedContext),
  'ERR_DECRYPTION_FAILED',
);
neg(
  'created-at-edited',
  'metadata.createdAt moved one hour earlier.',
  { ...clone(base), metadata: { ...base.metadata, createdAt: '2026-11-23T10:00:00.000Z' } },
  'ERR_DECRYPTION_FAILED',
);
neg(
  'last-access-refreshed',
  'metadata.lastAccess moved forward, as if to resurrect an expired session (SPEC §13.4).',
  { ...clone(base), metadata: { ...base.metadata, lastAccess: '2026-11-24T11:59:00.000Z' } },
  'ERR_DECRYPTION_FAILED',
);

// -- §7 steps 5–6: authenticated, but the plaintext is bad ------------------------------------
const NOT_JSON = [{ path: ['context'], code: 'not_json' }];
function badPlaintext(name, description, bytes, expectedIssues, clear) {
  const r = sealRaw(name, bytes, clear);
  neg(name, description, r.sealed, 'ERR_SESSION_INVALID', {
    more: { plaintextHex: hex(bytes), ...(expectedIssues ? { expectedIssues } : {}) },
  });
}
const ctxText = JSON.stringify(validContextText);
badPlaintext(
  'plaintext-not-json',
  'Correctly sealed; the plaintext is a JSON text cut short.',
  utf8(ctxText.slice(0, 40)),
  NOT_JSON,
);
badPlaintext(
  'plaintext-json-array',
  'Correctly sealed; the plaintext is a JSON array holding the context.',
  utf8(`[${ctxText}]`),
  NOT_JSON,
);
badPlaintext(
  'plaintext-json-string',
  'Correctly sealed; the plaintext is a JSON string.',
  utf8('"context"'),
  NOT_JSON,
);
badPlaintext('plaintext-json-null', 'Correctly sealed; the plaintext is JSON null.', utf8('null'), NOT_JSON);
badPlaintext(
  'plaintext-empty',
  'Correctly sealed; the plaintext is empty (an 81-byte envelope).',
  Buffer.alloc(0),
  NOT_JSON,
);
badPlaintext(
  'plaintext-invalid-utf8',
  'Correctly sealed; the context JSON with a 0xFF byte inside a string (invalid UTF-8; must not become U+FFFD).',
  Buffer.concat([utf8(ctxText.slice(0, -1)), utf8(',"x":"'), Buffer.of(0xff), utf8('"}')]),
  NOT_JSON,
);
badPlaintext(
  'plaintext-utf8-encoded-surrogate',
  'Correctly sealed; the context JSON with the bytes ED A0 80 (a UTF-8-encoded surrogate, invalid in UTF-8) inside a string.',
  Buffer.concat([utf8(ctxText.slice(0, -1)), utf8(',"x":"'), Buffer.of(0xed, 0xa0, 0x80), utf8('"}')]),
  NOT_JSON,
);
badPlaintext(
  'plaintext-bom',
  'Correctly sealed; the context JSON preceded by a UTF-8 BOM. The BOM is not stripped (SPEC §5.5), so the text is not JSON.',
  Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), utf8(ctxText)]),
  NOT_JSON,
);
badPlaintext(
  'plaintext-placeholder-api-key',
  'Correctly sealed; a JSON object whose n8nApiKey is the placeholder your_api_key_here. Validation (SPEC §8) still runs after authentication.',
  utf8(JSON.stringify({ ...validContextText, n8nApiKey: 'your_api_key_here' })),
  [{ path: ['context', 'n8nApiKey'], code: 'placeholder' }],
);
badPlaintext(
  'plaintext-proto-key',
  'Correctly sealed; context.metadata has a member named "__proto__" (SPEC §8 forbidden_key).',
  utf8(ctxText.replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},')),
);
badPlaintext(
  'session-id-control-character',
  'Correctly sealed record whose clear sessionId contains U+0007: well-formed, so it parses and authenticates; the schema (SPEC §8) rejects it afterwards.',
  utf8(ctxText),
  [{ path: ['sessionId'], code: 'control_char' }],
  { sessionId: `${base.sessionId}\u0007` },
);
badPlaintext(
  'created-at-not-iso',
  'Correctly sealed record whose createdAt is not an ISO 8601 date-time; authenticates, then fails the schema.',
  utf8(ctxText),
  [{ path: ['metadata', 'createdAt'], code: 'datetime' }],
  { createdAt: 'yesterday' },
);

// Self-check every negative vector against the reference unsealer.
for (const c of NEG) {
  let input = c.sealed;
  if (c.sealedContextRepeat)
    input = { ...input, sealedContext: c.sealedContextRepeat.char.repeat(c.sealedContextRepeat.count) };
  const r = referenceUnseal(input, c.keyring);
  const schemaStage =
    c.expectedCode === 'ERR_SESSION_INVALID' && !(c.expectedIssues?.[0]?.code === 'not_json');
  const ok = schemaStage ? r.state !== undefined : r.code === c.expectedCode;
  if (!ok)
    throw new Error(
      `negative ${c.name}: reference unsealer gave ${r.code ?? 'a state'}, expected ${c.expectedCode}`,
    );
}
const names = [...positive, ...NEG].map((c) => c.name);
if (new Set(names).size !== names.length) throw new Error('duplicate vector name');

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const doc = {
  format: 'session-seal/vectors/envelope-v1',
  generator:
    'scripts/gen-vectors.mjs: independent of the library (imports nothing from src/ or dist/); HKDF-SHA256 written out with node:crypto HMAC, XChaCha20-Poly1305 from libsodium-wrappers, base64url from Buffer, deterministic inputs from SHA-256 of a fixed seed. Do not edit by hand: run `npm run vectors`.',
  spec: 'docs/SPEC.md §3–§7 (envelope v1)',
  constants: {
    SALT_V1: hex(SALT_V1),
    INFO_ENVELOPE_V1: hex(INFO_ENVELOPE_V1),
    INFO_BUNDLE_MAC_V1: hex(INFO_BUNDLE_MAC_V1),
    VERSION,
    HEADER_LENGTH: HEADER_LEN,
    TAG_LENGTH: TAG_LEN,
    MIN_ENVELOPE_LENGTH: MIN_ENVELOPE,
    MAX_PLAINTEXT,
    MAX_SEALED_CONTEXT,
    MAX_SESSION_ID_BYTES,
    MAX_TIMESTAMP_BYTES,
  },
  positive,
  negative: NEG,
};

const text = `${JSON.stringify(doc, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = null;
  try {
    current = readFileSync(OUT_FILE);
  } catch {
    // missing counts as different
  }
  if (current === null || !current.equals(Buffer.from(text, 'utf8'))) {
    console.error(
      `${OUT_NAME} differs from the generator output; run \`npm run vectors\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`${OUT_NAME} is up to date (${positive.length} positive, ${NEG.length} negative).`);
} else {
  writeFileSync(OUT_FILE, text);
  console.log(`wrote ${OUT_NAME} (${positive.length} positive, ${NEG.length} negative).`);
}
