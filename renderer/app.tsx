// The window: status header, this device, refused values and the variables table, over whichever
// transport this page has. Every action reports failure in the error banner and success in a
// polite live region, then refreshes.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgentStateName } from '../shared/agent-api.js';
import { describeError, stateWords, SYNC_OUTCOME_NOTICE } from './format.js';
import { I18n, useTranslator } from './i18n.js';
import { pure, useStableCallback } from './pure.js';
import { useAgent } from './use-agent.js';
import type { Transport } from './transport/transport.js';
import { Activity } from './components/activity.js';
import { DeadLetters } from './components/dead-letters.js';
import { DeviceInfo } from './components/device-info.js';
import { ErrorBanner } from './components/error-banner.js';
import { NetworkCheckPanel } from './components/network-check.js';
import { StatusPanel } from './components/status-panel.js';
import { VariablesTable } from './components/variables-table.js';

const NOTICE_MS = 15_000;

// A refresh brings a new status; these sections render again only when what they show changed.
const StatusSection = pure(StatusPanel);
const DeviceSection = pure(DeviceInfo);
const DeadLettersSection = pure(DeadLetters);
const ActivitySection = pure(Activity);
const NetworkCheckSection = pure(NetworkCheckPanel);
const VariablesSection = pure(VariablesTable);

interface Notice {
  id: number;
  text: string;
  whileState: AgentStateName | undefined;
}

export function App({ transport }: { transport: Transport }) {
  const agent = useAgent(transport);
  const { api } = transport;
  const { status, variables, deadLetters, activity } = agent;
  const translator = useTranslator(status?.locale);
  const { t } = translator;
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // Also guarded outside state: two clicks can land before the button re-renders as disabled.
  const running = useRef(new Set<string>());

  /** Says `text` in the live region; with `whileState`, only for as long as the agent stays in that state. */
  const announce = useStableCallback((text: string, whileState?: AgentStateName) =>
    setNotice((previous) => ({ id: (previous?.id ?? 0) + 1, text, whileState })),
  );

  // A result stays readable for a while, then goes, so an old "Sync finished" never misleads.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // In a browser tab the title is the only thing seen when the tab is in the background; the
  // desktop window keeps its name (the tray shows the state there).
  useEffect(() => {
    if (transport.kind !== 'http') return;
    document.title = status
      ? t(status.demo ? 'app.titleDemo' : 'app.title', { state: stateWords(t, status.state).label })
      : 'Varsync';
  }, [transport.kind, status?.state, status?.demo, translator]);

  /** Runs one action at a time per key; `work` returns what to announce. */
  async function act(key: string, work: () => Promise<string | undefined>, focusAfter?: () => HTMLElement | null) {
    if (running.current.has(key)) return;
    running.current.add(key);
    setBusy((current) => new Set(current).add(key));
    setActionError(null);
    try {
      const message = await work();
      if (message) announce(message);
    } catch (error) {
      setActionError(describeError(error, translator));
    } finally {
      running.current.delete(key);
      setBusy((current) => {
        const next = new Set(current);
        next.delete(key);
        return next;
      });
    }
    await agent.refresher.now();
    // The button that had focus may be gone (a retried row): keep the reader in the same place.
    if (focusAfter && (document.activeElement === null || document.activeElement === document.body))
      focusAfter()?.focus();
  }

  const focusDeadLettersOrVariables = () =>
    document.getElementById('dead-letters-heading') ?? document.getElementById('variables-heading');

  const onSyncNow = useStableCallback(() =>
    act('sync', async () => {
      const result = await api.syncNow();
      agent.showStatus(result.status);
      // "Sync finished" must not linger next to a state that says otherwise a moment later.
      announce(t(SYNC_OUTCOME_NOTICE[result.outcome]), result.status.state);
      return undefined;
    }),
  );

  const onTogglePause = useStableCallback(() =>
    act('pause', async () => {
      if (status?.paused) {
        await api.resume();
        return t('notice.resumed');
      }
      await api.pause();
      return t('notice.paused');
    }),
  );

  const onOpenLogsFolder = useStableCallback(() =>
    act('logs', async () => ((await api.openLogsFolder()) ? undefined : t('notice.logsFolderFailed'))),
  );

  const onRetry = useStableCallback((names?: string[]) =>
    act(
      `retry:${names?.join('\n') ?? '*'}`,
      async () => t('notice.retried', { count: await api.retryDeadLetters(names) }),
      focusDeadLettersOrVariables,
    ),
  );

  const onDiscard = useStableCallback((names?: string[]) =>
    act(
      `discard:${names?.join('\n') ?? '*'}`,
      async () => t('notice.discarded', { count: await api.discardDeadLetters(names) }),
      focusDeadLettersOrVariables,
    ),
  );

  const dismissActionError = useStableCallback(() => setActionError(null));
  const reload = useStableCallback(() => void agent.refresher.now());

  return (
    <I18n.Provider value={translator}>
      <div class="app">
        <header class="top">
          <div class="brand">
            <h1 translate={false}>Varsync</h1>
            {status?.demo && (
              <span class="demo-badge" data-testid="demo-badge">
                {t('app.demo')}
              </span>
            )}
          </div>
          {status?.demo && <p class="demo-note">{t('app.demoNote')}</p>}
        </header>
        <ErrorBanner
          actionError={actionError}
          loadError={agent.loadError}
          onDismiss={dismissActionError}
          onRetry={reload}
        />
        {!agent.connected && (
          <p class="connection" role="status" data-testid="connection-lost">
            {t('app.connectionLost')}
          </p>
        )}
        {/* The window's frame shows at once; each section says it is loading until the first answer,
            so that only the data is new when it lands (bench 7). */}
        <main aria-busy={status === null}>
          <div class="overview">
            {status ? (
              <StatusSection
                status={status}
                busy={busy}
                canOpenLogsFolder={transport.canOpenLogsFolder}
                onSyncNow={onSyncNow}
                onTogglePause={onTogglePause}
                onOpenLogsFolder={onOpenLogsFolder}
              />
            ) : (
              <section class="panel status" aria-labelledby="status-heading">
                <h2 id="status-heading" class="sr-only">
                  {t('status.heading')}
                </h2>
                <p class="loading" data-testid="loading">
                  {agent.loadError ? t('app.unreachable') : t('app.loading')}
                </p>
              </section>
            )}
            {status && (
              <DeviceSection
                product={status.product}
                hardwareId={status.hardwareId?.id ?? null}
                hardwareIdSource={status.hardwareId?.source ?? null}
                announce={announce}
              />
            )}
          </div>
          <p class="announcer" role="status" data-testid="notice">
            {notice && (notice.whileState === undefined || notice.whileState === status?.state) && (
              <span key={notice.id}>{notice.text}</span>
            )}
          </p>
          {deadLetters && (
            <DeadLettersSection deadLetters={deadLetters} busy={busy} onRetry={onRetry} onDiscard={onDiscard} />
          )}
          <ActivitySection attempts={activity} api={api} announce={announce} />
          <NetworkCheckSection api={api} announce={announce} />
          <VariablesSection variables={variables} total={agent.variablesTotal} />
        </main>
      </div>
    </I18n.Provider>
  );
}
