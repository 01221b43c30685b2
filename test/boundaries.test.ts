// DESIGN.md "Layout" and "Boundaries": each layer imports only what the layer table allows;
// nothing under main/core, main/cli, main/web, emulator (nor the shared contracts and the renderer)
// may import electron, and the Electron shell does not reach into the command line. The lint rule
// says so; this proves the rule fires and that the tree obeys it.
import { posix } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const BOUNDARY_RULES = new Set(['layers/imports']);

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
    const results = await eslint.lintFiles(['main', 'shared', 'emulator', 'renderer']);
    const offending = results.flatMap((result) =>
      result.messages
        .filter((message) => BOUNDARY_RULES.has(message.ruleId ?? ''))
        .map((message) => `${result.filePath}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(5);
    expect(offending).toEqual([]);
    // Linting the whole product tree takes a while on a loaded machine.
  }, 120_000);
});

/** An import of a module in folder `to` from a file in folder `from`, in each form a file can take. */
function importsOf(from: string, to: string): string[] {
  const specifier = `${posix.relative(from, to)}/y.js`;
  return [
    `import { y } from '${specifier}';\nexport const a = y;\n`,
    `import type { Y } from '${specifier}';\nexport type A = Y;\n`,
    `export { y } from '${specifier}';\n`,
    `export const m = await import('${specifier}');\n`,
  ];
}

describe('layer table', () => {
  // DESIGN.md: what each layer may not import (the shells and the command line are leaves; the core
  // and the contracts know no shell).
  const forbidden: Array<[string, string]> = [
    ['main/app', 'main/cli'],
    ['main/app', 'main/web'],
    ['main/app', 'emulator'],
    ['main/app', 'renderer'],
    ['main/core', 'main/app'],
    ['main/core', 'main/cli'],
    ['main/core', 'main/web'],
    ['main/core', 'main/preload'],
    ['main/core', 'emulator'],
    ['main/core', 'renderer'],
    ['main/cli', 'main/app'],
    ['main/cli', 'emulator'],
    ['main/web', 'main/app'],
    ['main/web', 'main/cli'],
    ['main/preload', 'main/core'],
    ['main/preload', 'main/app'],
    ['renderer', 'main/core'],
    ['renderer', 'main/app'],
    ['renderer', 'emulator'],
    ['shared', 'main/core'],
    ['shared', 'renderer'],
    ['emulator', 'main/core'],
    ['main/app-cli', 'main/web'],
    ['main/app-cli', 'emulator'],
    ['main/core', 'main/app-cli'],
    ['main/app', 'main/app-cli'],
    ['main/cli', 'main/app-cli'],
  ];

  it.each(forbidden)('refuses %s importing %s', async (from, to) => {
    for (const code of importsOf(from, to)) {
      expect(await boundaryViolations(code, `${from}/x.ts`), code).not.toEqual([]);
    }
  });

  it('refuses main/app importing main/cli from a nested file too', async () => {
    const code = "import { parseCommandLine } from '../../cli/arguments.js';\nexport const p = parseCommandLine;\n";
    expect(await boundaryViolations(code, 'main/app/deep/x.ts')).not.toEqual([]);
  });

  const allowed: Array<[string, string]> = [
    ['main/core', 'shared'],
    ['main/app', 'main/core'],
    ['main/app', 'shared'],
    ['main/preload', 'shared'],
    ['main/cli', 'main/core'],
    ['main/cli', 'main/web'],
    ['main/cli', 'shared'],
    ['main/web', 'main/core'],
    ['main/web', 'shared'],
    ['renderer', 'shared'],
    ['emulator', 'shared'],
    ['main/app-cli', 'main/app'],
    ['main/app-cli', 'main/cli'],
    ...['main/core', 'main/app', 'main/cli', 'main/web', 'renderer', 'shared', 'emulator'].map(
      (layer): [string, string] => [layer, `${layer}/sub`],
    ),
  ];

  it.each(allowed)('allows %s importing %s', async (from, to) => {
    for (const code of importsOf(from, to)) {
      expect(await boundaryViolations(code, `${from}/x.ts`), code).toEqual([]);
    }
  });

  it('lets only the demo of the core load the emulator', async () => {
    const code = "export const e = await import('../../emulator/index.js');\n";
    expect(await boundaryViolations(code, 'main/core/demo.ts')).toEqual([]);
    expect(await boundaryViolations(code, 'main/core/runtime.ts')).not.toEqual([]);
  });
});
