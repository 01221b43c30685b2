// Human-readable output of the `varsync` command.
import type { AgentStatus } from '../core/agent.js';
import type { VariableView } from '../../shared/variables.js';

const STATE_WORDS: Record<AgentStatus['state'], string> = {
  synced: 'synced: everything is on the server',
  syncing: 'syncing now',
  pending: 'pending: changes are waiting to be sent',
  offline: 'offline: the License API cannot be reached; changes are kept',
  attention: 'needs attention: sending is on hold',
  paused: 'paused by the user',
};

export function formatStatus(status: AgentStatus, now = Date.now()): string {
  const lines: Array<[string, string]> = [
    ['State', STATE_WORDS[status.state]],
    [
      'Pending',
      `${status.pending}${status.failed > 0 ? ` (and ${status.failed} refused by the server: see varsync get)` : ''}`,
    ],
    ['Last sync', when(status.lastSyncAt, now)],
    [
      'Next attempt',
      status.nextAttemptAt
        ? when(status.nextAttemptAt, now)
        : status.engine.running
          ? 'when something changes'
          : 'no daemon is running (varsync run)',
    ],
  ];
  if (status.lastError && status.explanation) {
    lines.push(['Problem', `${status.explanation.reason} (${status.lastError.code})`]);
    lines.push(['What to do', status.explanation.action]);
  }
  if (status.clockOffsetMs !== null)
    lines.push(['Clock offset', `${(status.clockOffsetMs / 1000).toFixed(1)} s (server minus this device)`]);
  lines.push(['Product', status.product ?? 'not configured']);
  if (status.hardwareId) {
    const change = status.hardwareId.change;
    lines.push([
      'Hardware ID',
      `${status.hardwareId.source}${change ? ` (changed from a ${change.previousSource} ID; ${change.followed ? 'following the configured one' : 'keeping the first'})` : ''}`,
    ]);
  }
  lines.push(['Daemon', status.engine.running ? `running (pid ${status.engine.pid})` : 'not running']);
  if (status.database.recovered) {
    const { at, movedTo, salvaged } = status.database.recovered;
    const readBack = salvaged
      ? `; ${salvaged.pending} pending, ${salvaged.failed} refused and ${salvaged.confirmed} confirmed value(s) were read back from it${salvaged.complete ? '' : ' (not all of it was readable)'}`
      : '';
    lines.push([
      'Database',
      `recovered on ${at ? new Date(at).toISOString() : '?'}: the unreadable file was kept as ${movedTo}${readBack}`,
    ]);
  }
  if (status.demo)
    lines.unshift(['DEMO', 'this is the built-in demo against a local emulator, not a real License API']);
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  return lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
}

export function formatVariables(variables: VariableView[]): string {
  if (variables.length === 0) return 'No variables yet. Queue one with: varsync set NAME=VALUE';
  const rows = variables.map((variable) => [
    variable.name,
    JSON.stringify(variable.value),
    variable.type,
    variable.state === 'failed' ? `failed: ${variable.error?.code ?? ''}` : variable.state,
    variable.updatedAt,
    variable.syncedAt ?? '-',
  ]);
  const header = ['NAME', 'VALUE', 'TYPE', 'STATE', 'CHANGED', 'CONFIRMED'];
  const widths = header.map((title, column) =>
    Math.min(48, Math.max(title.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => truncate(cell, widths[column]!).padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function when(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const amount = Math.abs(seconds);
  const span =
    amount < 60 ? `${amount} s` : amount < 3600 ? `${Math.round(amount / 60)} min` : `${Math.round(amount / 3600)} h`;
  return `${iso} (${seconds >= 0 ? `in ${span}` : `${span} ago`})`;
}
