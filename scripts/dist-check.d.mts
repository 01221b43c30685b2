// Types for scripts/dist-check.mjs (the tests import it).
export interface CheckResult {
  ok: boolean;
  text: string;
}
export interface Fingerprint {
  sha256: string;
  size: number;
  mtimeMs: number;
}
// electron-builder's configuration object, as its loader returns it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BuilderConfig = Record<string, any>;

export const ROOT: string;
export const REQUIRED_TARGETS: { win: string[]; mac: string[]; linux: string[] };
export const REQUIRED_FUSES: Record<string, boolean>;
export const MUST_PACK: string[];
export const MUST_NOT_PACK: string[];
export const MUST_PACK_MODULES: string[];
export const MUST_NOT_PACK_MODULES: string[];
export const LAUNCHERS: { win: { from: string; to: string }; mac: { from: string; to: string } };
export const SQLITE_MODULE: string;

export function loadConfiguration(
  projectDir?: string,
  configFile?: string | null,
): Promise<{ config: BuilderConfig; schemaError?: string }>;
export function checkConfiguration(config: BuilderConfig, projectDir?: string): Promise<CheckResult[]>;
export function checkUnpackedApp(outDir: string, config: BuilderConfig): Promise<CheckResult[]>;
export function isPacked(config: BuilderConfig, path: string, projectDir?: string): boolean;
export function isUnpacked(config: BuilderConfig, path: string, projectDir?: string): boolean;
export function sqliteBuildFingerprint(projectDir?: string): Fingerprint | undefined;
export function icoProblems(buffer: Buffer): string[];
export function icnsProblems(buffer: Buffer): string[];
export function iconSetProblems(dir: string): string[];
export function loadedPackages(source: string): string[];
export function electronDistribution(
  env?: NodeJS.ProcessEnv,
  platform?: NodeJS.Platform,
): { dir: string; variable: string; version?: string; reason?: undefined } | { dir?: undefined; reason: string };
export function main(argv?: string[], env?: NodeJS.ProcessEnv, print?: (line: string) => void): Promise<number>;
