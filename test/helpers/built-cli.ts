// The built `varsync` command (out/cli, scripts/build-cli.mjs), the one bin/varsync.mjs runs: the
// CLI tests call it in-process, so they test the bundle, not the sources. The global set-up
// (test/helpers/global-build.ts) has made sure it is the build of the sources in this checkout.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_ENTRY, CLI_OUT_DIR } from '../../scripts/cli-build-state.mjs';

type CliModule = typeof import('../../main/cli/main.js');

export const BUILT_CLI = join(CLI_OUT_DIR, CLI_ENTRY);

export const { runCli, runProcess } = (await import(pathToFileURL(BUILT_CLI).href)) as CliModule;
