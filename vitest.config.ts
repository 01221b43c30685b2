import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The CLI tests run the built command (out/cli): build it once, before any test file.
    globalSetup: ['test/helpers/global-build.ts'],
    // electron-store imports electron at its top level: inline it so the shell's tests can mock electron.
    // The built command is loaded by Node itself, as bin/varsync.mjs loads it, not transformed by vite.
    server: { deps: { inline: ['electron-store'], external: [/\/out\/cli\//] } },
  },
});
