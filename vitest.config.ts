import { defineConfig } from 'vitest/config';

// Tests are TypeScript and are type-checked separately by `npm run typecheck` (tsconfig.json
// includes test/). vitest itself only strips types.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
