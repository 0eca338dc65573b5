/**
 * The package as a user imports it (self-reference by name through the `exports` map, built
 * output). `npm ci` builds through the `prepare` script; without dist/ these tests skip with a notice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = existsSync(resolve(root, 'dist/src/index.js'));
if (!built) console.warn('dist/ not built: package export tests skipped (run `npm run build`)');

function run(code: string, conditions: string[] = []): string {
  return execFileSync(
    process.execPath,
    [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', code],
    {
      cwd: root,
      encoding: 'utf8',
    },
  ).trim();
}

describe.skipIf(!built)('package exports', () => {
  it('on Node, `session-seal` installs the Node AEAD backend (WebAssembly short, OpenSSL long)', () => {
    expect(run(`import { getAeadBackend } from 'session-seal'; console.log(getAeadBackend().name)`)).toBe(
      'node+wasm',
    );
  });

  it('the portable entry keeps noble (what browsers, Deno and edge runtimes get)', () => {
    expect(
      run(`import { getAeadBackend } from './dist/src/index.js'; console.log(getAeadBackend().name)`),
    ).toBe('noble');
  });

  it('`session-seal/node` exposes the Node edges; neither entry has a default export', () => {
    const out = run(
      `import * as core from 'session-seal'; import * as node from 'session-seal/node';
       console.log(JSON.stringify([typeof core.sealSession, typeof node.loadKeyring, typeof node.writeSealedFile, 'default' in core, 'default' in node]))`,
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function', false, false]);
  });

  it('a sealed record made by the noble backend opens with the node backend and vice versa', () => {
    const out = run(`
      import { createKeyring, generateKey, sealSession, unsealSession, setAeadBackend, nobleAead, getAeadBackend } from 'session-seal';
      const node = getAeadBackend();
      const ring = createKeyring({ primary: generateKey() });
      const s = { sessionId: 's1', metadata: { createdAt: '2026-01-01T00:00:00.000Z', lastAccess: '2026-01-01T00:00:00.000Z' },
        context: { n8nApiUrl: 'https://n8n.test/api/v1', n8nApiKey: 'n8n_api_0123456789abcdef' } };
      const a = sealSession(s, ring);
      setAeadBackend(nobleAead);
      const b = sealSession(s, ring);
      const ok1 = unsealSession(a, ring).sessionId === 's1';
      setAeadBackend(node);
      const ok2 = unsealSession(b, ring).sessionId === 's1';
      console.log(node.name, ok1, ok2);`);
    expect(out).toBe('node+wasm true true');
  });
});
