// The diagnostics bundle for support (`varsync diagnostics`, the tray's "Collect diagnostics..."):
// one zip with the logs, the configuration with its sources, the status, queue and dead-letter
// summaries, the recent sync attempts, versions, and a connectivity probe. Every entry passes
// through redaction first: no secret, no raw OS machine GUID and no hardware ID value (only its
// source) leaves the machine in it, whatever the encoding.
import { createWriteStream, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import * as os from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { Agent } from '../agent.js';
import { LicenseApiClient } from '../api/client.js';
import { LicenseApiError } from '../api/errors.js';
import { VARSYNC_VERSION } from '../collectors/system-facts.js';
import { describeConfig, describeVendorSettings, type ResolvedConfig } from '../config/resolve.js';
import { listLogFiles } from '../log/files.js';
import { Redactor } from '../log/redaction.js';
import { configuredTransport, type HttpTransport } from '../api/transport.js';
import { networkCheckOf, type NetworkCheck } from './network-check.js';

export interface DiagnosticsSources {
  config: ResolvedConfig;
  /** The agent (the tray app's, or one the command opened); undefined when it could not be opened. */
  agent: Agent | undefined;
  /** Why there is no agent (a database that cannot be opened), recorded in the bundle. */
  agentProblem?: string;
  /** The log folder whose files go in. */
  logDir: string;
  /** What must not appear (log/redaction.ts sensitiveValues). The hardware ID values are added here. */
  secrets: Iterable<string | undefined>;
  now?: () => number;
  /** How the agent reaches the API (the app's: Chromium's); default: the agent's, else the configuration's on Node. */
  transport?: HttpTransport;
}

export interface ProbeResult {
  url: string;
  ok: boolean;
  ms: number;
  /** Server clock minus this device's clock, from the answer's Date header. */
  clockOffsetMs: number | null;
  error: { kind: string; code: string; message: string } | null;
}

export interface DiagnosticsBundle {
  path: string;
  entries: string[];
  probe: ProbeResult;
  network: NetworkCheck | null;
}

/** Why a bundle cannot be written at `path`, in words; undefined when it can be. */
export function bundlePathProblem(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return `${path} is a folder, not a file name ending in .zip`;
  } catch {
    // Not there yet: the usual case.
  }
  if (extname(path).toLowerCase() !== '.zip')
    return `the bundle is a zip file, so its name must end in .zip (got "${basename(path)}")`;
  try {
    if (!statSync(dirname(path)).isDirectory()) return `${dirname(path)} is not a folder`;
  } catch {
    return `the folder ${dirname(path)} does not exist`;
  }
  return undefined;
}

/** A file name for a bundle collected now: varsync-diagnostics-20250101-120000.zip. */
export function defaultBundleName(now: number = Date.now()): string {
  return `varsync-diagnostics-${new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}.zip`;
}

export async function writeDiagnosticsBundle(path: string, sources: DiagnosticsSources): Promise<DiagnosticsBundle> {
  const now = sources.now ?? Date.now;
  const { config, agent } = sources;
  const status = agent?.status();
  const hardwareId = status?.hardwareId;
  const redactor = new Redactor(sources.secrets);
  redactor.add([hardwareId?.id, hardwareId?.change?.previous, hardwareId?.change?.current]);

  const transport = sources.transport ?? agent?.transport ?? transportOrUndefined(config);
  const probe = await probeApi(config, now, transport);
  const network = await networkCheckOf(config, transport, now);
  const collectedAt = new Date(now()).toISOString();
  const entries = new Map<string, string>();
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  entries.set('README.txt', readme(collectedAt));
  entries.set(
    'about.json',
    json({
      collectedAt,
      varsync: VARSYNC_VERSION,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      os: { type: os.type(), release: os.release(), arch: os.arch(), platform: process.platform },
      logDir: sources.logDir,
    }),
  );
  entries.set(
    'config.json',
    json({ settings: [...describeConfig(config), ...describeVendorSettings(config)], filesLookedFor: config.files }),
  );
  entries.set('connectivity.json', json(probe));
  entries.set('network.json', json(network ?? { error: 'the configured API URL or caFile cannot be used' }));
  if (agent && status) {
    const { hardwareId: _value, ...rest } = status;
    entries.set(
      'status.json',
      json({
        ...rest,
        // The source, never the value.
        hardwareIdSource: hardwareId?.source ?? null,
        hardwareIdChange: hardwareId?.change
          ? {
              from: hardwareId.change.previousSource,
              to: hardwareId.change.currentSource,
              detectedAt: iso(hardwareId.change.detectedAt),
              followed: hardwareId.change.followed,
            }
          : null,
        clock: { lastMeasuredOffsetMs: status.clockOffsetMs, probeOffsetMs: probe.clockOffsetMs },
      }),
    );
    entries.set('queue.json', json(queueSummary(agent, now())));
    entries.set(
      'history.json',
      json(
        agent.store
          .history(100)
          .map((record) => ({ ...record, startedAt: iso(record.startedAt), finishedAt: iso(record.finishedAt) })),
      ),
    );
  } else {
    entries.set('status.json', json({ error: sources.agentProblem ?? 'the agent could not be opened' }));
  }
  for (const file of listLogFiles(sources.logDir)) {
    try {
      entries.set(`logs/${file.name}`, readFileSync(file.path, 'utf8'));
    } catch (error) {
      entries.set(`logs/${file.name}.unreadable.txt`, `${(error as Error).message}\n`);
    }
  }

  const zip = new yazl.ZipFile();
  const mtime = new Date(now());
  for (const [name, text] of entries) zip.addBuffer(Buffer.from(redactor.redact(text), 'utf8'), name, { mtime });
  zip.end();
  // Written aside and renamed: the path never holds half a zip.
  const partial = join(dirname(path), `.${basename(path)}.partial`);
  try {
    await pipeline(zip.outputStream, createWriteStream(partial));
    renameSync(partial, path);
  } catch (error) {
    try {
      unlinkSync(partial);
    } catch {
      // Never created.
    }
    throw error;
  }
  return { path, entries: [...entries.keys()], probe, network };
}

