// What the window talks to: the one AgentApi, plus what this carrier can and cannot do.
import type { AgentApi } from '../../shared/agent-api.js';

export interface Transport {
  kind: 'ipc' | 'http';
  api: AgentApi;
  /** Whether "Open logs folder" can do anything here (only the desktop app has a file manager to open). */
  canOpenLogsFolder: boolean;
  /**
   * Health of the live-update channel, where it can break (HTTP's event stream). The listener
   * hears false when updates stop arriving and true when they resume. Returns the unsubscribe function.
   */
  onConnectionChange?: (listener: (connected: boolean) => void) => () => void;
}
