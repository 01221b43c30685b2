// `npm run bench`: runs the benchmarks one after another and prints one results table.
// BENCH_ONLY=set,drain,start,idle,drain-latency,rss,render picks some; see docs/BENCHMARKS.md for every knob.
import { writeFileSync } from 'node:fs';
import { benchColdStart } from './cold-start.js';
import { benchDrainLatency } from './drain-latency.js';
import { benchIdle } from './idle.js';
import { benchOutageDrain } from './outage-drain.js';
import { benchRender } from './render.js';
import { benchRss } from './rss.js';
import { benchSetLatency } from './set-latency.js';
import { selected } from './lib/env.js';
import { killChildren } from './lib/proc.js';
import { formatTable, type ResultRow } from './lib/report.js';
import { benchRoot, removeBenchRoot } from './lib/setup.js';

const BENCHMARKS: Array<{ name: string; title: string; run: () => Promise<ResultRow[]> }> = [
  { name: 'set', title: '1 set latency', run: benchSetLatency },
  { name: 'drain', title: '2 outage drain', run: benchOutageDrain },
  { name: 'start', title: '3 cold start', run: benchColdStart },
  { name: 'idle', title: '4 idle daemon', run: benchIdle },
  { name: 'drain-latency', title: '5 drain at latency', run: benchDrainLatency },
  { name: 'rss', title: '6 daemon memory', run: benchRss },
  { name: 'render', title: '7 render', run: benchRender },
];

async function main(): Promise<number> {
  const rows: ResultRow[] = [];
  console.log(`varsync benchmarks: node ${process.version}, data in ${benchRoot()}`);
  try {
    for (const bench of BENCHMARKS.filter((candidate) => selected(candidate.name))) {
      const started = Date.now();
      console.log(`running ${bench.title} ...`);
      rows.push(...(await bench.run()));
      console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    killChildren();
    removeBenchRoot();
  }
  console.log(`\n${formatTable(rows)}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
});
