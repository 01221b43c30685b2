// `npm run fleet`: the fleet simulator (docs/FLEET.md). Prints a table, or with --json a last line
// of one JSON object; --chart FILE.svg writes the requests-per-second and pending chart.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PLAN_NAMES, type PlanName } from '../../emulator/index.js';
import { fleetChart } from './chart.js';
import { runFleet, type FleetOptions, type FleetReport } from './fleet.js';
import { POLICY_ABOUT, POLICY_NAMES, type PolicyName } from './policies.js';

const USAGE = `Usage: npm run fleet -- [--devices N] [--plan ${PLAN_NAMES.join('|')}] [--outage-minutes M]
         [--names-per-device K] [--seed S] [--policy ${POLICY_NAMES.join('|')}] [--auth hmac|oauth]
         [--vendor-share 0.1] [--spread-seconds S] [--max-drain-minutes 120] [--chart FILE.svg] [--json]

Simulates D devices (real sync engines and SQLite stores, in-process License API with the plan's
rate limits, one virtual clock) through an outage of M minutes during which each sets K names,
then the drain. Policies: ${POLICY_NAMES.map((name) => `\n  ${name.padEnd(10)} ${POLICY_ABOUT[name]}`).join('')}`;

function fail(message: string): never {
  console.error(`fleet: ${message}`);
  process.exit(2);
}

function positive(text: string | undefined, name: string, fallback: number, allowZero = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    fail(`--${name} must be a positive number, got "${text}".`);
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        devices: { type: 'string' },
        plan: { type: 'string' },
        'outage-minutes': { type: 'string' },
        'names-per-device': { type: 'string' },
        seed: { type: 'string' },
        policy: { type: 'string' },
        auth: { type: 'string' },
        'vendor-share': { type: 'string' },
        'spread-seconds': { type: 'string' },
        'max-drain-minutes': { type: 'string' },
        chart: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}. Run with --help for the options.`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const plan = (values.plan ?? 'free') as PlanName;
  if (!PLAN_NAMES.includes(plan)) fail(`--plan must be one of ${PLAN_NAMES.join(', ')}, got "${values.plan}".`);
  const policy = (values.policy ?? 'good') as PolicyName;
  if (!POLICY_NAMES.includes(policy))
    fail(`--policy must be one of ${POLICY_NAMES.join(', ')}, got "${values.policy}".`);
  const auth = values.auth ?? 'hmac';
  if (auth !== 'hmac' && auth !== 'oauth') fail(`--auth must be hmac or oauth, got "${auth}".`);
  const options: FleetOptions = {
    devices: Math.round(positive(values.devices, 'devices', 10_000)),
    plan,
    outageMinutes: positive(values['outage-minutes'], 'outage-minutes', 60),
    namesPerDevice: Math.round(positive(values['names-per-device'], 'names-per-device', 20)),
    seed: Math.round(positive(values.seed, 'seed', 1)),
    policy,
    auth,
    vendorShare: positive(values['vendor-share'], 'vendor-share', 0.1, true),
    spreadSeconds:
      values['spread-seconds'] === undefined
        ? undefined
        : positive(values['spread-seconds'], 'spread-seconds', 0, true),
    maxDrainSeconds: positive(values['max-drain-minutes'], 'max-drain-minutes', 120) * 60,
  };
  // Tens of millions of refused connections and parsed answers: error stack traces are not read
  // here, and building them (through source maps) would cost more than the simulation itself.
  Error.stackTraceLimit = 0;
  const run = await runFleet(options);
  if (values.chart) {
    writeFileSync(values.chart, fleetChart(run, `Fleet drain after a ${options.outageMinutes}-minute outage`));
    if (!values.json) console.log(`chart written to ${values.chart}`);
  }
  if (values.json) console.log(JSON.stringify(run.report));
  else console.log(table(run.report));
}

function table(report: FleetReport): string {
  const rows: Array<[string, string]> = [
    ['devices', `${report.devices} (${report.namesPerDevice} names each, ${report.auth})`],
    ['plan', `${report.plan}; fleet spread ${report.spreadSeconds} s`],
    ['policy', report.policy],
    ['outage', `${report.outageMinutes} min`],
    ['requests', `${report.requests} (${report.trackRequests} track, ${report.probes} probes)`],
    ['rate limited (429)', `${report.rateLimited} (${(report.rateLimitedShare * 100).toFixed(1)}%)`],
    ['lost', String(report.lost)],
    ['drain', report.drainSeconds === null ? 'not finished' : `${report.drainSeconds.toFixed(0)} s`],
    ['minimum drain', `${report.minimumDrainSeconds.toFixed(0)} s (ratio ${report.drainRatio ?? '-'})`],
    ['peak accepted', `${report.peakPerSecond}/s`],
    [
      'vendor app',
      `${report.vendorRefused} of ${report.vendorRequests} refused during the drain (${(report.vendorRefusedShare * 100).toFixed(1)}%)`,
    ],
    ['seed', String(report.seed)],
    ['run', `${report.wallSeconds} s wall, ${report.cpuSeconds} s of processor, ${report.heapMegabytes} MB resident`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

await main();
