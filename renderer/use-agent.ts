// The agent's data as the window shows it: loaded at start, refreshed (coalesced) on every change
// notification and after the user's own actions. Failed loads keep the last good data on screen.
// One call per refresh brings what changed since the last answer (the variables as changes,
// variable-list.ts), not everything again; a change the agent pushed with its notification is
// applied without asking, when it is for the cursor the page holds. Answers are applied only onto
// the cursor they were given for, so a late one never undoes a newer one. At the start the page also
// asks for its first screen (the first rows and how many there are), which comes long before the
// whole list when there are thousands of variables, and shows it until the whole list is there.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AttemptView, ChangesPush, ChangesView, DeadLetterView, StatusView } from '../shared/agent-api.js';
import type { VariableView } from '../shared/variables.js';
import { describeError } from './format.js';
import { pageTranslator } from './i18n.js';
import { createRefresher, type Refresher } from './refresh.js';
import { applyVariableChanges } from './variable-list.js';
import { whenIdle } from './idle.js';
import { warmUpFormatting } from './warm-up.js';
import type { Transport } from './transport/transport.js';

/** Rows of the first screen: more than a tall window shows (styles.css: the table is at most 70vh), and a first scroll. */
export const FIRST_SCREEN_ROWS = 100;

export interface AgentData {
  status: StatusView | null;
  variables: readonly VariableView[] | null;
  /** How many variables there are while `variables` holds only the first of them (the first screen); null once it holds all. */
  variablesTotal: number | null;
  deadLetters: DeadLetterView[] | null;
  activity: AttemptView[] | null;
}

export interface AgentState extends AgentData {
  /** Why the last refresh failed, cleared by the next one that works. */
  loadError: string | null;
  /** False while live updates are not arriving (HTTP's event stream is down). */
  connected: boolean;
  refresher: Refresher;
  /** Shows a status the agent just returned (sync now) without waiting for a refresh. */
  showStatus(status: StatusView): void;
}

export function useAgent(transport: Transport): AgentState {
  const [data, setData] = useState<AgentData>({
    status: null,
    variables: null,
    variablesTotal: null,
    deadLetters: null,
    activity: null,
  });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [connected, setConnected] = useState(true);
  // The cursor of the last answer applied, and the list it brought (refreshes run one at a time).
  const held = useRef<{ cursor: string | null; list: readonly VariableView[] | null }>({ cursor: null, list: null });
  // Until the whole list is asked for, a change needs no asking of its own: that answer will hold it.
  const wholeListAsked = useRef(false);

  const refresher = useMemo(() => {
    /** Shows an answer given for the cursor the page holds; what did not change keeps its identity. */
    const apply = (changes: ChangesView) => {
      held.current = { cursor: changes.cursor, list: applyVariableChanges(held.current.list, changes.variables) };
      setData((previous) => ({
        status: changes.status,
        variables: held.current.list,
        variablesTotal: null,
        deadLetters: changes.deadLetters ?? previous.deadLetters,
        activity: changes.activity ?? previous.activity,
      }));
      setLoadError(null);
    };
    const ask = createRefresher(async () => {
      const since = held.current.cursor;
      let changes: ChangesView;
      try {
        changes = await transport.api.getChanges(since);
      } catch (error) {
        setLoadError(describeError(error, pageTranslator(null)));
        return;
      }
      // A push was applied while this was on its way: this answer is for a cursor the page no
      // longer holds (it may be older than the push), so ask again from the one it holds.
      if (held.current.cursor !== since) ask.request();
      else apply(changes);
    });
    return {
      ...ask,
      pushed(push: ChangesPush | null) {
        if (push && push.since === held.current.cursor && held.current.cursor !== null) apply(push.changes);
        else if (wholeListAsked.current || held.current.cursor !== null) ask.request();
      },
    };
  }, [transport]);

  // The window's frame is painted first; then its formatting is warmed up and the first screen asked
  // for: it lands on a page with nothing else to do and shows in the next frame (bench 7: asked
  // before the frame, it waited 20-80 ms for the page's own start, and the window showed no sooner).
  // The whole list is asked for once the first screen is on screen and the page idle, so that
  // building, sending and reading it (most of a megabyte at 10,000 variables) does not compete with
  // the first screen's frame or what follows it; at once if there is none.
  useLayoutEffect(() => {
    let stopped = false;
    const stopChanges = transport.api.onChange((push) => refresher.pushed(push));
    const stopConnection = transport.onConnectionChange?.(setConnected);
    const askWholeList = () => {
      if (stopped || wholeListAsked.current) return;
      wholeListAsked.current = true;
      void refresher.now();
    };
    const askFirstScreen = () => {
      if (stopped) return;
      warmUpFormatting();
      transport.api.getFirstScreen(FIRST_SCREEN_ROWS).then(
        (first) => {
          if (stopped) return;
          // Unless the whole list came first (the person's own action asked for it).
          if (held.current.list === null)
            setData({
              status: first.status,
              variables: first.variables.first,
              // Busy only while rows are missing: a short list is whole in its first screen.
              variablesTotal: first.variables.first.length < first.variables.total ? first.variables.total : null,
              deadLetters: first.deadLetters,
              activity: first.activity,
            });
          afterNextFrame(() => void whenIdle(askWholeList));
        },
        // Nothing to show early: the whole answer shows everything, or says what went wrong.
        askWholeList,
      );
    };
    afterNextFrame(askFirstScreen);
    return () => {
      stopped = true;
      stopChanges();
      stopConnection?.();
      refresher.dispose();
    };
  }, [transport, refresher]);

  return {
    ...data,
    loadError,
    connected,
    refresher,
    showStatus: (status) => setData((previous) => ({ ...previous, status })),
  };
}

/** How long a page that paints no frame (a background tab, a hidden window) waits instead. */
const NO_FRAME_WAIT_MS = 1_000;

/**
 * Runs `task` once: when the next frame has been painted (a frame callback runs before the paint; a
 * task it queues, after), or after NO_FRAME_WAIT_MS if no frame comes first.
 */
function afterNextFrame(task: () => void): void {
  let ran = false;
  const once = () => {
    if (ran) return;
    ran = true;
    clearTimeout(fallback);
    task();
  };
  const fallback = setTimeout(once, NO_FRAME_WAIT_MS);
  requestAnimationFrame(() => setTimeout(once, 0));
}

/** The current time, ticking once a second on the second (for countdowns and "3 min ago"). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      timer = setTimeout(tick, 1_000 - (current % 1_000) + 5);
    };
    timer = setTimeout(tick, 1_000 - (Date.now() % 1_000) + 5);
    return () => clearTimeout(timer);
  }, []);
  return now;
}
