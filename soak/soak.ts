// The fault soak: the headless daemon (`varsync run`) against the emulator on loopback while
// sets arrive from other processes, the emulator cycles through every fault it can inject, and
// the daemon is SIGKILLed and restarted at random moments. Every half second the data folder must
// hold the last acknowledged value of every name; at the end the faults are cleared, the daemon
// drains, and the server's variables are compared with the last acknowledged value of every name.
// See soak/run.ts for the command and docs/RELIABILITY.md for the figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO, startEmulator, type Emulator } from '../emulator/index.js';
import { envLayer, resolveConfig } from '../main/core/config/resolve.js';
import { childEnv, sleep } from '../bench/lib/setup.js';
import { killAllChildren, type Exit } from './children.js';
import { LocalAudit } from './audit.js';
import { DaemonChaos, type DaemonFigures } from './daemon.js';
import { FaultCycle, FINAL_FAULT_KINDS, type FaultFigures, type FinalFaultKind } from './faults.js';
import { Ledger } from './ledger.js';
import { readLocalPicture, readLocalValues, type LocalPicture } from './local.js';
import { seededRandom } from './random.js';
import { RequestTally, type DuplicateFigures } from './request-log.js';
import { AGENT_TIMINGS, type SoakSettings } from './settings.js';
import { Traffic, variableNames, type TrafficFigures } from './traffic.js';
import { compare, type Verdict } from './verify.js';

/** How often the data folder is checked against the acknowledged values while the soak runs. */
const AUDIT_EVERY_MS = 500;

export interface SoakReport {
  mode: SoakSettings['mode'];
  seed: number;
  startedAt: string;
  durationMs: number;
  /** The targets (sets, restarts, fault rounds) were reached before the time bound. */
  complete: boolean;
  incompleteReason: string | undefined;
  names: number;
  sets: Ledger['counts'] & { acknowledged: number };
  faults: FaultFigures;
  /** The emulator's own counters of injected faults, as a cross-check. */
  emulatorInjected: Record<string, number>;
  daemon: DaemonFigures;
  traffic: TrafficFigures;
  requests: { total: number; byEndpoint: Record<string, number>; byCode: Record<string, number> };
  duplicates: DuplicateFigures;
  /** The fault the soak ended on, and the values it held back when it was turned off. */
  finalFault: FinalFaultKind;
  pendingAtLastFault: number;
  /** From the last fault turned off to nothing pending and the server holding every acknowledged value. */
  drainMs: number | undefined;
  /** The checks of the data folder during the run (see audit.ts). */
  audits: { count: number; mismatchedNames: number; examples: string[] };
  verdict: Verdict;
  deadLetters: Array<{ name: string; code: string; message: string }>;
  /** True when nothing was lost or stale and nothing else went wrong. */
  passed: boolean;
  problems: string[];
}

export interface SoakRunOptions {
  settings: SoakSettings;
  seed: number;
  /** Progress lines (every few seconds); silent when absent. */
  progress?: (line: string) => void;
}

