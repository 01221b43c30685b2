// What the window shows, as one answer per refresh (AgentApi.getChanges): the status, the variables
// as changes since the page's cursor (variable-feed.ts), and the refused values and the activity
// only when they differ from what that cursor was sent. The cursor carries this run's ID, the
// variables' version and a short hash of each of the other two. A page that names itself also has
// the cursor it was last given kept here, so that what is pushed to it (change-push.ts) follows on
// from its last answer, whichever way that answer came.
import { createHash, randomBytes } from 'node:crypto';
import type {
  AttemptView,
  ChangesPush,
  ChangesView,
  DeadLetterView,
  FirstScreenView,
  StatusView,
} from '../../shared/agent-api.js';
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
  firstVariables(count: number): { first: VariableView[]; total: number };
  deadLetters(): DeadLetterView[];
  activity(): AttemptView[];
}

/** Pages whose last cursor is kept (a new one pushes out the one that asked longest ago). */
const KEPT_PAGES = 32;

export class ChangeFeed {
  /** Tells this feed's cursors from another run's (a restarted agent starts again at version 0). */
  private readonly run = randomBytes(6).toString('base64url');
  private readonly variables: VariableFeed;
  private readonly pages = new Map<string, string>();

  constructor(private readonly agent: AgentReads) {
    this.variables = new VariableFeed(() => agent.variables());
  }

  /** The changes since `cursor`; for `page`, also remembered as what that page now holds. */
  changesSince(cursor: string | null, page?: string): ChangesView {
    const since = parseCursor(cursor);
    const status = this.agent.status();
    const { version, changes } = this.variables.changesSince(since?.run === this.run ? since.version : undefined);
    const deadLetters = this.agent.deadLetters();
    const activity = this.agent.activity();
    const hashes = { deadLetters: hashOf(deadLetters), activity: hashOf(activity) };
    const answer: ChangesView = {
      cursor: [this.run, version, hashes.deadLetters, hashes.activity].join(':'),
      status,
      variables: changes,
      deadLetters: hashes.deadLetters === since?.deadLetters ? null : deadLetters,
      activity: hashes.activity === since?.activity ? null : activity,
    };
    if (page !== undefined) this.remember(page, answer.cursor);
    return answer;
  }

  /**
   * A page's first screen (AgentApi.getFirstScreen): the first `rows` variables and how many there
   * are, with the rest of a first answer. No cursor and nothing remembered: the whole list comes
   * from changesSince(null), which the page asks for once it has shown this.
   */
  firstScreen(rows: number): FirstScreenView {
    return {
      status: this.agent.status(),
      variables: this.agent.firstVariables(rows),
      deadLetters: this.agent.deadLetters(),
      activity: this.agent.activity(),
    };
  }

  /**
   * What to send `page` with a change, unasked (change-push.ts): the changes since the last answer
   * it was given, asked for or pushed. Null while it has had none: it asks for its first.
   */
  pushFor(page: string): ChangesPush | null {
    const since = this.cursorOf(page);
    return since === undefined ? null : { since, changes: this.changesSince(since, page) };
  }

  /** The cursor `page` was last given, if it asked (or was sent something) lately. */
  cursorOf(page: string): string | undefined {
    return this.pages.get(page);
  }

  private remember(page: string, cursor: string): void {
    this.pages.delete(page);
    this.pages.set(page, cursor);
    if (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value!);
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
