/** Domain-separation labels of format v1 (SPEC §4.2). ASCII, fixed, pairwise distinct. */

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** HKDF-Extract salt: `session-seal/v1 extract`. */
export const SALT_V1 = ascii('session-seal/v1 extract');
/** HKDF-Expand info prefix of the per-envelope keys: `session-seal/v1 envelope`. */
export const INFO_ENVELOPE_V1 = ascii('session-seal/v1 envelope');
/** HKDF-Expand info prefix of the bundle MAC key: `session-seal/v1 bundle-mac`. */
export const INFO_BUNDLE_MAC_V1 = ascii('session-seal/v1 bundle-mac');