export async function runSoak({ settings, seed, progress }: SoakRunOptions): Promise<SoakReport> {
  const started = Date.now();
  const random = seededRandom(seed);
  const root = mkdtempSync(join(tmpdir(), 'varsync-soak-'));
  let emulator: Emulator | undefined;
  try {
    emulator = await startEmulator();
    const hardwareId = `soak-device-${seed}`;
    const env = soakEnv(emulator.url, join(root, 'data'), join(root, 'state'), hardwareId);
    const config = resolveConfig([envLayer(env)], env);
    const tally = new RequestTally(emulator.requests);
    const requests = emulator.requests;
    const ledger = new Ledger();
    const names = variableNames(settings.names);
    const daemon = new DaemonChaos({
      env,
      random,
      lifeMs: settings.daemonLifeMs,
      tally,
      requestsReceived: () => tally.total + requests.length,
    });
    const traffic = new Traffic({
      env,
      random,
      settings,
      ledger,
      names,
      readLocal: (wanted) => readLocalValues(config, wanted),
    });
    const faults = new FaultCycle({
      emulator,
      tally,
      random,
      hardwareId,
      episodeMs: settings.episodeMs,
      gapMs: settings.gapMs,
    });

    daemon.start();
    traffic.start();
    faults.start();
    const targetsMet = () =>
      ledger.acknowledgedSets >= settings.targetSets &&
      daemon.figures.restarts >= settings.minRestarts &&
      faults.roundsDone(settings.faultRounds);
    const audit = new LocalAudit(config, ledger);
    let lastProgress = Date.now();
    let lastAudit = Date.now();
    const tick = async () => {
      await sleep(100);
      tally.poll();
      if (Date.now() - lastAudit >= AUDIT_EVERY_MS) {
        lastAudit = Date.now();
        audit.check();
      }
    };
    while (!targetsMet() && Date.now() - started < settings.maxRunMs) {
      await tick();
      if (progress && Date.now() - lastProgress >= 10_000) {
        lastProgress = Date.now();
        const hit = Object.values(faults.figures).filter(
          (figure) => figure.episodesThatHit >= settings.faultRounds,
        ).length;
        progress(
          `  ${Math.round((Date.now() - started) / 1000)} s: ${ledger.acknowledgedSets} sets, ${daemon.figures.restarts} restarts, ${hit}/${Object.keys(faults.figures).length} fault kinds done, ${tally.total} requests`,
        );
      }
    }
    const complete = targetsMet();
    const incompleteReason = complete
      ? undefined
      : describeShortfall(settings, ledger.acknowledgedSets, daemon.figures.restarts, faults.figures);

    // The end: no more kills; one last fault that holds every value back while sets go on; the
    // last sets settled; every fault off; and the drain timed from there.
    await faults.stopCycling();
    await daemon.calm();
    const finalFault = random.pick(FINAL_FAULT_KINDS);
    faults.beginFinalFault(finalFault);
    const finalFaultEnds = Date.now() + settings.finalFaultMs;
    while (Date.now() < finalFaultEnds) await tick();
    await traffic.stop();
    audit.check();
    const pendingAtLastFault = readLocalPicture(config).pending;
    faults.end();
    const drainMs = await waitForDrain(
      emulator,
      hardwareId,
      ledger,
      config,
      settings.maxDrainMs,
      faults.lastFaultEndedAt,
    );
    const finalExit = await daemon.stop();
    tally.poll();

    const server = emulator.state.variablesOf(DEMO.product, hardwareId);
    const local = readLocalPicture(config);
    // A cut set's value that SQLite recovered since the last audit is the expected one from now on.
    for (const view of local.variables) ledger.observeLocal(view.name, view.value);
    const verdict = compare(ledger.expected(), server, local, (name, value) => ledger.wasAcknowledged(name, value));
    const problems = listProblems({
      verdict,
      local,
      audit,
      drainMs,
      maxDrainMs: settings.maxDrainMs,
      daemon: daemon.figures,
      finalExit,
      traffic: traffic.figures,
      emulator,
      stuck: tally.stuck,
    });
    return {
      mode: settings.mode,
      seed,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      complete,
      incompleteReason,
      names: settings.names,
      sets: { ...ledger.counts, acknowledged: ledger.acknowledgedSets },
      faults: faults.figures,
      emulatorInjected: { ...emulator.faults.injected },
      daemon: daemon.figures,
      traffic: traffic.figures,
      requests: {
        total: tally.total,
        byEndpoint: Object.fromEntries(tally.byEndpoint),
        byCode: Object.fromEntries(tally.byCode),
      },
      duplicates: tally.duplicates(),
      finalFault,
      pendingAtLastFault,
      drainMs,
      audits: { count: audit.audits, mismatchedNames: audit.mismatchedNames.size, examples: audit.examples },
      verdict,
      deadLetters: local.deadLetters.map(({ name, code, message }) => ({ name, code, message })),
      passed: problems.length === 0,
      problems,
    };
  } finally {
    killAllChildren();
    await emulator?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The daemon's environment: the demo license on the emulator, its own data and log folders, fast timings. */
function soakEnv(apiUrl: string, dataDir: string, stateDir: string, hardwareId: string): NodeJS.ProcessEnv {
  return childEnv({
    VARSYNC_API_URL: apiUrl,
    VARSYNC_PRODUCT: DEMO.product,
    VARSYNC_LICENSE_KEY: DEMO.licenseKey,
    VARSYNC_API_KEY: DEMO.apiKey,
    VARSYNC_SHARED_KEY: DEMO.sharedKey,
    VARSYNC_HARDWARE_ID: hardwareId,
    VARSYNC_DATA_DIR: dataDir,
    VARSYNC_LOG_LEVEL: 'error',
    ...AGENT_TIMINGS,
    // The daemon's log folder (Linux), never this machine's.
    XDG_STATE_HOME: stateDir,
  });
}

/** Poll until nothing is pending and the server holds every acknowledged value; the time it took, or undefined. */
async function waitForDrain(
  emulator: Emulator,
  hardwareId: string,
  ledger: Ledger,
  config: ReturnType<typeof resolveConfig>,
  maxMs: number,
  from: number,
): Promise<number | undefined> {
  const serverHasAll = () => {
    const server = emulator.state.variablesOf(DEMO.product, hardwareId);
    for (const name of ledger.expected().keys())
      if (!Object.hasOwn(server, name) || !ledger.mayHold(name, server[name]!)) return false;
    return true;
  };
  while (Date.now() - from < maxMs) {
    if (serverHasAll() && readLocalPicture(config).pending === 0) return Date.now() - from;
    await sleep(50);
  }
  return undefined;
}

/** Everything that went wrong; empty when the soak passed. */
function listProblems({
  verdict,
  local,
  audit,
  drainMs,
  maxDrainMs,
  daemon,
  finalExit,
  traffic,
  emulator,
  stuck,
}: {
  verdict: Verdict;
  local: LocalPicture;
  audit: LocalAudit;
  drainMs: number | undefined;
  maxDrainMs: number;
  daemon: DaemonFigures;
  finalExit: Exit | undefined;
  traffic: TrafficFigures;
  emulator: Emulator;
  stuck: number;
}): string[] {
  return [
    ...(verdict.lost.length > 0
      ? [`${verdict.lost.length} acknowledged value(s) lost, e.g. ${verdict.lost.slice(0, 3).join(', ')}`]
      : []),
    ...(verdict.stale.length > 0
      ? [`${verdict.stale.length} stale value(s) on the server, e.g. ${verdict.stale.slice(0, 3).join(', ')}`]
      : []),
    ...(audit.mismatchedNames.size > 0
      ? [
          `during the run ${audit.mismatchedNames.size} name(s) lacked their last acknowledged value locally, e.g. ${audit.examples.join('; ')}`,
        ]
      : []),
    ...(verdict.localDisagrees.length > 0
      ? [`the local view differs from the acknowledged value for ${verdict.localDisagrees.length} name(s)`]
      : []),
    ...(verdict.unknownOnServer.length > 0
      ? [`the server holds ${verdict.unknownOnServer.length} name(s) no set wrote`]
      : []),
    ...(verdict.neverAcknowledgedOnServer.length > 0
      ? [`the server holds ${verdict.neverAcknowledgedOnServer.length} value(s) no set acknowledged`]
      : []),
    ...(drainMs === undefined
      ? [`not drained within ${maxDrainMs / 1000} s after the last fault (${local.pending} pending)`]
      : []),
    ...daemon.unexpectedExits.map((exit) => `the daemon stopped on its own: ${exit}`),
    ...(finalExit?.code !== 0
      ? [`the daemon did not stop cleanly on SIGTERM (${finalExit?.code ?? finalExit?.signal})`]
      : []),
    ...traffic.failures,
    ...traffic.refused.map((refusal) => `a valid set was refused: ${refusal}`),
    ...emulator.selfCheckFailures.map((failure) => `emulator self-check: ${failure}`),
    ...(stuck > 0 ? [`${stuck} request(s) never answered by the emulator`] : []),
    // With valid names and values the server has no reason to refuse anything.
    ...local.deadLetters.map((letter) => `the server refused "${letter.name}" (${letter.code}: ${letter.message})`),
  ];
}

function describeShortfall(settings: SoakSettings, sets: number, restarts: number, faults: FaultFigures): string {
  const missing: string[] = [];
  if (sets < settings.targetSets) missing.push(`${sets} of ${settings.targetSets} sets`);
  if (restarts < settings.minRestarts) missing.push(`${restarts} of ${settings.minRestarts} restarts`);
  const short = Object.entries(faults)
    .filter(([, figure]) => figure.episodesThatHit < settings.faultRounds)
    .map(([kind]) => kind);
  if (short.length > 0) missing.push(`fault kinds short of ${settings.faultRounds} round(s): ${short.join(', ')}`);
  return `stopped at the ${Math.round(settings.maxRunMs / 1000)} s bound with ${missing.join('; ')}`;
}
