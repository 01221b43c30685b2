// A daemon (`varsync run --ui`) whose activity has a failed attempt: the emulator answers the first
// request 503, then the retry sends the values. The Activity and language specs both start here.
import { DEMO, startEmulator, type Emulator } from '../emulator/index.js';
import { eventually, tempDir } from '../test/helpers/agent.js';
import { emulatorEnv, varsync } from '../test/helpers/cli.js';
import { startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';

export interface FailedAttemptDaemon {
  emulator: Emulator;
  env: NodeJS.ProcessEnv;
  daemon: DaemonProcess;
}

/** `assignments` (one must be color=blue) set once the emulator will fail the next request; resolves once the server holds color. */
export async function daemonAfterFailedAttempt(
  hardwareId: string,
  assignments: string[],
  options: { env?: Record<string, string>; prepare?: (emulator: Emulator) => void } = {},
): Promise<FailedAttemptDaemon> {
  const emulator = await startEmulator();
  const env = emulatorEnv(emulator, tempDir(), {
    VARSYNC_HARDWARE_ID: hardwareId,
    VARSYNC_RETRY_BASE_MS: '300',
    VARSYNC_RETRY_MAX_MS: '600',
    VARSYNC_LOG_LEVEL: 'debug',
    ...options.env,
  });
  const daemon = await startDaemon(env);
  options.prepare?.(emulator);
  emulator.faults.failNext(503, 1);
  await varsync(['set', ...assignments], env);
  await eventually(
    () => emulator.state.variablesOf(DEMO.product, hardwareId),
    (values) => values.color === 'blue',
    20_000,
  );
  return { emulator, env, daemon };
}
