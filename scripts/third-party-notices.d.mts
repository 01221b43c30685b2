// Types for scripts/third-party-notices.mjs (the tests import it).
export const NOTICES_FILE: string;
export const RENDERER_MODULES_FILE: string;
export const PACKED_PACKAGES: string[];
export function packagesOf(paths: string[]): string[];
export function noticesText(root: string, packageDirs: string[]): string;
export function bundledPackages(metafiles: Array<{ inputs: Record<string, unknown> }>, rendererDir?: string): string[];