/** The configuration's Node transport; undefined when it cannot be made (a caFile that cannot be read: in config.json). */
function transportOrUndefined(config: ResolvedConfig): HttpTransport | undefined {
  try {
    return configuredTransport(config);
  } catch {
    return undefined;
  }
}

/** GET /.well-known on the configured API: unauthenticated, so it works with or without credentials. */
async function probeApi(
  config: ResolvedConfig,
  now: () => number,
  transport: HttpTransport | undefined,
): Promise<ProbeResult> {
  const started = now();
  let url = config.values.apiUrl;
  try {
    // The probe sends no credentials; the client wants some to exist.
    const client = new LicenseApiClient({
      baseUrl: config.values.apiUrl,
      credentials: { type: 'hmac', apiKey: '', sharedKey: '' },
      timeoutMs: config.values.requestTimeoutMs,
      transport,
      now,
    });
    url = `${client.apiBaseUrl}/.well-known`;
    try {
      await client.probe();
      return { url, ok: true, ms: now() - started, clockOffsetMs: client.clockOffsetMs ?? null, error: null };
    } catch (error) {
      const problem =
        error instanceof LicenseApiError
          ? { kind: error.kind, code: error.code, message: error.message }
          : { kind: 'internal', code: 'internal_error', message: String(error) };
      return { url, ok: false, ms: now() - started, clockOffsetMs: client.clockOffsetMs ?? null, error: problem };
    }
  } catch (error) {
    return {
      url,
      ok: false,
      ms: 0,
      clockOffsetMs: null,
      error: { kind: 'configuration', code: 'bad_api_url', message: (error as Error).message },
    };
  }
}

function queueSummary(agent: Agent, now: number) {
  const variables = agent.variables();
  const oldest = agent.store.pending(1)[0];
  const count = (state: string) => variables.filter((variable) => variable.state === state).length;
  return {
    counts: { total: variables.length, pending: count('pending'), synced: count('synced'), failed: count('failed') },
    oldestPendingAgeMs: oldest ? now - oldest.queuedAt : null,
    variables: variables.map(({ name, state, type, value, updatedAt, syncedAt, error }) => ({
      name,
      state,
      type,
      value,
      updatedAt,
      syncedAt,
      error: error ?? null,
    })),
    deadLetters: agent.deadLetters().map((letter) => ({
      ...letter,
      firstFailedAt: iso(letter.firstFailedAt),
      lastFailedAt: iso(letter.lastFailedAt),
    })),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function readme(collectedAt: string): string {
  return [
    `Varsync diagnostics, collected ${collectedAt}.`,
    '',
    'about.json         versions of Varsync, Node and Electron; the operating system; the log folder',
    'config.json        every setting with its source (secrets shown as [redacted]); the policy and vendor files looked for',
    'status.json        the sync state, last error, clock offset, hardware ID source (not its value), engine and database',
    "queue.json         counts, the oldest pending value's age, every variable with its state, values the server refused",
    'history.json       the recent sync attempts with their correlation IDs (find them in the logs: grep the ID)',
    'connectivity.json  a probe of the configured License API (GET /.well-known) with its timing',
    'network.json       the network self-test: proxy and where it came from, DNS, TCP, TLS chain, .well-known',
    'logs/              varsync.log and the rotated logs',
    '',
    'Secrets, the raw machine ID and the hardware ID are replaced by [redacted] in every file.',
    '',
  ].join('\n');
}
