// Benchmark 5: draining 10,000 pending names over a slow link. The emulator delays every answer by
// 50 ms or 200 ms (its latency fault); the agent sends its outbox in batches, one request in
// flight. The naive client (one request per set) is measured on a sample at the same latency in
// the same run and extrapolated: 10,000 requests at 200 ms would take over half an hour.
import { Agent } from '../main/core/agent.js';
import { startEmulator, type Emulator, type RequestLogEntry } from '../emulator/index.js';
import { envInt } from './lib/env.js';
import { checkServerHolds, manyName, queueNames } from './lib/fill.js';
import { activatedNaiveClient, timeOneRequestPerSet } from './lib/naive-client.js';
import { row, type ResultRow } from './lib/report.js';
import { benchConfig, benchDir } from './lib/setup.js';
import { msSince, single, summarize } from './lib/stats.js';

const BENCH_DRAIN_LATENCY = '5 drain at latency';

interface Settings {
  names: number;
  batchSize: number;
  reps: number;
  naivePerRep: number;
  latencies: number[];
}

interface AgentDrain {
  drainMs: number;
  requests: RequestLogEntry[];
}

/** Per latency: the agent's drains and the naive client's ms per request, one chunk per repetition. */
interface LatencyResults {
  latencyMs: number;
  drains: AgentDrain[];
  naiveMsPerRequest: number[];
}

const valueOf = (rep: number) => (index: number) => `r${rep}-${index}`;

/** An activated device with `names` pending, then one timed sync pass at the given latency. */
async function agentDrain(emulator: Emulator, settings: Settings, latencyMs: number, rep: number): Promise<AgentDrain> {
  const hardwareId = `bench-latency-agent-${latencyMs}-${rep}`;
  const agent = Agent.open({
    config: benchConfig(benchDir('latency'), { apiUrl: emulator.url, hardwareId, batchSize: settings.batchSize }),
  });
  try {
    await agent.activate(); // not timed: the figure is the drain of a device that is already known
    queueNames(agent, settings.names, valueOf(rep));
    emulator.faults.setLatency(latencyMs);
    const before = emulator.requests.length;
    const started = process.hrtime.bigint();
    const result = await agent.syncNow(); // no engine in this process: one pass, which sends every batch
    const drainMs = msSince(started);
    emulator.faults.setLatency(0);
    if (result.outcome !== 'drained' || result.status.pending !== 0) {
      throw new Error(
        `the drain ended ${result.outcome} with ${result.status.pending} pending (${result.status.lastError?.code ?? 'no error'})`,
      );
    }
    checkServerHolds(emulator, hardwareId, settings.names, valueOf(rep));
    return { drainMs, requests: emulator.requests.slice(before) };
  } finally {
    await agent.close();
  }
}

/** One track_device_variables per set, sequentially, at the given latency; returns ms per request. */
async function naiveChunk(emulator: Emulator, requests: number, latencyMs: number, rep: number): Promise<number> {
  const naive = await activatedNaiveClient(emulator.url, `bench-latency-naive-${latencyMs}-${rep}`);
  emulator.faults.setLatency(latencyMs);
  try {
    return await timeOneRequestPerSet(naive, 0, requests, (index) => [manyName(index), valueOf(rep)(index)]);
  } finally {
    emulator.faults.setLatency(0);
  }
}

export async function benchDrainLatency(): Promise<ResultRow[]> {
  const settings: Settings = {
    names: envInt('BENCH_LATENCY_NAMES', 10_000),
    batchSize: envInt('BENCH_BATCH_SIZE', 100),
    reps: envInt('BENCH_LATENCY_REPS', 3),
    naivePerRep: envInt('BENCH_LATENCY_NAIVE', 20),
    latencies: (process.env.BENCH_LATENCIES_MS ?? '50,200').split(',').map((part) => Number(part.trim())),
  };
  if (settings.latencies.some((ms) => !Number.isFinite(ms) || ms < 0))
    throw new Error(`BENCH_LATENCIES_MS must list milliseconds (got "${process.env.BENCH_LATENCIES_MS}")`);
  const results: LatencyResults[] = settings.latencies.map((latencyMs) => ({
    latencyMs,
    drains: [],
    naiveMsPerRequest: [],
  }));
  // Repetitions outermost, so that drift of the machine over the run hits every latency and both clients.
  for (let rep = 0; rep < settings.reps; rep++) {
    for (const result of results) {
      const emulator = await startEmulator();
      try {
        result.drains.push(await agentDrain(emulator, settings, result.latencyMs, rep));
        result.naiveMsPerRequest.push(await naiveChunk(emulator, settings.naivePerRep, result.latencyMs, rep));
      } finally {
        await emulator.close();
      }
    }
  }
  return results.flatMap((result) => describe(settings, result));
}

function describe(settings: Settings, result: LatencyResults): ResultRow[] {
  const at = `${result.latencyMs} ms`;
  const drains = summarize(result.drains.map((drain) => drain.drainMs / 1000));
  const requests = summarize(result.drains.map((drain) => drain.requests.length));
  const perRequest = summarize(result.drains.map((drain) => drain.drainMs / drain.requests.length));
  const naive = summarize(result.naiveMsPerRequest);
  const naiveDrainS = (naive.median * settings.names) / 1000;
  const endpoints = [
    ...new Set(result.drains.flatMap((drain) => drain.requests.map((entry) => `${entry.endpoint} ${entry.status}`))),
  ].join(', ');
  const goal = Math.ceil(settings.names / Math.min(settings.batchSize, 1000));
  const what = `${settings.names.toLocaleString('en-US')} names, batch ${settings.batchSize}`;
  return [
    row(BENCH_DRAIN_LATENCY, `${at}: agent time to drain`, drains, 's', what),
    row(
      BENCH_DRAIN_LATENCY,
      `${at}: agent HTTP requests`,
      requests,
      'requests',
      `ceil(names/batch) = ${goal}; ${endpoints}`,
    ),
    row(BENCH_DRAIN_LATENCY, `${at}: agent ms per request`, perRequest, 'ms', 'drain time / requests'),
    row(
      BENCH_DRAIN_LATENCY,
      `${at}: naive ms per request`,
      naive,
      'ms',
      `${settings.naivePerRep} sequential requests per repetition`,
    ),
    row(
      BENCH_DRAIN_LATENCY,
      `${at}: naive time to drain (extrapolated)`,
      single(naiveDrainS),
      's',
      `${settings.names.toLocaleString('en-US')} × median ms per request; not run in full`,
    ),
    row(
      BENCH_DRAIN_LATENCY,
      `${at}: requests naive / agent (ratio)`,
      single(settings.names / requests.median),
      '×',
      'one request per set vs batches',
    ),
    row(
      BENCH_DRAIN_LATENCY,
      `${at}: drain time naive / agent (ratio)`,
      single(naiveDrainS / drains.median),
      '×',
      'extrapolated median over measured median',
    ),
  ];
}
