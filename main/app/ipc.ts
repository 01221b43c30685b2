// The main process's side of the typed IPC channel map (shared/ipc.ts): one handler per channel,
// each refusing callers that are not the app's own page and arguments that do not match the
// channel's schema, before anything reaches the agent. Errors cross as a short message only.
import { ipcMain, type WebContents } from 'electron';
import type { AgentApi } from '../../shared/agent-api.js';
import { IPC_CHANGED_EVENT, IPC_INVOKE, IPC_METHOD, type IpcInvokeChannel } from '../../shared/ipc.js';
import type { Agent } from '../core/agent.js';
import type { Logger } from '../core/log.js';
import { ChangeFeed } from '../core/change-feed.js';
import { onChangeBursts } from '../core/change-push.js';
import { senderProblem } from './security.js';

/** What the renderer can ask of the agent: AgentApi without the event subscription. */
export type AgentService = Omit<AgentApi, 'onChange'>;

/** The app window's name in the change feed: its answers and its pushes follow on from each other. */
export const WINDOW_PAGE = 'app-window';

/** `feed` answers getChanges; the window's pushes (forwardChanges) must come from the same one. */
export function createAgentService(
  agent: Agent,
  openLogsFolder: () => Promise<boolean>,
  feed = new ChangeFeed(agent),
): AgentService {
  return {
    getStatus: async () => agent.status(),
    getVariables: async () => agent.variables(),
    getChanges: async (since) => feed.changesSince(since, WINDOW_PAGE),
    getFirstScreen: async (rows) => feed.firstScreen(rows),
    getDeadLetters: async () => agent.deadLetters(),
    syncNow: async () => agent.syncNow(),
    pause: async () => agent.pause(),
    resume: async () => agent.resume(),
    retryDeadLetters: async (names) => agent.retryDeadLetters(names),
    discardDeadLetters: async (names) => agent.discardDeadLetters(names),
    openLogsFolder,
    getActivity: async () => agent.activity(),
    getAttemptLog: async (correlationId) => {
      const log = agent.attemptLog(correlationId);
      if (!log) throw new Error(`no recent sync attempt has the ID ${correlationId}`);
      return log;
    },
    checkNetwork: () => agent.checkNetwork(),
  };
}

export const IPC_CHANNELS = Object.keys(IPC_INVOKE) as IpcInvokeChannel[];

/** Register every channel's handler; returns the function that removes them. */
export function setupIpc(service: AgentService, log: Logger): () => void {
  for (const channel of IPC_CHANNELS) {
    const call = service[IPC_METHOD[channel]] as (...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const refusal = senderProblem(event);
      if (refusal) {
        log.warn(`ipc ${channel}: refused a call: ${refusal}`);
        throw new Error(`refused: ${refusal}`);
      }
      const parsed = IPC_INVOKE[channel].safeParse(args);
      if (!parsed.success) {
        log.warn(`ipc ${channel}: refused a call with bad arguments: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        throw new Error(`refused: bad arguments for ${channel}`);
      }
      try {
        return await call(...parsed.data);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`ipc ${channel}: ${message}`);
        throw new Error(message.split('\n')[0]);
      }
    });
  }
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Tell the window's page when the agent changes, with the changes since the previous push (core/change-push.ts). */
export function forwardChanges(agent: Agent, feed: ChangeFeed, page: () => WebContents | undefined): () => void {
  return onChangeBursts(agent, () => {
    const contents = page();
    // null before the page's first answer: it asks.
    if (contents && !contents.isDestroyed()) contents.send(IPC_CHANGED_EVENT, feed.pushFor(WINDOW_PAGE));
  });
}
