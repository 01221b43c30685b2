// The `varsync` commands (DESIGN.md "The varsync command"). Each returns its exit code.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, type AgentStatus } from '../core/agent.js';
import type { PassOutcome } from '../core/sync/engine.js';
import { describeConfig, describeVendorSettings, type ResolvedConfig } from '../core/config/resolve.js';
import { configuredTransport } from '../core/api/transport.js';
import { readOsMachineId } from '../core/identity/hardware-id.js';
import type { Logger, LogLevel } from '../core/log.js';
import { openLog, type OpenLogOptions } from '../core/log/agent-log.js';
import { defaultLogDir } from '../core/log/files.js';
import { logFolderProblem, type LogQuery } from '../core/log/read.js';
import { sensitiveValues } from '../core/log/redaction.js';
import { NAME_MAX_CHARS, parseAssignment, STRING_VALUE_MAX_BYTES } from '../../shared/variables.js';
import { UsageError } from './arguments.js';
import { formatStatus, formatVariables } from './format.js';
import { printLog, parseLogQuery } from './logs.js';
import { failureCode } from '../core/failure-code.js';
import type { StatusServer } from '../web/status-server.js';

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
  /** The process environment (the log folder's place depends on it). */
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<string>;
  /** Overrides for tests. */
  readMachineId?: () => string | undefined;
  /** A better-sqlite3 binary built for Electron (the desktop app's CLI mode from a checkout). */
  sqliteNativeBinding?: string;
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

/** What never goes into a log line: the configuration's secrets and the raw machine ID (read only if a line is written). */
function logSecrets(context: CommandContext, config: ResolvedConfig): OpenLogOptions['secrets'] {
  return () => sensitiveValues(config, (context.readMachineId ?? readOsMachineId)());
}

function oneShotLogger(context: CommandContext, config: ResolvedConfig): Logger {
  // Short commands stay quiet unless a log level was asked for explicitly, and write no log file.
  const level: LogLevel = config.sources.logLevel === 'default' ? 'warn' : config.values.logLevel;
  return openLog({ level, echo: context.err, secrets: logSecrets(context, config) }).logger;
}

