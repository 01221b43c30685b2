// What the window shows, as one answer per refresh (AgentApi.getChanges): the status, the variables
// as changes since the page's cursor (variable-feed.ts), and the refused values and the activity
// only when they differ from what that cursor was sent. The cursor carries this run's ID, the
// variables' version and a short hash of each of the other two, so nothing per page is kept here.
import { createHash, randomBytes } from 'node:crypto';
import type { AttemptView, ChangesView, DeadLetterView, StatusView } from '../../shared/agent-api.js';
import type { VariableView } from '../../shared/variables.js';
import { VariableFeed } from './variable-feed.js';

interface Cursor {
  run: string;
  version: number;
  deadLetters: string;
  activity: string;
}

/** What the feed reads of the agent (main/core/agent.ts). */
export interface AgentReads {
  status(): StatusView;
  variables(): VariableView[];
  deadLetters(): DeadLetterView[];
  activity(): AttemptView[];
}

export class ChangeFeed {
  /** Tells this feed's cursors from another run's (a restarted agent starts again at version 0). */
  private readonly run = randomBytes(6).toString('base64url');
  private readonly variables: VariableFeed;

  constructor(private readonly agent: AgentReads) {
    this.variables = new VariableFeed(() => agent.variables());
  }

  changesSince(cursor: string | null): ChangesView {
    const since = parseCursor(cursor);
    const status = this.agent.status();
    const { version, changes } = this.variables.changesSince(since?.run === this.run ? since.version : undefined);
    const deadLetters = this.agent.deadLetters();
    const activity = this.agent.activity();
    const hashes = { deadLetters: hashOf(deadLetters), activity: hashOf(activity) };
    return {
      cursor: [this.run, version, hashes.deadLetters, hashes.activity].join(':'),
      status,
      variables: changes,
      deadLetters: hashes.deadLetters === since?.deadLetters ? null : deadLetters,
      activity: hashes.activity === since?.activity ? null : activity,
    };
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

function parseCursor(cursor: string | null): Cursor | undefined {
  const parts = cursor?.split(':');
  if (parts?.length !== 4) return undefined;
  const [run, version, deadLetters, activity] = parts as [string, string, string, string];
  return /^\d+$/.test(version) ? { run, version: Number(version), deadLetters, activity } : undefined;
}
