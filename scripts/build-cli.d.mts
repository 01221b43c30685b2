// Types for scripts/build-cli.mjs (the tests import it).
export const CLI_META_FILE: string;
export function buildCli(root?: string, outDir?: string): Promise<string>;
