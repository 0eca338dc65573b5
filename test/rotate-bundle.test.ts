import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SealedBundle, serializeBundle } from '../src/bundle/format.js';
import { rotateBundle } from '../src/bundle/rotate.js';
import { sealSessions } from '../src/bundle/seal.js';
import { unsealSessions } from '../src/bundle/unseal.js';
import { sealSession } from '../src/envelope/seal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { readSealedFile, rotateSealedFile, writeSealedFile } from '../src/node/sealed-file.js';
import { keyUsage } from '../src/rotation.js';
import { expectCode, expectCodeAsync } from './helpers/expect-code.js';
import { realisticSessions } from './helpers/fixtures.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const states = realisticSessions(6, { now: NOW });
const oldKey = generateKey();
const newKey = generateKey();
const before = createKeyring({ primary: oldKey });
const after = before.add(newKey).promote(newKey.kid);

describe('rotateBundle', () => {
  it('re-seals every entry under the primary; clear fields unchanged; MAC re-computed', () => {
    const { bundle } = sealSessions(states, before);
    const r = rotateBundle(bundle, after);
    expect(r.summary).toMatchObject({ total: 6, rotated: 6, current: 0, kept: 0, dropped: 0 });
    expect(r.summary.byKidBefore).toEqual({ [oldKey.kid]: 6 });
    expect(keyUsage(r.bundle.entries).byKid).toEqual({ [newKey.kid]: 6 });
    expect(r.bundle.integrity.kid).toBe(newKey.kid);
    r.bundle.entries.forEach((e, i) => {
      expect(e.sessionId).toBe(bundle.entries[i]?.sessionId);
      expect(e.metadata).toEqual(bundle.entries[i]?.metadata);
    });
    const onlyNew = after.disable(oldKey.kid);
    const u = unsealSessions(r.bundle, onlyNew, { now: NOW });
    expect(u.sessions).toEqual(states);
    expect(u.integrity.ok).toBe(true);
  });

  it('is idempotent: a second rotation reports every entry current', () => {
    const once = rotateBundle(sealSessions(states, before).bundle, after);
    const twice = rotateBundle(once.bundle, after);
    expect(twice.summary).toMatchObject({ rotated: 0, current: 6 });
  });

  it('keeps entries it cannot open (unknown key) and reports them; drops only unparseable ones with force', () => {
    const stranger = createKeyring({ primary: generateKey() });
    const { bundle } = sealSessions(states.slice(0, 2), before);
    const foreign = sealSession(states[2]!, stranger);
    const mixed: SealedBundle = { ...bundle, entries: [...bundle.entries, foreign] };
    // The list changed after sealing: refused without force.
    expectCode(() => rotateBundle(mixed, after), 'ERR_BUNDLE_INTEGRITY');
    const withGarbage = { ...mixed, entries: [...mixed.entries, { sessionId: 'x' }] };
    const r = rotateBundle(withGarbage, after, { force: true });
    expect(r.integrity.ok).toBe(false);
    expect(r.entries.map((e) => [e.status, e.code])).toEqual([
      ['rotated', undefined],
      ['rotated', undefined],
      ['kept', 'ERR_KEY_NOT_FOUND'],
      ['dropped', 'ERR_ENVELOPE_MALFORMED'],
    ]);
    expect(r.bundle.entries[2]).toEqual(foreign);
    // The stranger's keyring can still read its entry after the rotation.
    const u = unsealSessions(r.bundle, stranger.add(newKey), { now: NOW });
    expect(u.sessions.map((s) => s.sessionId)).toContain(states[2]?.sessionId);
  });
});

describe('sealed files (session-seal/node)', () => {
  it('write → rotate in place → read; mode 0600; nothing secret on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-file-'));
    const path = join(dir, 'sessions.json');
    const w = await writeSealedFile(path, [...states, { bad: true }], before);
    expect(w.written).toBe(6);
    expect(w.rejected.map((r) => r.code)).toEqual(['ERR_SESSION_INVALID']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const s of states) expect(readFileSync(path, 'utf8')).not.toContain(s.context.n8nApiKey);

    const r = await rotateSealedFile(path, after);
    expect(r.summary.rotated).toBe(6);
    const read = await readSealedFile(path, after.remove(oldKey.kid), { now: NOW });
    expect(read.sessions).toEqual(states);
  });

  it('missing file → ERR_FILE_NOT_FOUND; corrupt file → ERR_BUNDLE_MALFORMED; size limit → ERR_FILE_TOO_LARGE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-file-'));
    await expectCodeAsync(() => readSealedFile(join(dir, 'nope.json'), before), 'ERR_FILE_NOT_FOUND');
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format":"session-seal/bundle/v1","entries":[', { mode: 0o600 });
    await expectCodeAsync(() => readSealedFile(corrupt, before), 'ERR_BUNDLE_MALFORMED');
    const big = join(dir, 'big.json');
    writeFileSync(big, serializeBundle(sealSessions(states, before).bundle), { mode: 0o600 });
    await expectCodeAsync(() => readSealedFile(big, before, { maxFileBytes: 1000 }), 'ERR_FILE_TOO_LARGE');
  });
});

describe('rotateBundle progress', () => {
  it('reports progress per batch, ending at the total; indices stay global across batches', () => {
    const many = realisticSessions(2500, { now: NOW });
    const { bundle } = sealSessions(many, before);
    const calls: [number, number][] = [];
    const r = rotateBundle(bundle, after, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
    expect(r.entries.map((e) => e.index)).toEqual(many.map((_, i) => i));
    expect(r.summary.rotated).toBe(2500);
    expect(unsealSessions(r.bundle, after, { now: NOW, maxSessions: 5000 }).sessions).toEqual(many);
  });
});
