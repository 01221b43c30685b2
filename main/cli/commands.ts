// The `varsync` commands (DESIGN.md "The varsync command"). Each returns its exit code.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, type AgentStatus } from '../core/agent.js';
import type { PassOutcome } from '../core/sync/engine.js';
import { describeConfig, type ResolvedConfig } from '../core/config/resolve.js';
import { createStreamLogger, type Logger, type LogLevel } from '../core/log.js';
import { NAME_MAX_CHARS, STRING_VALUE_MAX_BYTES } from '../../shared/variables.js';
import { parseAssignment, UsageError } from './arguments.js';
import { formatStatus, formatVariables } from './format.js';
import { startDemo } from './demo.js';
import { startStatusServer, type StatusServer } from '../web/status-server.js';

/** The built renderer, served by `varsync run --ui`. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export const EXIT = { ok: 0, failure: 1, badInput: 2, held: 3, pending: 4 } as const;

export interface CommandContext {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Resolve the configuration (layers from flags, environment and file). */
  config(): ResolvedConfig;
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>;
  /** Overrides for tests. */
  readMachineId?: () => string | undefined;
}

export interface Command {
  summary: string;
  usage: string;
  details?: string;
  options: Record<string, 'string' | 'boolean'>;
  run(context: CommandContext): Promise<number>;
}

/** Exit code of a sync pass: 0 drained, 3 held by a problem a person must fix, 4 still pending. */
export function exitCodeFor(outcome: PassOutcome): number {
  if (outcome === 'drained') return EXIT.ok;
  if (outcome === 'held') return EXIT.held;
  return EXIT.pending;
}

function oneShotLogger(context: CommandContext, config: ResolvedConfig): Logger {
  // Short commands stay quiet unless a log level was asked for explicitly.
  const level: LogLevel = config.sources.logLevel === 'default' ? 'warn' : config.values.logLevel;
  return createStreamLogger(level, (line) => context.err(line.trimEnd()));
}

