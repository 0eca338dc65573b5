/**
 * The core (schema, envelope, keys, bundle, rotation) must not reach any `node:` module, so it runs
 * in Bun, Deno, browsers and edge runtimes. Walks the static import graph from src/index.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function graph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? '';
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else external.add(spec);
    }
  }
  return { files, external };
}

describe('portable core', () => {
  const { files, external } = graph(resolve(root, 'src/index.ts'));

  it('imports no node: module and no Node-only file', () => {
    expect(files.size).toBeGreaterThan(15);
    expect(
      [...external].filter(
        (s) => s.startsWith('node:') || (!s.includes('/') && !s.startsWith('@') && s !== 'zod'),
      ),
    ).toEqual([]);
    const nodeOnly = [...files].filter((f) =>
      /src\/(node|store|cli)\b|src\/node\.ts$|index\.node\.ts$/.test(f),
    );
    expect(nodeOnly).toEqual([]);
  });

  it('depends only on noble and zod', () => {
    expect(
      [...external]
        .map((s) =>
          s
            .split('/')
            .slice(0, s.startsWith('@') ? 2 : 1)
            .join('/'),
        )
        .sort(),
    ).toEqual(expect.arrayContaining(['@noble/ciphers', '@noble/hashes', 'zod']));
    for (const s of external) expect(s).toMatch(/^(@noble\/(ciphers|hashes)\/|zod$)/);
  });

  it('only src/crypto/noble.ts imports @noble', () => {
    const importers = [...files].filter((f) => /from\s+['"]@noble\//.test(readFileSync(f, 'utf8')));
    expect(importers.map((f) => f.slice(root.length + 1))).toEqual(['src/crypto/noble.ts']);
  });
});
