// The process the crash-safety test kills: an agent configured from VARSYNC_* variables, running
// its sync engine while it performs planned sets. Run with `node --import tsx`.
//
//   CRASH_PLAN='[["name", value, pauseMs], ...]'  round mode: start the engine, print "ready", then
//       for each entry wait pauseMs and set it; only after agent.set() returned (the transaction is
//       committed, synchronous=FULL) print "ack [name,value]". Then keep syncing until killed.
//   CRASH_DRAIN=1  drain mode: sync until nothing is pending, print "result {json}" and exit 0.
//
// stdout is a pipe, which Node writes synchronously on Linux: a line the parent received in full
// was written after the set it acknowledges had returned.
import { Agent } from '../../main/core/agent.js';
import { envLayer, resolveConfig } from '../../main/core/config/resolve.js';
import { openLog } from '../../main/core/log/agent-log.js';

type PlanEntry = [name: string, value: string | number | boolean, pauseMs: number];

const line = (text: string): void => {
  process.stdout.write(`${text}\n`);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const config = resolveConfig([envLayer(process.env)]);
  const { logger: log } = openLog({ level: config.values.logLevel, echo: (line) => process.stderr.write(`${line}\n`) });
  const agent = Agent.open({ config, log });

  if (process.env.CRASH_DRAIN === '1') {
    let passes = 0;
    for (;;) {
      const { outcome, status } = await agent.syncNow();
      passes++;
      if (outcome === 'drained' && status.pending === 0) break;
      if (passes > 200) throw new Error(`not drained after ${passes} passes: ${JSON.stringify(status)}`);
      await sleep(20);
    }
    const result = { passes, status: agent.status(), variables: agent.variables(), deadLetters: agent.deadLetters() };
    await agent.close();
    line(`result ${JSON.stringify(result)}`);
    process.exit(0);
  }

  const plan = JSON.parse(process.env.CRASH_PLAN ?? '[]') as PlanEntry[];
  agent.startEngine();
  line('ready');
  for (const [name, value, pauseMs] of plan) {
    if (pauseMs > 0) await sleep(pauseMs);
    agent.set({ [name]: value });
    line(`ack ${JSON.stringify([name, value])}`);
  }
  line('planned sets done');
  // Keep the engine running (and the process alive) until the parent kills this process.
  setInterval(() => {}, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
