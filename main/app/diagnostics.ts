// The tray's "Collect diagnostics...": ask where to save (the desktop, by default), write the same
// bundle as `varsync diagnostics`, and show it in the file manager. A failure is shown and logged,
// never fatal.
import { app, dialog, shell } from 'electron';
import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Agent } from '../core/agent.js';
import type { ResolvedConfig } from '../core/config/resolve.js';
import { bundlePathProblem, defaultBundleName, writeDiagnosticsBundle } from '../core/diagnostics/bundle.js';
import { readOsMachineId } from '../core/identity/hardware-id.js';
import type { Logger } from '../core/log.js';
import { sensitiveValues } from '../core/log/redaction.js';

export interface DiagnosticsContext {
  agent: Agent;
  config: ResolvedConfig;
  logsDir: string;
  log: Logger;
}

const FAILURE_TITLE = 'Varsync could not save the diagnostics';

/** Resolves to the path written, or undefined when the person cancelled or it failed. */
export async function collectDiagnostics(context: DiagnosticsContext): Promise<string | undefined> {
  const choice = await dialog.showSaveDialog({
    title: 'Save Varsync diagnostics',
    defaultPath: join(app.getPath('desktop'), defaultBundleName()),
    buttonLabel: 'Save',
    filters: [{ name: 'Zip archive', extensions: ['zip'] }],
  });
  if (choice.canceled || !choice.filePath) return undefined;
  // Some Linux dialogs do not add the filter's extension (a folder chosen stays one, and is refused).
  const path =
    extname(choice.filePath) === '' && !isFolder(choice.filePath) ? `${choice.filePath}.zip` : choice.filePath;
  const problem = bundlePathProblem(path);
  if (problem) {
    dialog.showErrorBox(FAILURE_TITLE, `${problem[0]!.toUpperCase()}${problem.slice(1)}.`);
    return undefined;
  }
  try {
    const { config } = context;
    await writeDiagnosticsBundle(path, {
      config,
      agent: context.agent,
      logDir: context.logsDir,
      secrets: sensitiveValues(config, readOsMachineId()),
    });
    context.log.info(`diagnostics written to ${path}`);
    shell.showItemInFolder(path);
    return path;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log.error(`collecting diagnostics: ${message}`);
    dialog.showErrorBox(FAILURE_TITLE, message);
    return undefined;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
