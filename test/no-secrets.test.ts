/**
 * No key bytes, API keys, plaintext or raw input in any error the library raises: every failure
 * path is driven, and each error's message, JSON form, inspect form and stack are scanned.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serializeBundle } from '../src/bundle/format.js';
import { sealSessions } from '../src/bundle/seal.js';
import { unsealSessions } from '../src/bundle/unseal.js';
import { decodeBase64url, encodeBase64url } from '../src/encoding/base64url.js';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { generateKey, importKey, keyMaterial } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { realisticSession } from './helpers/fixtures.js';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const key = generateKey();
const keyring = createKeyring({ primary: key });
const state = realisticSession(3, { now: NOW });
const API_KEY = state.context.n8nApiKey;
const sealed = sealSession(state, keyring);

function secrets(): string[] {
  const k = keyMaterial(key);
  return [
    API_KEY,
    state.context.n8nApiUrl,
    Buffer.from(k).toString('hex'),
    Buffer.from(k).toString('base64'),
    Buffer.from(k).toString('base64url'),
    sealed.sealedContext.slice(100, 140),
    'SECRET-PLACEHOLDER-VALUE',
  ];
}

function collect(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return [String(err), JSON.stringify(err), inspect(err, { depth: 5 }), (err as Error).stack ?? ''].join(
      '\n',
    );
  }
  throw new Error('expected a throw');
}

describe('errors never carry secrets or raw input', () => {
  const envelope = decodeBase64url(sealed.sealedContext) ?? new Uint8Array();
  const flip = (i: number) => {
    const b = envelope.slice();
    b[i]! ^= 1;
    return { ...sealed, sealedContext: encodeBase64url(b) };
  };
  const cases: [string, () => unknown][] = [
    [
      'invalid placeholder key',
      () =>
        sealSession(
          { ...state, context: { ...state.context, n8nApiKey: 'SECRET-PLACEHOLDER-VALUE' } },
          keyring,
        ),
    ],
    [
      'invalid url',
      () =>
        sealSession({ ...state, context: { ...state.context, n8nApiUrl: `ftp://${API_KEY}@x` } }, keyring),
    ],
    [
      'non-string key',
      () =>
        sealSession({ ...state, context: { ...state.context, n8nApiKey: 42 as unknown as string } }, keyring),
    ],
    ['tag flip', () => unsealSession(flip(envelope.length - 1), keyring)],
    ['kid flip', () => unsealSession(flip(2), keyring)],
    ['version flip', () => unsealSession(flip(0), keyring)],
    [
      'wrong key bytes',
      () => unsealSession(sealed, createKeyring({ primary: importKey(key.kid, new Uint8Array(32)) })),
    ],
    [
      'malformed with secret in sessionId',
      () => unsealSession({ ...sealed, sessionId: API_KEY, extra: API_KEY }, keyring),
    ],
    [
      'malformed base64 with secret',
      () => unsealSession({ ...sealed, sealedContext: `${API_KEY}!` }, keyring),
    ],
    ['bundle not JSON containing secret', () => unsealSessions(`{"x":"${API_KEY}"`, keyring)],
    ['bundle other format containing secret', () => unsealSessions({ format: API_KEY }, keyring)],
    [
      'integrity require',
      () =>
        unsealSessions({ ...sealSessions([state], keyring).bundle, entries: [] }, keyring, {
          integrity: 'require',
        }),
    ],
  ];

  it.each(cases)('%s', (_name, fn) => {
    const text = collect(fn);
    for (const s of secrets()) expect(text).not.toContain(s);
  });

  it('skipped-entry reports of a bundle carry no secret', () => {
    const { bundle } = sealSessions([state, { ...state, sessionId: 'other' }], keyring);
    const text = serializeBundle(bundle).replace(
      /"sealedContext":"[A-Za-z0-9_-]{120}/,
      '"sealedContext":"AAAA',
    );
    const r = unsealSessions(text, keyring, { now: NOW + 10 * 3_600_000 });
    const report = JSON.stringify(r.skipped) + inspect(r.skipped, { depth: 5 });
    expect(r.skipped.length).toBe(2);
    for (const s of secrets()) expect(report).not.toContain(s);
  });

  it('keys and keyrings print as kids only', () => {
    const text = [
      String(key),
      JSON.stringify(key),
      inspect(key),
      String(keyring),
      JSON.stringify(keyring),
      inspect(keyring, { depth: 5 }),
      inspect({ key, keyring }, { depth: 5, showHidden: true }),
    ].join('\n');
    expect(text).toContain(key.kid);
    for (const s of secrets()) expect(text).not.toContain(s);
  });
});

describe('validation messages show field names, not input-chosen member names', () => {
  it('an unknown member named like a secret is not in the message, but is in the structured issue', () => {
    const bad = { ...state, context: { ...state.context, metadata: { [API_KEY]: 1n as unknown as number } } };
    const text = collect(() => sealSession(bad, keyring));
    const msg = (() => {
      try {
        sealSession(bad, keyring);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(msg).toBe('session record is invalid at context.metadata.[key]: not_json');
    expect(text).toContain('not_json');
  });
});
