// Types for scripts/electron-antipatterns.mjs (the tests import it).
export interface Finding {
  /** Relative to the scanned root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  rule:
    | 'insecure-web-preference'
    | 'remote-module'
    | 'unchecked-open-external'
    | 'remote-content'
    | 'webview'
    | 'string-eval'
    | 'insecure-switch';
  message: string;
}

export const ROOT: string;
export const SCANNED_FOLDERS: string[];
export const URL_CHECK: { name: string; file: string };

export function findAntiPatterns(options?: { root?: string; folders?: string[] }): {
  files: number;
  findings: Finding[];
};
export function main(argv?: string[], print?: (line: string) => void): number;
