// The `varsync` command: parse, resolve configuration, run the command, turn every failure into
// one line on stderr with what to do, and exit with the documented code. No stack traces.
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/config/resolve.js';
import { loadConfig, systemConfigLocations, type ConfigInputs, type ConfigLocations } from '../core/config/load.js';
import type { ConfigLayer } from '../core/config/resolve.js';
import { LicenseApiError } from '../core/api/errors.js';
import { NotConfiguredError } from '../core/agent.js';
import { StoreError } from '../core/store/database.js';
import { oneLine } from '../../shared/one-line.js';
import { VariableInputError } from '../../shared/variables.js';
import { parseCommandLine, UsageError } from './arguments.js';
import { COMMANDS, EXIT, type CommandContext } from './commands.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  stopSignal: Promise<string>;
  readMachineId?: () => string | undefined;
  /** Where vendor and policy files are looked for; default: this machine's places (cliConfigLocations). */
  locations?: ConfigLocations;
  /** The desktop app's CLI mode: its user settings, its safeStorage secret store and its Electron build of SQLite. */
  userSettings?: ConfigLayer;
  secretStore?: ConfigInputs['secretStore'];
  sqliteNativeBinding?: string;
}

/** The package's own folder (where a vendor may put varsync.vendor.json beside the command). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The command's places: its package folder, the machine-wide folder, and on Windows the policy registry key. */
export function cliConfigLocations(): ConfigLocations {
  return systemConfigLocations([PACKAGE_ROOT]);
}

const ALL_COMMAND_OPTIONS = Object.assign({}, ...Object.values(COMMANDS).map((command) => command.options)) as Record<
  string,
  'string' | 'boolean'
>;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    // The command is the first positional once options have taken their values
    // (`--log-level debug status` runs status), so parse with every command's options first.
    const commandName = parseCommandLine(argv, ALL_COMMAND_OPTIONS).command;
    // Own properties only: "toString" or "constructor" is an unknown command, not Object's method.
    const command =
      commandName !== undefined && Object.hasOwn(COMMANDS, commandName) ? COMMANDS[commandName] : undefined;
    if (commandName !== undefined && !command) {
      throw new UsageError(`unknown command "${commandName}"; the commands are: ${Object.keys(COMMANDS).join(', ')}.`);
    }
    const parsed = parseCommandLine(argv, command?.options ?? ALL_COMMAND_OPTIONS);
    if (!command) {
      io.out(generalHelp());
      if (parsed.options.help) return EXIT.ok;
      // Exit 2 is an error like any other: it gets its one line on stderr.
      io.err('varsync: no command given; run varsync COMMAND (the commands are listed above).');
      return EXIT.badInput;
    }
    if (parsed.options.help) {
      io.out(commandHelp(parsed.command!));
      return EXIT.ok;
    }
    const context: CommandContext = {
      options: parsed.options,
      positionals: parsed.positionals,
      config: () => {
        const config = loadConfig({
          env: io.env,
          flags: parsed.configFlags,
          explicitFile: parsed.configFile ?? (io.env.VARSYNC_CONFIG || undefined),
          locations: io.locations ?? cliConfigLocations(),
          userSettings: io.userSettings,
          secretStore: io.secretStore,
        });
        for (const notice of config.notices) io.err(`varsync: note: ${notice}`);
        return config;
      },
      out: io.out,
      err: io.err,
      env: io.env,
      stopSignal: io.stopSignal,
      readMachineId: io.readMachineId,
      sqliteNativeBinding: io.sqliteNativeBinding,
    };
    return await command.run(context);
  } catch (error) {
    const [code, message] = describeFailure(error);
    io.err(`varsync: ${oneLine(message)}`); // one line whatever input the message quotes
    return code;
  }
}

/**
 * Run a command as this process's own: output to stdout and stderr, stopped by SIGINT or SIGTERM.
 * Resolves with the exit code (bin/varsync.mjs, and the desktop app's CLI mode with its `io` extras).
 */
export function runProcess(
  argv: string[],
  extras: Omit<Partial<CliIo>, 'out' | 'err' | 'stopSignal'> = {},
): Promise<number> {
  const stopSignal = new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
  return runCli(argv, {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    stopSignal,
    ...extras,
  });
}

function describeFailure(error: unknown): [number, string] {
  if (error instanceof UsageError || error instanceof VariableInputError) return [EXIT.badInput, error.message];
  if (error instanceof ConfigError || error instanceof NotConfiguredError) return [EXIT.badInput, error.message];
  if (error instanceof StoreError) return [EXIT.failure, error.message];
  if (error instanceof LicenseApiError) {
    return [
      error.kind === 'network' || error.kind === 'server' || error.kind === 'rate_limit' ? EXIT.pending : EXIT.held,
      `${error.message} (${error.code})`,
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [
    EXIT.failure,
    `unexpected error: ${message.split('\n')[0]}. Run again with VARSYNC_LOG_LEVEL=debug and report it.`,
  ];
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'Usage: varsync COMMAND [options]',
    '',
    'Keeps this device’s variables in step with the License API, also while offline.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`),
    '',
    'Every command takes configuration flags (--product, --license-key, --api-url, --data-dir, ...)',
    'and --config FILE; secrets come from the environment or the file. Run varsync COMMAND --help.',
  ].join('\n');
}

function commandHelp(name: string): string {
  const command = COMMANDS[name]!;
  const options = Object.entries(command.options).map(
    ([option, type]) => `--${option}${type === 'string' ? ' VALUE' : ''}`,
  );
  return [
    `Usage: ${command.usage}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.details ? ['', command.details] : []),
    ...(options.length > 0 ? ['', `Options: ${options.join(', ')}`] : []),
    '',
    'Configuration flags: --config FILE, --product, --license-key, --username, --api-url, --api-key, --client-id,',
    '--hardware-id, --data-dir, --log-level, and more (see varsync config). Secrets: environment or file only.',
  ].join('\n');
}
