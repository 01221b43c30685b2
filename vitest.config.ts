import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // electron-store imports electron at its top level: inline it so the shell's tests can mock electron.
    server: { deps: { inline: ['electron-store'] } },
  },
});
