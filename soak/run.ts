// `npm run soak [-- --short] [-- --seed N]`: the fault soak (see soak/soak.ts). SOAK_MODE=short and
// SOAK_SEED=N do the same as the flags. Exit codes: 0 passed, 1 something was lost or stale (or
// another failure, printed), 2 bad arguments, 3 nothing failed but the targets were not reached
// within the time bound.
import { parseArgs } from 'node:util';
import { killAllChildren } from './children.js';
import { formatReport } from './report.js';
import { freshSeed } from './random.js';
import { SOAK_SETTINGS, type SoakMode } from './settings.js';
import { runSoak } from './soak.js';

const USAGE = `Usage: npm run soak -- [--short] [--seed N]
  full (default): at least 10,000 sets over 2,000 names, every fault kind at least 4 times, 60+ daemon restarts; at most 15 minutes.
  --short (or SOAK_MODE=short): 2,000 sets over 400 names, every fault kind twice, 25+ restarts; at most 2.5 minutes.
  --seed N (or SOAK_SEED=N): replay a run's decisions (names, values, fault order, kill moments).`;

function fail(message: string): never {
  console.error(`soak: ${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const modeText = values.short ? 'short' : (process.env.SOAK_MODE ?? 'full');
if (modeText !== 'full' && modeText !== 'short') fail(`SOAK_MODE must be full or short, not "${modeText}"`);
const seedText = values.seed ?? process.env.SOAK_SEED;
const seed = seedText === undefined || seedText === '' ? freshSeed() : Number(seedText);
if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
  fail(`the seed must be a whole number from 0 to 2^32-1, not "${seedText}"`);

// Stopped early: take the daemon and the other children along (a daemon never ends by itself).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    console.error(`soak: ${signal}; stopped before the end, no verdict.`);
    process.exit(130);
  });
}

const settings = SOAK_SETTINGS[modeText as SoakMode];
console.log(
  `Varsync fault soak, ${settings.mode} mode, seed ${seed}; at most ${Math.ceil((settings.maxRunMs + settings.finalFaultMs + settings.maxDrainMs) / 60_000)} min.`,
);
const report = await runSoak({ settings, seed, progress: (line) => console.log(line) });
console.log(formatReport(report));
process.exit(!report.passed ? 1 : report.complete ? 0 : 3);
