/**
 * Rotating a whole bundle under the primary key (SPEC §11.4).
 *
 * The entry list is verified first: re-computing the MAC over a list an attacker shortened would
 * launder the attack, so a failed integrity check refuses the rotation unless `force` is set.
 * Each entry is then rotated by `rotateSessions`; an entry that cannot be opened (unknown or
 * disabled key, failed decryption, invalid record) is KEPT unchanged and reported, so rotation never
 * loses data another keyring could still read. Only entries that do not parse at all — which no key
 * can ever open — are dropped, and reported.
 */

import type { SealedSessionState } from '../envelope/format.js';
import { assertKeyring } from '../envelope/seal.js';
import { BundleIntegrityError, type SessionSealErrorCode } from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { type RotationResult, rotateSessions } from '../rotation.js';
import type { ValidateOptions } from '../schema.js';
import { type BundleLimits, parseBundle, type SealedBundle } from './format.js';
import { finishBundle } from './seal.js';
import { checkIntegrity, type IntegrityResult, parseEntry } from './unseal.js';

export interface RotateBundleOptions extends BundleLimits, ValidateOptions {
  /** Rotate even when the bundle's entry list fails its integrity check. Default false. */
  readonly force?: boolean;
  /** Called after each batch of entries with (entries done, total): drives a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Entries rotated between two progress reports. */
const PROGRESS_BATCH = 1000;

export interface RotateBundleEntry {
  readonly index: number;
  readonly status: 'rotated' | 'current' | 'kept' | 'dropped';
  /** The kid the entry was sealed under before rotation, when it parsed. */
  readonly kid?: string;
  readonly sessionId?: string;
  /** Why an entry was kept unrotated or dropped. */
  readonly code?: SessionSealErrorCode;
}

export interface RotateBundleResult {
  readonly bundle: SealedBundle;
  readonly entries: readonly RotateBundleEntry[];
  /** Integrity of the input bundle (a failure is only possible here with `force`). */
  readonly integrity: IntegrityResult;
  readonly summary: {
    readonly total: number;
    readonly rotated: number;
    readonly current: number;
    readonly kept: number;
    readonly dropped: number;
    /** Entries per kid before rotation. */
    readonly byKidBefore: Readonly<Record<string, number>>;
  };
}

/** Re-seal every entry of `bundle` under the keyring's primary key and re-compute the MAC. */
export function rotateBundle(
  bundle: unknown,
  keyring: Keyring,
  options: RotateBundleOptions = {},
): RotateBundleResult {
  assertKeyring(keyring);
  const doc = parseBundle(bundle, options);
  const first = doc.entries.map((e, i) => parseEntry(e, i, undefined));
  const integrity = checkIntegrity(first, doc.macKid, doc.mac, keyring);
  if (!integrity.ok && options.force !== true) throw new BundleIntegrityError(integrity.message);

  const validate = options.urlPolicy === undefined ? undefined : { urlPolicy: options.urlPolicy };
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new TypeError('onProgress must be a function');
  const total = doc.entries.length;
  const results: RotationResult[] = [];
  for (let start = 0; start < total; start += PROGRESS_BATCH) {
    const batch = rotateSessions(doc.entries.slice(start, start + PROGRESS_BATCH), keyring, validate);
    for (const r of batch.results) results.push({ ...r, index: r.index + start });
    onProgress?.(Math.min(start + PROGRESS_BATCH, total), total);
  }
  const report = { results };
  const kept: SealedSessionState[] = [];
  const entries: RotateBundleEntry[] = [];
  const byKidBefore: Record<string, number> = {};
  for (const r of report.results) {
    const item = first[r.index];
    const parsed = item?.ok ? item.parsed : undefined;
    const who = parsed ? { kid: parsed.kidText, sessionId: parsed.sessionId } : {};
    if (parsed) byKidBefore[parsed.kidText] = (byKidBefore[parsed.kidText] ?? 0) + 1;
    if (r.status !== 'failed') {
      kept.push(r.sealed);
      entries.push({ index: r.index, status: r.status, ...who });
    } else if (parsed) {
      kept.push(doc.entries[r.index] as SealedSessionState);
      entries.push({ index: r.index, status: 'kept', code: r.code, ...who });
    } else {
      entries.push({ index: r.index, status: 'dropped', code: r.code });
    }
  }
  const count = (s: RotateBundleEntry['status']) => entries.filter((e) => e.status === s).length;
  return {
    bundle: finishBundle(kept, keyring),
    entries,
    integrity,
    summary: {
      total: entries.length,
      rotated: count('rotated'),
      current: count('current'),
      kept: count('kept'),
      dropped: count('dropped'),
      byKidBefore,
    },
  };
}
