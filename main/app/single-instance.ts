// One Varsync per user. A second launch hands over to the running one: with `--set NAME=VALUE`
// arguments (a vendor's installer or app setting variables) the running agent queues them;
// without, the running window comes forward. The second launch then quits.
import { app } from 'electron';
import { z } from 'zod';
import { parseAssignment } from '../../shared/variables.js';
import type { VariableValue } from '../../shared/wire.js';
import type { Agent } from '../core/agent.js';
import type { Logger } from '../core/log.js';

export const SET_FLAG = '--set';

export interface InstanceHandover {
  /** Start handing launches over (those that came before are delivered now, in order). */
  deliverTo(receive: (argv: string[]) => void): void;
}

// The arguments also travel as additionalData: Chromium may reorder a command line's switches
// (notably on Windows), which would separate `--set` from its value.
const handedOver = z.object({ argv: z.array(z.string()) });

/** Take the single-instance lock; undefined when another instance holds it (this one should quit). */
export function setupSingleInstance(argv: string[] = process.argv): InstanceHandover | undefined {
  if (!app.requestSingleInstanceLock({ argv })) return undefined;
  const early: string[][] = [];
  let receiver: ((argv: string[]) => void) | undefined;
  app.on('second-instance', (_event, commandLine, _workingDirectory, additionalData) => {
    const parsed = handedOver.safeParse(additionalData);
    const args = parsed.success ? parsed.data.argv : commandLine;
    if (receiver) receiver(args);
    else early.push(args);
  });
  return {
    deliverTo(receive) {
      receiver = receive;
      for (const args of early.splice(0)) receive(args);
    },
  };
}

/** The `--set NAME=VALUE` (or `--set=NAME=VALUE`, `NAME:=JSON`) arguments of a command line. */
export function setArguments(argv: string[]): Array<[string, VariableValue]> {
  const assignments: Array<[string, VariableValue]> = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === SET_FLAG && index + 1 < argv.length) assignments.push(parseAssignment(argv[++index]!));
    else if (argument.startsWith(`${SET_FLAG}=`))
      assignments.push(parseAssignment(argument.slice(SET_FLAG.length + 1)));
  }
  return assignments;
}

/**
 * Apply a launch's `--set` arguments with agent.set (all or nothing, like `varsync set`).
 * Returns false when there were none, so the caller can show the window instead.
 */
export function applySetArguments(argv: string[], agent: Agent, log: Logger): boolean {
  let assignments: Array<[string, VariableValue]>;
  try {
    assignments = setArguments(argv);
    if (assignments.length === 0) return false;
    const outcome = agent.set(Object.fromEntries(assignments));
    log.info(
      `launch arguments: queued ${outcome.queued.length}${outcome.unchanged.length > 0 ? `, ${outcome.unchanged.length} unchanged` : ''}`,
    );
  } catch (error) {
    log.error(`launch arguments refused, nothing queued: ${(error as Error).message}`);
  }
  return true;
}
