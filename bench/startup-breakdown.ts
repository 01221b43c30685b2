// Where a `varsync` start goes, next to benchmark 3: children that time their own phases with
// performance.now() (which counts from the process's start): node's boot, importing the built
// command (out/cli: what `set`, `get` and `status` load), and what that leaves out until a command
// needs it (the HTTP client's chunk) next to the two largest dependencies loaded from node_modules.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { nodeOutput } from './lib/proc.js';
import { row, type ResultRow } from './lib/report.js';
import { childEnv } from './lib/setup.js';
import { summarize } from './lib/stats.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI_DIR = join(REPO, 'out', 'cli');

/** The chunk of the build that holds the License API client (loaded on its first call). */
function clientChunk(): string {
  const chunk = readdirSync(CLI_DIR).find(
    (name) => name.endsWith('.mjs') && readFileSync(join(CLI_DIR, name), 'utf8').includes('LicenseSignature'),
  );
  if (!chunk) throw new Error('no chunk of out/cli holds the License API client; run npm run build');
  return join(CLI_DIR, chunk);
}

function phasesScript(): string {
  return `
const boot = performance.now();
await import(${JSON.stringify(join(CLI_DIR, 'main.mjs'))});
const cli = performance.now();
await import(${JSON.stringify(clientChunk())});
const client = performance.now();
process.stdout.write(JSON.stringify({ boot, cli: cli - boot, client: client - cli }));
`;
}

const DEPENDENCIES_SCRIPT = `
const start = performance.now();
await import('axios');
const axios = performance.now();
await import('zod');
process.stdout.write(JSON.stringify({ axios: axios - start, zod: performance.now() - axios }));
`;

type Timings = Record<string, number>;

async function timeScript(script: string): Promise<Timings> {
  const output = await nodeOutput(['--input-type=module', '-e', script], childEnv({}), REPO);
  return JSON.parse(output) as Timings;
}

export async function startupBreakdown(reps: number): Promise<ResultRow[]> {
  const phases: Timings[] = [];
  const dependencies: Timings[] = [];
  const script = phasesScript();
  for (let rep = 0; rep < reps; rep++) {
    phases.push(await timeScript(script));
    dependencies.push(await timeScript(DEPENDENCIES_SCRIPT));
  }
  const bench = '3 cold start';
  const of = (list: Timings[], key: string) => summarize(list.map((timings) => timings[key]!));
  return [
    row(bench, 'phase: node boot to user code', of(phases, 'boot'), 'ms', 'inside the child'),
    row(bench, 'phase: import out/cli/main.mjs', of(phases, 'cli'), 'ms', 'what set, get and status load'),
    row(bench, 'phase: import the API client chunk', of(phases, 'client'), 'ms', 'loaded on the first request'),
    row(bench, 'import axios from node_modules', of(dependencies, 'axios'), 'ms', 'for comparison'),
    row(bench, 'import zod (full) from node_modules', of(dependencies, 'zod'), 'ms', 'for comparison'),
  ];
}