async function withAgent<T>(context: CommandContext, use: (agent: Agent) => Promise<T> | T): Promise<T> {
  const config = context.config();
  const agent = Agent.open({ config, log: oneShotLogger(context, config), readMachineId: context.readMachineId });
  try {
    return await use(agent);
  } finally {
    await agent.close();
  }
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const COMMANDS: Record<string, Command> = {
  set: {
    summary: 'queue variables to send',
    usage: 'varsync set NAME=VALUE [NAME:=JSON ...]',
    details:
      `NAME=VALUE queues VALUE as text; NAME:=JSON queues a JSON number, boolean or string (seats:=3, beta:=true).\n` +
      `Names: 1 to ${NAME_MAX_CHARS} characters, no control characters, no leading or trailing spaces.\n` +
      `Text values: at most ${STRING_VALUE_MAX_BYTES} bytes of UTF-8. All or nothing: one bad argument queues none.\n` +
      'Exit codes: 0 queued, 2 bad input (nothing queued).',
    options: {},
    async run(context) {
      if (context.positionals.length === 0) throw new UsageError('nothing to set; for example: varsync set color=blue seats:=3');
      const variables: Record<string, unknown> = {};
      for (const argument of context.positionals) {
        const [name, value] = parseAssignment(argument);
        variables[name] = value;
      }
      const outcome = await withAgent(context, (agent) => agent.set(variables));
      const parts = [`queued ${outcome.queued.length}`];
      if (outcome.unchanged.length > 0) parts.push(`${outcome.unchanged.length} unchanged (${outcome.unchanged.join(', ')})`);
      context.out(parts.join(', '));
      return EXIT.ok;
    },
  },

  get: {
    summary: 'show every variable with its value and state',
    usage: 'varsync get [--json]',
    details: 'States: synced (on the server), pending (waiting to be sent), failed (refused by the server; see varsync retry/discard).',
    options: { json: 'boolean' },
    async run(context) {
      const variables = await withAgent(context, (agent) => agent.variables());
      context.out(context.options.json ? json(variables) : formatVariables(variables));
      return EXIT.ok;
    },
  },

  status: {
    summary: 'show the sync state, pending count, last success and last problem',
    usage: 'varsync status [--json]',
    options: { json: 'boolean' },
    async run(context) {
      const status = await withAgent(context, (agent) => agent.status());
      context.out(context.options.json ? json(status) : formatStatus(status));
      return EXIT.ok;
    },
  },

  sync: {
    summary: 'run one sync pass now',
    usage: 'varsync sync [--json]',
    details:
      'If a daemon is running, it is asked to sync and this waits for it.\n' +
      'Exit codes: 0 drained, 3 held by a license/credential/clock/device problem, 4 still pending (network or server).',
    options: { json: 'boolean' },
    async run(context) {
      const result = await withAgent(context, (agent) => agent.syncNow());
      context.out(context.options.json ? json({ outcome: result.outcome, status: result.status }) : syncSummary(result.outcome, result.status));
      return exitCodeFor(result.outcome);
    },
  },

  run: {
    summary: 'run the headless daemon until stopped',
    usage: 'varsync run [--ui] [--ui-port N] [--demo]',
    details:
      'Syncs as changes arrive, retries with backoff, and stops cleanly on SIGINT or SIGTERM.\n' +
      '--ui: also serve the status page on 127.0.0.1 (a random port unless --ui-port) and print its URL,\n' +
      '      which carries a secret token for this run; only this machine can reach it.\n' +
      '--demo: when nothing is configured, run against a built-in local emulator with demo credentials.',
    options: { demo: 'boolean', ui: 'boolean', 'ui-port': 'string' },
    async run(context) {
      let config = context.config();
      let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
      if (context.options.demo && !config.configured) {
        demo = await startDemo(config);
        config = demo.config;
        context.err(demo.banner);
      } else if (context.options.demo) {
        context.err('A configuration was found, so the demo is not used: running for real.');
      }
      const uiPort = parseUiPort(context.options['ui-port']);
      const log = createStreamLogger(config.values.logLevel, (line) => context.err(line.trimEnd()));
      const agent = Agent.open({ config, log, readMachineId: context.readMachineId, demo: demo !== undefined });
      let statusServer: StatusServer | undefined;
      try {
        agent.startEngine();
        demo?.startActivity(agent);
        if (context.options.ui || uiPort !== undefined) {
          if (!existsSync(join(RENDERER_DIR, 'index.html'))) log.warn('the status page is not built (npm run build:renderer); only its API is served');
          statusServer = await startStatusServer({ agent, rendererDir: RENDERER_DIR, port: uiPort, log });
          context.out(`Status page: ${statusServer.url}`);
        }
        log.info(`daemon running (pid ${process.pid}, data folder ${config.values.dataDir}); stop with Ctrl+C`);
        const signal = await context.stopSignal;
        log.info(`${signal} received; stopping`);
      } finally {
        demo?.stopActivity();
        await statusServer?.close();
        await agent.close();
        await demo?.close();
      }
      return EXIT.ok;
    },
  },

  hwid: {
    summary: 'print this device’s hardware ID and where it comes from',
    usage: 'varsync hwid [--json]',
    details: 'Sources: configured (set by the vendor), machine-id (a per-product hash of the OS machine ID), generated (kept in the data folder).',
    options: { json: 'boolean' },
    async run(context) {
      const status = await withAgent(context, (agent) => agent.status());
      if (!status.hardwareId) throw new UsageError('no product is configured, so there is no hardware ID yet; set VARSYNC_PRODUCT.');
      context.out(context.options.json ? json(status.hardwareId) : `${status.hardwareId.id}\t(${status.hardwareId.source})`);
      return EXIT.ok;
    },
  },

  config: {
    summary: 'print the resolved configuration with the source of each value (secrets redacted)',
    usage: 'varsync config [--json]',
    details: 'Precedence, highest first: enforced policy, vendor file (--config / VARSYNC_CONFIG), flags, environment, user settings, defaults.',
    options: { json: 'boolean' },
    async run(context) {
      const entries = describeConfig(context.config());
      if (context.options.json) {
        context.out(json(Object.fromEntries(entries.map(({ key, value, source }) => [key, { value, source }]))));
      } else {
        const width = Math.max(...entries.map(({ key }) => key.length)) + 2;
        context.out(entries.map(({ key, value, source }) => `${key.padEnd(width)}${String(value).padEnd(40)} ${source}`).join('\n'));
      }
      return EXIT.ok;
    },
  },

  activate: {
    summary: 'activate this device on the license now (pending variables go with it)',
    usage: 'varsync activate [--json]',
    options: { json: 'boolean' },
    async run(context) {
      const license = await withAgent(context, (agent) => agent.activate());
      context.out(context.options.json ? json(license) : `activated: device ${license.device_id ?? '?'}, ${license.times_activated ?? '?'} of ${license.max_activations ?? '?'} activations used`);
      return EXIT.ok;
    },
  },

  retry: {
    summary: 'queue variables the server refused again (all, or the names given)',
    usage: 'varsync retry [NAME ...]',
    options: {},
    async run(context) {
      const names = context.positionals.length > 0 ? context.positionals : undefined;
      const count = await withAgent(context, (agent) => agent.retryDeadLetters(names));
      context.out(`queued ${count} again`);
      return EXIT.ok;
    },
  },

  discard: {
    summary: 'drop variables the server refused, for good',
    usage: 'varsync discard NAME ... | --all',
    options: { all: 'boolean' },
    async run(context) {
      if (context.positionals.length === 0 && !context.options.all) throw new UsageError('name the variables to discard, or pass --all.');
      const names = context.options.all ? undefined : context.positionals;
      const count = await withAgent(context, (agent) => agent.discardDeadLetters(names));
      context.out(`discarded ${count}`);
      return EXIT.ok;
    },
  },
};

function parseUiPort(text: string | boolean | undefined): number | undefined {
  if (text === undefined || typeof text === 'boolean') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--ui-port must be a port number (0-65535), got "${text}".`);
  return port;
}

function syncSummary(outcome: PassOutcome, status: AgentStatus): string {
  if (outcome === 'drained') return `synced: nothing pending${status.failed > 0 ? ` (${status.failed} refused by the server: see varsync get)` : ''}`;
  const reason = status.explanation ? ` ${status.explanation.reason} ${status.explanation.action}` : '';
  if (outcome === 'held') return `on hold: ${status.pending} pending.${reason}`;
  if (outcome === 'paused') return `paused: ${status.pending} pending. Resume from the tray or the status page.`;
  return `not finished: ${status.pending} pending.${reason}`;
}
