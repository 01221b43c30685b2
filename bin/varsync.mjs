#!/usr/bin/env node
// The `varsync` executable of a checkout: runs the built command in out/cli (scripts/build-cli.mjs;
// `npm install` builds it). A build that is missing or older than the sources is rebuilt first,
// with a line on stderr saying so, or refused with a line saying what to run: never run stale.
import { ensureCliBuilt } from '../scripts/cli-build-state.mjs';

try {
  await ensureCliBuilt((line) => process.stderr.write(`${line}\n`));
} catch (error) {
  process.stderr.write(`varsync: ${error.message}\n`);
  process.exit(1);
}
const { runProcess } = await import('../out/cli/main.mjs');
process.exit(await runProcess(process.argv.slice(2)));
