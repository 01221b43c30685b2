// DESIGN.md "Boundaries": nothing under main/core, main/cli, main/web, emulator (nor the shared
// contracts and the renderer) may import electron. The lint rule says so; this proves the rule
// fires and that the tree obeys it.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function boundaryViolations(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages
    .filter((message) => BOUNDARY_RULES.has(message.ruleId ?? ''))
    .map((message) => message.message);
}

describe('electron boundary', () => {
  it.each(['main/core/x.ts', 'main/cli/x.ts', 'main/web/x.ts', 'emulator/x.ts', 'shared/x.ts'])(
    'refuses every way of loading electron in %s',
    async (filePath) => {
      for (const code of [
        "import { app } from 'electron';\nexport const a = app;\n",
        "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
        "import { ipcMain } from 'electron/main';\nexport const i = ipcMain;\n",
        "export const e = await import('electron');\n",
        "export {};\nconst r = require('electron');\nexport const x = r;\n",
      ]) {
        expect(await boundaryViolations(code, filePath), code).not.toEqual([]);
      }
    },
  );

  it('allows electron in the shell', async () => {
    expect(
      await boundaryViolations("import { app } from 'electron';\nexport const a = app;\n", 'main/app/x.ts'),
    ).toEqual([]);
    expect(
      await boundaryViolations(
        "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n",
        'main/preload/x.ts',
      ),
    ).toEqual([]);
  });

  it('holds for every file in the tree', async () => {
    const results = await eslint.lintFiles(['main', 'shared', 'emulator']);
    const offending = results.flatMap((result) =>
      result.messages
        .filter((message) => BOUNDARY_RULES.has(message.ruleId ?? ''))
        .map((message) => `${result.filePath}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(5);
    expect(offending).toEqual([]);
  });
});
