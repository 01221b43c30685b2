// Types for scripts/cli-build-state.mjs (the tests import it).
export interface InputRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
}
export const ROOT: string;
export const CLI_OUT_DIR: string;
export const CLI_ENTRY: string;
export const BUILD_STATE_FILE: string;
export const EXTRA_INPUTS: string[];
export function describeInputs(root: string, paths: string[]): Record<string, InputRecord>;
export function cliBuildProblem(root?: string, outDir?: string): string | undefined;
export function ensureCliBuilt(say: (line: string) => void, root?: string): Promise<void>;
