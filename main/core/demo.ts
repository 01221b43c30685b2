// The built-in demo: when nothing is configured, the tray app (and `varsync run --demo`, which
// `npm start` uses) runs the agent against the emulator in this process, with the demo license and
// its own data folder, so a newcomer sees variables sync without an account. It says loudly that
// it is a demo and is never used with a real configuration. The only module of the core that
// imports the emulator, and only loaded when the demo runs (main/core/runtime.ts).
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { demoAgentSettings, startEmulator } from '../../emulator/index.js';
import type { Agent } from './agent.js';
import { objectLayer, resolveConfig, type ResolvedConfig } from './config/resolve.js';

const ACTIVITY_INTERVAL_MS = 15_000;

export type Demo = Awaited<ReturnType<typeof startDemo>>;

export async function startDemo(base: ResolvedConfig) {
  const emulator = await startEmulator();
  const dataDir = join(base.values.dataDir, 'demo');
  const config = resolveConfig([
    objectLayer('flag', { ...demoAgentSettings(emulator), dataDir, logLevel: base.values.logLevel }, 'built-in demo'),
  ]);
  const banner = [
    '*** DEMO MODE: no configuration found, so Varsync runs against a local License API emulator',
    `*** (${emulator.url}) with a demo license. Nothing leaves this machine.`,
    `*** Try in another terminal:  VARSYNC_DATA_DIR=${dataDir} npx varsync set color=blue`,
    `***                           VARSYNC_DATA_DIR=${dataDir} npx varsync get`,
    '*** For real use, configure VARSYNC_PRODUCT, VARSYNC_LICENSE_KEY, VARSYNC_API_KEY and VARSYNC_SHARED_KEY.',
  ].join('\n');

  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  return {
    config,
    banner,
    /** A little activity to watch: a few facts at start, an uptime counter every 15 s. */
    startActivity(agent: Agent): void {
      agent.set({
        'demo.platform': `${platform()}-${arch()}`,
        'demo.node': process.versions.node,
        'demo.started_at': new Date(started).toISOString(),
      });
      timer = setInterval(
        () => agent.set({ 'demo.uptime_seconds': Math.round((Date.now() - started) / 1000) }),
        ACTIVITY_INTERVAL_MS,
      );
    },
    stopActivity(): void {
      clearInterval(timer);
    },
    close: () => emulator.close(),
  };
}
