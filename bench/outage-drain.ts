// Benchmark 2: many sets while the License API is down, then the API comes back. Counts the HTTP
// requests the agent needs to drain (the outbox holds one row per name, sent in batches) and how
// long draining takes on loopback, against a naive client that sends one request per set.
import { Agent } from '../main/core/agent.js';
import { startEmulator, type Emulator, type RequestLogEntry } from '../emulator/index.js';
import { envInt } from './lib/env.js';
import { activatedNaiveClient, timeOneRequestPerSet } from './lib/naive-client.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir, freePort, LICENSE, waitFor } from './lib/setup.js';
import { msSince, single, summarize } from './lib/stats.js';

const HARDWARE_ID = 'bench-outage-device';
/** Yield to the event loop this often while setting, so the engine keeps trying (and failing) meanwhile. */
const YIELD_EVERY = 1_000;

interface OutageSettings {
  sets: number;
  names: number;
  batchSize: number;
}

interface OutageRun {
  setMs: number;
  drainMs: number;
  requests: RequestLogEntry[];
}

const nameOf = (index: number, names: number) => `var-${index % names}`;

/** Every set while the engine runs against a closed port: each is durable, none can be sent. */
async function queueDuringOutage(agent: Agent, settings: OutageSettings): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < settings.sets; index++) {
    agent.set({ [nameOf(index, settings.names)]: index });
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return msSince(started);
}

/** The last value set for each name is what the server must hold after the drain. */
function checkServerHoldsLastValues(emulator: Emulator, settings: OutageSettings): void {
  const held = emulator.state.variablesOf(LICENSE.product, HARDWARE_ID);
  for (let name = 0; name < settings.names; name++) {
    const lastIndex = settings.sets - 1 - ((settings.sets - 1 - name) % settings.names);
    if (lastIndex < 0) continue;
    const got = held[nameOf(name, settings.names)];
    if (got !== lastIndex)
      throw new Error(
        `after the drain the server holds ${nameOf(name, settings.names)}=${String(got)}, expected ${lastIndex}`,
      );
  }
}

async function outageRun(settings: OutageSettings): Promise<OutageRun> {
  const port = await freePort();
  const config = benchConfig(benchDir('outage'), {
    apiUrl: `http://127.0.0.1:${port}`,
    hardwareId: HARDWARE_ID,
    batchSize: settings.batchSize,
    debounceMs: 20,
    retryBaseMs: 50,
    retryMaxMs: 500,
  });
  const agent = Agent.open({ config });
  let emulator: Emulator | undefined;
  try {
    agent.startEngine();
    const setMs = await queueDuringOutage(agent, settings);
    await waitFor('the engine to see the outage', () => agent.status().state === 'offline');
    emulator = await startEmulator({ port }); // the server comes back at the same address
    const started = process.hrtime.bigint();
    // Asked explicitly so that the figure is the drain itself, not a random backoff wait before it.
    const result = await agent.syncNow();
    const drainMs = msSince(started);
    if (result.outcome !== 'drained' || result.status.pending !== 0) {
      throw new Error(
        `the drain ended ${result.outcome} with ${result.status.pending} pending (${result.status.lastError?.code ?? 'no error'})`,
      );
    }
    checkServerHoldsLastValues(emulator, settings);
    return { setMs, drainMs, requests: [...emulator.requests] };
  } finally {
    await agent.close();
    await emulator?.close();
  }
}

/** The naive client: one track_device_variables per set, sequentially. Returns ms per request, per chunk. */
async function naiveRun(sets: number, chunks: number, names: number): Promise<number[]> {
  const emulator = await startEmulator();
  try {
    const naive = await activatedNaiveClient(emulator.url, HARDWARE_ID);
    const perChunk = Math.ceil(sets / chunks);
    const msPerRequest: number[] = [];
    for (let first = 0; first < sets; first += perChunk) {
      msPerRequest.push(
        await timeOneRequestPerSet(naive, first, Math.min(sets, first + perChunk), (index) => [
          nameOf(index, names),
          index,
        ]),
      );
    }
    return msPerRequest;
  } finally {
    await emulator.close();
  }
}

/** "probe 1, track 10, ..." from the emulator's request log. */
function describeRequests(requests: RequestLogEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of requests) {
    const key = `${entry.endpoint}${entry.code ? ` (${entry.code})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ');
}

export async function benchOutageDrain(): Promise<ResultRow[]> {
  const settings: OutageSettings = {
    sets: envInt('BENCH_OUTAGE_SETS', 100_000),
    names: envInt('BENCH_OUTAGE_NAMES', 1_000),
    batchSize: envInt('BENCH_BATCH_SIZE', 100),
  };
  const reps = envInt('BENCH_DRAIN_REPS', 3);
  const naiveSets = Math.min(envInt('BENCH_NAIVE_SETS', 2_000), settings.sets);
  const runs: OutageRun[] = [];
  for (let rep = 0; rep < reps; rep++) runs.push(await outageRun(settings));
  const naiveMsPerRequest = await naiveRun(naiveSets, Math.min(5, naiveSets), settings.names);
  return describeDrainResults(settings, runs, naiveMsPerRequest, naiveSets);
}

function describeDrainResults(
  settings: OutageSettings,
  runs: OutageRun[],
  naiveMsPerRequest: number[],
  naiveSets: number,
): ResultRow[] {
  const bench = '2 outage drain';
  const requests = runs.map((run) => run.requests.length);
  const drain = summarize(runs.map((run) => run.drainMs));
  const naivePerRequest = summarize(naiveMsPerRequest);
  const naiveDrainMs = naivePerRequest.median * settings.sets;
  const goal = Math.ceil(settings.names / Math.min(settings.batchSize, 1000));
  const what = `${settings.sets.toLocaleString('en-US')} sets over ${settings.names} names, batch ${settings.batchSize}`;
  return [
    row(bench, 'agent: time to queue all sets (durable)', summarize(runs.map((run) => run.setMs / 1000)), 's', what),
    row(
      bench,
      'agent: HTTP requests to drain',
      summarize(requests),
      'requests',
      `ceil(names/batch) = ${goal}; ${describeRequests(runs[0]!.requests)}`,
    ),
    row(bench, 'agent: time to drain (syncNow)', drain, 'ms', 'emulator on loopback, from the server being back'),
    row(
      bench,
      'naive: ms per request',
      naivePerRequest,
      'ms',
      `${naiveSets} sets replayed in chunks, extrapolated below`,
    ),
    row(bench, 'naive: HTTP requests (one per set)', single(settings.sets), 'requests', 'plus one activation'),
    row(
      bench,
      'naive: time to drain (extrapolated)',
      single(naiveDrainMs / 1000),
      's',
      `${settings.sets} × median ms per request`,
    ),
    row(bench, 'requests naive / agent (ratio)', single(settings.sets / summarize(requests).median), '×'),
    row(bench, 'drain time naive / agent (ratio)', single(naiveDrainMs / drain.median), '×', 'median over median'),
  ];
}
