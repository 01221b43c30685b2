// The fault soak in its short mode (`npm run soak -- --short`, see soak/soak.ts): the daemon
// `varsync run` against the emulator while sets arrive from a setter process and `varsync set`
// commands, every fault kind is injected, and the daemon is SIGKILLed and restarted at random.
// At the end the server must hold the last acknowledged value of every name.
import { afterAll, expect, it } from 'vitest';
import { killAllChildren } from '../../soak/children.js';
import { FAULT_KINDS } from '../../soak/faults.js';
import { freshSeed } from '../../soak/random.js';
import { formatReport } from '../../soak/report.js';
import { SOAK_SETTINGS } from '../../soak/settings.js';
import { runSoak } from '../../soak/soak.js';

const SEED = Number(process.env.SOAK_SEED || freshSeed());

// runSoak kills its children itself; this covers a test that times out while they run (a daemon never ends alone).
afterAll(() => killAllChildren());

it('loses nothing and leaves nothing stale through every fault kind and 20+ SIGKILLed daemons (short soak)', async () => {
  const report = await runSoak({ settings: SOAK_SETTINGS.short, seed: SEED });
  const printed = formatReport(report);
  console.log(printed);

  expect(report.problems, printed).toEqual([]);
  expect(report.verdict.lost, 'acknowledged values lost').toEqual([]);
  expect(report.verdict.stale, 'stale values on the server').toEqual([]);
  expect(report.verdict.localDisagrees, 'local view differs from the acknowledged value').toEqual([]);
  // Checked all along too, not only at the end: a later set cannot hide a value dropped earlier.
  expect(report.audits.count).toBeGreaterThan(10);
  expect(report.audits.examples, 'names without their last acknowledged value during the run').toEqual([]);
  expect(report.drainMs, 'drained after the last fault').toBeDefined();
  // Valid names and values only: no dead letters at all, and any there must carry a reason.
  expect(report.deadLetters).toEqual([]);

  expect(report.daemon.restarts).toBeGreaterThanOrEqual(20);
  for (const kind of FAULT_KINDS) expect(report.faults[kind].hits, `${kind} hit the daemon`).toBeGreaterThanOrEqual(1);
  expect(report.sets.acknowledged).toBeGreaterThanOrEqual(1_000);
  expect(report.sets.cliCommands, 'real `varsync set` commands').toBeGreaterThanOrEqual(1);
  expect(report.traffic.setterKills, 'setter processes killed').toBeGreaterThanOrEqual(1);
  // Every acknowledged name was compared, and each holds its last value on the server.
  expect(report.verdict.synced).toBe(report.verdict.names);
  expect(report.verdict.names).toBeGreaterThan(SOAK_SETTINGS.short.names / 2);
}, 240_000);
