#!/usr/bin/env node
// The `varsync` executable: loads the TypeScript sources through tsx and runs the command.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli/main.ts');
const stopSignal = new Promise((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => resolve(signal));
});
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  stopSignal,
});
process.exit(code);
