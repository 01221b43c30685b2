// Configurations, folders and ports for the benchmarks. Everything stays on 127.0.0.1.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO } from '../../emulator/index.js';
import { objectLayer, resolveConfig, type ResolvedConfig } from '../../main/core/config/resolve.js';

/** The command users run, started as a child (`node VARSYNC_BIN ...`) by the benchmarks and the soak. */
export const VARSYNC_BIN = fileURLToPath(new URL('../../bin/varsync.mjs', import.meta.url));

/** The demo license of the emulator's default seed. */
export const LICENSE = {
  product: DEMO.product,
  licenseKey: DEMO.licenseKey,
  apiKey: DEMO.apiKey,
  sharedKey: DEMO.sharedKey,
} as const;

/** Nothing listens on the discard port: for agents that must never reach a server. */
export const UNREACHABLE_URL = 'http://127.0.0.1:9';

let root: string | undefined;

/** One folder per run (BENCH_DIR or the OS temp folder), removed at the end: all databases on the same disk. */
export function benchRoot(): string {
  if (!root) {
    const parent = process.env.BENCH_DIR ?? tmpdir();
    mkdirSync(parent, { recursive: true });
    root = mkdtempSync(join(parent, 'varsync-bench-'));
  }
  return root;
}

export function benchDir(name: string): string {
  return mkdtempSync(join(benchRoot(), `${name}-`));
}

export function removeBenchRoot(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

/** A resolved configuration as the agent gets it, from one object layer (like the tests' helper). */
export function benchConfig(dataDir: string, extra: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig([
    objectLayer(
      'flag',
      { apiUrl: UNREACHABLE_URL, ...LICENSE, hardwareId: 'bench-device', dataDir, ...extra },
      'bench',
    ),
  ]);
}

/** The environment of a spawned `varsync`: ours without any VARSYNC_* (the CLI refuses unknown ones) or the harness settings (BENCH_*, SOAK_*), plus the given ones. */
export function childEnv(varsync: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VARSYNC_') && !name.startsWith('BENCH_') && !name.startsWith('SOAK_')) env[name] = value;
  }
  return { ...env, ...varsync };
}

/** Settings of a daemon pointed at an emulator: the demo license, fast retries, quiet logs. */
export function daemonEnv(apiUrl: string, dataDir: string, hardwareId: string): NodeJS.ProcessEnv {
  return childEnv({
    VARSYNC_API_URL: apiUrl,
    VARSYNC_PRODUCT: LICENSE.product,
    VARSYNC_LICENSE_KEY: LICENSE.licenseKey,
    VARSYNC_API_KEY: LICENSE.apiKey,
    VARSYNC_SHARED_KEY: LICENSE.sharedKey,
    VARSYNC_HARDWARE_ID: hardwareId,
    VARSYNC_DATA_DIR: dataDir,
    VARSYNC_DEBOUNCE_MS: '20',
    VARSYNC_RETRY_BASE_MS: '100',
    VARSYNC_RETRY_MAX_MS: '1000',
    VARSYNC_LOG_LEVEL: 'warn',
  });
}

/** A loopback port that was free a moment ago, for a server that must come up later at a known address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll until a condition holds; fail with a message saying what was awaited. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
