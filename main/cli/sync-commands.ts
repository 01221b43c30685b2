// The commands about sending: status, one sync pass now, activation, and the headless daemon
// (`run`, with the status page when asked).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentStatus } from '../core/agent.js';
import type { PassOutcome } from '../core/sync/engine.js';
import { openLog } from '../core/log/agent-log.js';
import { defaultLogDir } from '../core/log/files.js';
import { failureCode } from '../core/failure-code.js';
import type { StatusServer } from '../web/status-server.js';
import { UsageError } from './arguments.js';
import { EXIT, exitCodeFor, json, logSecrets, withAgent, type Command } from './command-context.js';
import { formatStatus } from './format.js';

/** The built renderer, served by `varsync run --ui`. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

export const SYNC_COMMANDS = {
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
} satisfies Record<string, Command>;

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
