// Where a `varsync` start goes, next to benchmark 3: children that time their own phases with
// performance.now() (which counts from the process's start) — node's boot, loading tsx, its
// register(), importing the CLI's TypeScript — and the two largest dependencies with and without
// tsx's loader hooks in the way.
import { fileURLToPath } from 'node:url';
import { nodeOutput } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { childEnv } from './lib/setup.js';
import { summarize } from './lib/stats.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI_MAIN = new URL('../main/cli/main.ts', import.meta.url).href;

/** The same steps as bin/varsync.mjs, timed; prints one JSON object. */
const PHASES_SCRIPT = `
const boot = performance.now();
const { register } = await import('tsx/esm/api');
const loaded = performance.now();
register();
const registered = performance.now();
await import(${JSON.stringify(CLI_MAIN)});
const imported = performance.now();
process.stdout.write(JSON.stringify({ boot, tsx: loaded - boot, register: registered - loaded, main: imported - registered }));
`;

function dependenciesScript(withTsx: boolean): string {
  return `
${withTsx ? "(await import('tsx/esm/api')).register();" : ''}
const start = performance.now();
await import('axios');
const axios = performance.now();
await import('zod');
process.stdout.write(JSON.stringify({ axios: axios - start, zod: performance.now() - axios }));
`;
}

type Timings = Record<string, number>;

async function timeScript(script: string): Promise<Timings> {
  const output = await nodeOutput(['--input-type=module', '-e', script], childEnv({}), REPO);
  return JSON.parse(output) as Timings;
}

export async function startupBreakdown(reps: number): Promise<ResultRow[]> {
  const phases: Timings[] = [];
  const plain: Timings[] = [];
  const hooked: Timings[] = [];
  for (let rep = 0; rep < reps; rep++) {
    phases.push(await timeScript(PHASES_SCRIPT));
    plain.push(await timeScript(dependenciesScript(false)));
    hooked.push(await timeScript(dependenciesScript(true)));
  }
  const bench = '3 cold start';
  const of = (list: Timings[], key: string) => summarize(list.map((timings) => timings[key]!));
  return [
    row(bench, 'phase: node boot to user code', of(phases, 'boot'), 'ms', 'inside the child'),
    row(bench, 'phase: import tsx', of(phases, 'tsx'), 'ms'),
    row(bench, 'phase: tsx register()', of(phases, 'register'), 'ms', 'starts the loader-hooks thread'),
    row(bench, 'phase: import main/cli/main.ts', of(phases, 'main'), 'ms', 'all of the CLI, through the hooks'),
    row(
      bench,
      'import axios: plain / under tsx',
      of(plain, 'axios'),
      'ms',
      `under tsx: ${of(hooked, 'axios').median.toFixed(0)} ms (median)`,
    ),
    row(
      bench,
      'import zod: plain / under tsx',
      of(plain, 'zod'),
      'ms',
      `under tsx: ${of(hooked, 'zod').median.toFixed(0)} ms (median)`,
    ),
  ];
}