async function withAgent<T>(context: CommandContext, use: (agent: Agent) => Promise<T> | T): Promise<T> {
  const config = context.config();
  const agent = Agent.open({
    config,
    log: oneShotLogger(context, config),
    readMachineId: context.readMachineId,
    env: context.env,
    sqliteNativeBinding: context.sqliteNativeBinding,
  });
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
      if (context.positionals.length === 0)
        throw new UsageError('nothing to set; for example: varsync set color=blue seats:=3');
      // fromEntries defines every name as its own key: "__proto__=x" is a variable, not a prototype.
      const variables = Object.fromEntries(context.positionals.map((argument) => parseAssignment(argument)));
      const outcome = await withAgent(context, (agent) => agent.set(variables));
      const parts = [`queued ${outcome.queued.length}`];
      if (outcome.unchanged.length > 0)
        parts.push(`${outcome.unchanged.length} unchanged (${outcome.unchanged.join(', ')})`);
      context.out(parts.join(', '));
      return EXIT.ok;
    },
  },

  get: {
    summary: 'show every variable with its value and state',
    usage: 'varsync get [--json]',
    details:
      'States: synced (on the server), pending (waiting to be sent), failed (refused by the server; see varsync retry/discard).',
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
    usage: 'varsync sync [--json] [--force]',
    details:
      'If a daemon is running, it is asked to sync and this waits for it.\n' +
      'While the License API has asked this device to wait (rate limiting), nothing is sent and this says until when;\n' +
      '--force sends anyway.\n' +
      'Exit codes: 0 drained, 3 held by a license/credential/clock/device/proxy/TLS problem, 4 still pending (network, server or rate limit).',
    options: { json: 'boolean', force: 'boolean' },
    async run(context) {
      const respectRateLimit = context.options.force !== true;
      const result = await withAgent(context, (agent) => agent.syncNow(undefined, { respectRateLimit }));
      context.out(
        context.options.json
          ? json({ outcome: result.outcome, rateLimitedUntil: result.rateLimitedUntil ?? null, status: result.status })
          : result.rateLimitedUntil
            ? `Rate limited: the License API asked this device to wait; it may try again at ${result.rateLimitedUntil}. ` +
              `Nothing was sent; ${result.status.pending} pending. (varsync sync --force sends now.)`
            : syncSummary(result.outcome, result.status),
      );
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
      '--demo: when nothing is configured, run against a built-in local emulator with demo credentials.\n' +
      'Logs go to stderr and to varsync.log in the log folder (see varsync diagnostics --help), at the configured logLevel.',
    options: { demo: 'boolean', ui: 'boolean', 'ui-port': 'string' },
    async run(context) {
      // Bad input first, before anything is started that would then have to be stopped.
      const uiPort = parseUiPort(context.options['ui-port']);
      const config = context.config();
      if (context.options.demo && config.configured)
        context.err('A configuration was found, so the demo is not used: running for real.');
      const logDir = defaultLogDir(context.env);
      // Loaded only by `run`: the runtime carries the engine, the collectors and the demo.
      const { startAgentRuntime } = await import('../core/runtime.js');
      const runtime = await startAgentRuntime({
        config,
        demoWhenUnconfigured: context.options.demo === true,
        // The log folder, and stderr: a daemon under a service manager has its output kept too.
        logger: (resolved) =>
          openLog({
            dir: logDir,
            level: resolved.values.logLevel,
            echo: context.err,
            secrets: logSecrets(context, resolved),
          }).logger,
        announce: (_log, demoBanner) => {
          if (demoBanner) context.err(demoBanner);
        },
        readMachineId: context.readMachineId,
        env: context.env,
        logDir,
        sqliteNativeBinding: context.sqliteNativeBinding,
      });
      const { agent, log } = runtime;
      let statusServer: StatusServer | undefined;
      try {
        if (context.options.ui || uiPort !== undefined) {
          if (!existsSync(join(RENDERER_DIR, 'index.html')))
            log.warn('the status page is not built (npm run build:renderer); only its API is served');
          const { startStatusServer } = await import('../web/status-server.js');
          const { statusPageLine } = await import('../web/status-url.js');
          statusServer = await startStatusServer({ agent, rendererDir: RENDERER_DIR, port: uiPort, log }).catch(
            (error: unknown) => {
              const code = failureCode(error);
              if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
              throw new UsageError(
                `--ui-port ${uiPort}: cannot listen there (${code}); choose another port, or leave --ui-port out for a free one.`,
              );
            },
          );
          context.out(statusPageLine(statusServer.url));
        }
        log.info(`daemon running (pid ${process.pid}, data folder ${runtime.config.values.dataDir}); stop with Ctrl+C`);
        const signal = await context.stopSignal;
        log.info(`${signal} received; stopping`);
      } finally {
        await statusServer?.close();
        await runtime.close();
      }
      return EXIT.ok;
    },
  },

  hwid: {
    summary: 'print this device’s hardware ID and where it comes from',
    usage: 'varsync hwid [--json]',
    details:
      'Sources: configured (set by the vendor), machine-id (a per-product hash of the OS machine ID), generated (kept in the data folder).',
    options: { json: 'boolean' },
    async run(context) {
      const status = await withAgent(context, (agent) => agent.status());
      if (!status.hardwareId)
        throw new UsageError('no product is configured, so there is no hardware ID yet; set VARSYNC_PRODUCT.');
      context.out(
        context.options.json ? json(status.hardwareId) : `${status.hardwareId.id}\t(${status.hardwareId.source})`,
      );
      return EXIT.ok;
    },
  },

  config: {
    summary: 'print the resolved configuration with the source of each value (secrets redacted)',
    usage: 'varsync config [--json]',
    details:
      'Precedence, highest first: enforced policy (Windows registry, varsync.policy.json), vendor files (--config / VARSYNC_CONFIG,\n' +
      'the machine-wide varsync.vendor.json, the one beside the application), flags, environment, user settings, defaults.\n' +
      'Vendor-only settings (initial variables, collectors, appVersion, launchAtLogin) follow, then the files looked for.',
    options: { json: 'boolean' },
    async run(context) {
      const config = context.config();
      const entries = [...describeConfig(config), ...describeVendorSettings(config)];
      if (context.options.json) {
        context.out(json(Object.fromEntries(entries.map(({ key, value, source }) => [key, { value, source }]))));
      } else {
        const width = Math.max(...entries.map(({ key }) => key.length)) + 2;
        const shown = (value: unknown) => (typeof value === 'object' ? JSON.stringify(value) : String(value));
        const files = config.files.map(
          (file) => `  ${file.kind.padEnd(7)} ${file.path}${file.found ? '' : ' (not present)'}`,
        );
        context.out(
          [
            ...entries.map(({ key, value, source }) => `${key.padEnd(width)}${shown(value).padEnd(40)} ${source}`),
            ...(files.length > 0 ? ['', 'Looked for:', ...files] : []),
          ].join('\n'),
        );
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
      context.out(
        context.options.json
          ? json(license)
          : `activated: device ${license.device_id ?? '?'}, ${license.times_activated ?? '?'} of ${license.max_activations ?? '?'} activations used`,
      );
      return EXIT.ok;
    },
  },

  diagnostics: {
    summary: 'write a zip for support: logs, configuration, status, queue, versions and a connectivity check',
    usage: 'varsync diagnostics [--out FILE.zip] [--network]',
    details:
      'Without --out, writes varsync-diagnostics-DATE-TIME.zip in the current folder; prints the path written.\n' +
      '--network only runs the network self-test and prints it: the API URL, the proxy and where that choice came from,\n' +
      'DNS, TCP, the TLS handshake with the certificate chain as seen, the .well-known answer, timings, and the verdict\n' +
      'with what to do (no secrets).\n' +
      "Secrets, the raw machine ID and the hardware ID are redacted from every file in it; the hardware ID's source is kept.\n" +
      'Logs come from the log folder: Linux $XDG_STATE_HOME/varsync/logs (~/.local/state/varsync/logs),\n' +
      'macOS ~/Library/Logs/Varsync, Windows %LOCALAPPDATA%\\Varsync\\logs.\n' +
      'Exit codes: 0 written, 2 a bad --out or configuration.',
    options: { out: 'string', network: 'boolean' },
    async run(context) {
      if (context.options.network) {
        const { networkCheckOf } = await import('../core/diagnostics/network-check.js');
        const { describeNetworkCheck } = await import('../../shared/network-check.js');
        const config = context.config();
        const check = await networkCheckOf(config, configuredTransport(config, context.env));
        if (!check) throw new UsageError(`the API URL ${config.values.apiUrl} cannot be used; see varsync config.`);
        for (const line of describeNetworkCheck(check)) context.out(line);
        return EXIT.ok;
      }
      const { bundlePathProblem, defaultBundleName, writeDiagnosticsBundle } =
        await import('../core/diagnostics/bundle.js');
      const out = resolve(typeof context.options.out === 'string' ? context.options.out : defaultBundleName());
      const problem = bundlePathProblem(out);
      if (problem) throw new UsageError(`--out: ${problem}.`);
      const config = context.config();
      // A data folder that cannot be opened is what support needs to hear about: it goes in the bundle.
      let agent: Agent | undefined;
      let agentProblem: string | undefined;
      try {
        agent = Agent.open({
          config,
          log: oneShotLogger(context, config),
          readMachineId: context.readMachineId,
          env: context.env,
          sqliteNativeBinding: context.sqliteNativeBinding,
        });
      } catch (error) {
        agentProblem = error instanceof Error ? error.message : String(error);
      }
      try {
        const secrets = sensitiveValues(config, (context.readMachineId ?? readOsMachineId)());
        const bundle = await writeDiagnosticsBundle(out, {
          config,
          agent,
          agentProblem,
          logDir: defaultLogDir(context.env),
          secrets,
        });
        context.out(bundle.path);
      } catch (error) {
        const code = failureCode(error);
        if (typeof code === 'string' && code.startsWith('E'))
          throw new UsageError(`cannot write ${out} (${code}); choose another place with --out.`);
        throw error;
      } finally {
        await agent?.close();
      }
      return EXIT.ok;
    },
  },

  logs: {
    summary: 'print the log, newest last, from wherever this machine keeps it',
    usage: 'varsync logs [--attempt ID] [--since 2h] [--level warn] [--follow] [--json] | --path',
    details:
      '--attempt ID: only the lines of one sync attempt (the correlation ID in varsync status, the history and the window).\n' +
      '--since: lines from a span back (90s, 30m, 2h, 1d) or from a date and time (2025-03-04T05:00Z).\n' +
      '--level: error, warn, info or debug; shows that level and the more severe ones.\n' +
      '--follow: keep printing new lines (also across a rotation) until Ctrl+C.\n' +
      '--json: one JSON object per line: {"at","level","attempt","message"}.\n' +
      '--path: print the log folder and nothing else.\n' +
      'Rotated files are read too (oldest first). Exit codes: 0 printed, 1 no log folder, 2 bad option.',
    options: {
      attempt: 'string',
      since: 'string',
      level: 'string',
      follow: 'boolean',
      json: 'boolean',
      path: 'boolean',
    },
    async run(context) {
      const dir = defaultLogDir(context.env);
      if (context.options.path) {
        context.out(dir);
        return EXIT.ok;
      }
      const query: LogQuery = parseLogQuery(context.options, Date.now());
      const problem = logFolderProblem(dir);
      if (problem) {
        context.err(`varsync: ${problem}; run varsync run or the app first, or see varsync logs --path.`);
        return EXIT.failure;
      }
      await printLog(dir, query, {
        json: context.options.json === true,
        follow: context.options.follow === true ? context.stopSignal : undefined,
        out: context.out,
      });
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
      if (context.positionals.length === 0 && !context.options.all)
        throw new UsageError('name the variables to discard, or pass --all.');
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
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--ui-port must be a port number (0-65535), got "${text}".`);
  return port;
}

function syncSummary(outcome: PassOutcome, status: AgentStatus): string {
  if (outcome === 'drained')
    return `synced: nothing pending${status.failed > 0 ? ` (${status.failed} refused by the server: see varsync get)` : ''}`;
  const reason = status.explanation ? ` ${status.explanation.reason} ${status.explanation.action}` : '';
  if (outcome === 'held') return `on hold: ${status.pending} pending.${reason}`;
  if (outcome === 'paused') return `paused: ${status.pending} pending. Resume from the tray or the status page.`;
  return `not finished: ${status.pending} pending.${reason}`;
}
