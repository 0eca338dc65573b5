/**
 * Associated data (SPEC §5.2):
 *   AAD = HEADER ‖ lp(UTF8(sessionId)) ‖ lp(UTF8(createdAt)) ‖ lp(UTF8(lastAccess))
 * with lp(x) = u32be(len(x)) ‖ x. Length prefixes, not JSON, so distinct triples never collide.
 */
export function buildAad(
  header: Uint8Array,
  sessionId: Uint8Array,
  createdAt: Uint8Array,
  lastAccess: Uint8Array,
): Uint8Array {
  const aad = new Uint8Array(header.length + 12 + sessionId.length + createdAt.length + lastAccess.length);
  const view = new DataView(aad.buffer);
  aad.set(header, 0);
  let o = header.length;
  for (const part of [sessionId, createdAt, lastAccess]) {
    view.setUint32(o, part.length, false);
    aad.set(part, o + 4);
    o += 4 + part.length;
  }
  return aad;
}
