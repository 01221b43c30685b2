export function keepNodeBuild(appDir: string): boolean;
export function restoreNodeBuild(): void;
export default function beforeBuild(context: {
  appDir: string;
  electronVersion?: string;
  platform?: unknown;
  arch?: string;
}): Promise<boolean>;
