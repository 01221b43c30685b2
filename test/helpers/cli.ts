// Running the varsync command in-process (the built one, out/cli), with its output captured.
import { join } from 'node:path';
import { DEMO, type Emulator } from '../../emulator/index.js';
import { runCli } from './built-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Each call of out/err as it was made: a line that holds a newline stays one entry. */
  outLines: string[];
  errLines: string[];
}

export async function varsync(
  argv: string[],
  env: NodeJS.ProcessEnv,
  stopSignal: Promise<string> = new Promise(() => {}),
): Promise<CliResult> {
  const outLines: string[] = [];
  const errLines: string[] = [];
  const code = await runCli(argv, {
    out: (text) => outLines.push(text),
    err: (text) => errLines.push(text),
    env,
    stopSignal,
    readMachineId: () => 'b3c1f0e2a4d6480f9e7c5a3b1d2f4e6a',
    locations: { appDirs: [] }, // never this machine's vendor or policy files
  });
  const joined = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
  return { code, stdout: joined(outLines), stderr: joined(errLines), outLines, errLines };
}

/** The environment of a device configured for the emulator's demo license, with fast timings. */
export function emulatorEnv(emulator: Emulator, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    VARSYNC_API_URL: emulator.url,
    VARSYNC_PRODUCT: DEMO.product,
    VARSYNC_LICENSE_KEY: DEMO.licenseKey,
    VARSYNC_API_KEY: DEMO.apiKey,
    VARSYNC_SHARED_KEY: DEMO.sharedKey,
    VARSYNC_DATA_DIR: dataDir,
    VARSYNC_RETRY_BASE_MS: '20',
    VARSYNC_RETRY_MAX_MS: '200',
    VARSYNC_RECHECK_SECONDS: '1',
    VARSYNC_DEBOUNCE_MS: '20',
    // The log folder (Linux) beside the data folder, never this machine's.
    XDG_STATE_HOME: join(dataDir, 'state'),
    ...extra,
  };
}
