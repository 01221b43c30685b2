// vitest's global set-up: before any test file runs, the built `varsync` (out/cli) is brought up
// to date with the sources, once, so that the CLI tests and every spawned bin/varsync.mjs test the
// current code and no two of them rebuild it at the same moment.
import { ensureCliBuilt } from '../../scripts/cli-build-state.mjs';

export default async function setup(): Promise<void> {
  await ensureCliBuilt((line) => console.log(line));
}
