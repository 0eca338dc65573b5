/**
 * Associated data (SPEC §5.2):
 *   AAD = HEADER ‖ lp(UTF8(sessionId)) ‖ lp(UTF8(createdAt)) ‖ lp(UTF8(lastAccess))
 * with lp(x) = u32be(len(x)) ‖ x. Length prefixes, not JSON, so distinct triples never collide.
 */
import { encodeUtf8Into, utf8Length } from '../encoding/utf8.js';

function putU32(out: Uint8Array, o: number, n: number): void {
  out[o] = n >>> 24;
  out[o + 1] = (n >>> 16) & 0xff;
  out[o + 2] = (n >>> 8) & 0xff;
  out[o + 3] = n & 0xff;
}

/** The AAD from the already-encoded clear fields. */
export function buildAad(
  header: Uint8Array,
  sessionId: Uint8Array,
  createdAt: Uint8Array,
  lastAccess: Uint8Array,
): Uint8Array {
  const aad = new Uint8Array(header.length + 12 + sessionId.length + createdAt.length + lastAccess.length);
  aad.set(header, 0);
  let o = header.length;
  for (const part of [sessionId, createdAt, lastAccess]) {
    putU32(aad, o, part.length);
    aad.set(part, o + 4);
    o += 4 + part.length;
  }
  return aad;
}

/*
 * The AAD of one seal or open lives in a reused buffer: every allocation of a typed array over 64
 * bytes is a separate backing store for the garbage collector (about a microsecond each here), and
 * the AAD is consumed before the AEAD call returns. Its contents (header, clear fields) are public.
 */
const AAD_SCRATCH = new Uint8Array(1024);

/** The clear fields of a record with their UTF-8 lengths, as the envelope parser has measured them. */
export interface ClearFields {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly lastAccess: string;
  readonly sessionIdBytes: number;
  readonly createdAtBytes: number;
  readonly lastAccessBytes: number;
}

/**
 * The same bytes from the clear-field strings, UTF-8 encoded straight into the AAD. The caller has
 * checked the strings are well-formed (SPEC §5.4). The result is a view into a reused buffer,
 * valid until the next call: hand it to the AEAD and drop it.
 */
export function buildAadFromText(
  header: Uint8Array,
  sessionId: string,
  createdAt: string,
  lastAccess: string,
): Uint8Array {
  return writeAad(
    header,
    sessionId,
    utf8Length(sessionId),
    createdAt,
    utf8Length(createdAt),
    lastAccess,
    utf8Length(lastAccess),
  );
}

/**
 * `buildAadFromText` when the UTF-8 lengths are known: the unseal path takes them from the parser,
 * which counted them for the SPEC §5.4 limits, instead of counting a second time.
 */
export function buildAadFromFields(header: Uint8Array, f: ClearFields): Uint8Array {
  return writeAad(
    header,
    f.sessionId,
    f.sessionIdBytes,
    f.createdAt,
    f.createdAtBytes,
    f.lastAccess,
    f.lastAccessBytes,
  );
}

function writeAad(
  header: Uint8Array,
  sessionId: string,
  a: number,
  createdAt: string,
  b: number,
  lastAccess: string,
  c: number,
): Uint8Array {
  const length = header.length + 12 + a + b + c;
  const aad = length <= AAD_SCRATCH.length ? AAD_SCRATCH.subarray(0, length) : new Uint8Array(length);
  aad.set(header, 0);
  let o = header.length;
  putU32(aad, o, a);
  o = encodeUtf8Into(sessionId, aad, o + 4);
  putU32(aad, o, b);
  o = encodeUtf8Into(createdAt, aad, o + 4);
  putU32(aad, o, c);
  encodeUtf8Into(lastAccess, aad, o + 4);
  return aad;
}
