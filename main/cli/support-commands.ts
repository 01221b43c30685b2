// The commands for support and vendors: the hardware ID, the resolved configuration, the
// diagnostics bundle (or the network self-test alone) and the log.
import { resolve } from 'node:path';
import type { Agent } from '../core/agent.js';
import { describeConfig, describeVendorSettings } from '../core/config/resolve.js';
import { configuredTransport } from '../core/api/transport.js';
import { readOsMachineId } from '../core/identity/hardware-id.js';
import { defaultLogDir } from '../core/log/files.js';
import { logFolderProblem, type LogQuery } from '../core/log/read.js';
import { sensitiveValues } from '../core/log/redaction.js';
import { failureCode } from '../core/failure-code.js';
import { UsageError } from './arguments.js';
import { EXIT, json, openAgent, withAgent, type Command } from './command-context.js';
import { printLog, parseLogQuery } from './logs.js';

export const SUPPORT_COMMANDS = {
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
        agent = openAgent(context, config);
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
} satisfies Record<string, Command>;
