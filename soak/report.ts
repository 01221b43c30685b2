// The soak's printed report: the figures the issue asks for, one per line, then the verdict.
import { FAULT_KINDS, FAULT_UNITS } from './faults.js';
import { NETWORK_DELAY_MS } from './settings.js';
import type { SoakReport } from './soak.js';

const number = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatReport(report: SoakReport): string {
  const { sets, daemon, duplicates, verdict, traffic } = report;
  const replay = `SOAK_SEED=${report.seed} npm run soak${report.mode === 'short' ? ' -- --short' : ''}`;
  const faultLines = FAULT_KINDS.map((kind) => {
    const figure = report.faults[kind];
    return `    ${kind.padEnd(20)} ${number(figure.hits).padStart(6)} ${FAULT_UNITS[kind]} (${figure.episodesThatHit} of ${figure.episodes} episodes hit)`;
  });
  const codes = Object.entries(report.requests.byCode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, count]) => `${code} ${number(count)}`);
  const lines = [
    `Varsync fault soak, ${report.mode} mode, ${report.startedAt}, seed ${report.seed} (replay the same decisions: ${replay})`,
    `  sets acknowledged      ${number(sets.acknowledged)} over ${number(report.names)} names: ${number(sets.setter)} by the setter process, ${number(sets.cli)} by ${number(sets.cliCommands)} \`varsync set\` commands`,
    `  sets cut by a kill     ${sets.cutCommitted + sets.cutNotSeen} (${sets.cutCommitted} found committed at once and counted, ${sets.cutNotSeen} not seen at once, of which ${sets.cutCommittedLater} appeared later when SQLite recovered the commit and counted)`,
    `  faults injected`,
    ...faultLines,
    `    (the emulator's own counters: ${Object.entries(report.emulatorInjected)
      .map(([kind, count]) => `${kind} ${number(count)}`)
      .join(', ')}; "delayed" includes the ${NETWORK_DELAY_MS.join('-')} ms network delay of every request)`,
    `  daemon restarts        ${number(daemon.restarts)} after SIGKILL: ${daemon.killsAfterSpawn} at a random time after the spawn, ${daemon.killsAfterFirstRequest} at a random time after its first request, ${daemon.killsJustAfterRequest} 0-25 ms after a request reached the server`,
    `                         ${daemon.killsBeforeFirstRequest} before it had sent anything, ${daemon.killsWithRequestInFlight} while the server was answering it;`,
    `                         ${daemon.waitsForKilledDaemonsRequest} restart(s) waited for the server to finish a killed daemon's request`,
    `  setter restarts        ${number(traffic.setterKills)} after SIGKILL`,
    `  requests               ${number(report.requests.total)} (${Object.entries(report.requests.byEndpoint)
      .map(([endpoint, count]) => `${endpoint} ${number(count)}`)
      .join(', ')})`,
    `  refusals by code       ${codes.length > 0 ? codes.join(', ') : 'none'}`,
    `  local audits           ${number(report.audits.count)} checks of every name's local value during the run: ${report.audits.mismatchedNames} name(s) without their last acknowledged value`,
    `  values lost            ${verdict.lost.length}`,
    `  stale on the server    ${verdict.stale.length}`,
    `  refused (dead letters) ${verdict.refusedWithReason.length} with a reason; ${report.deadLetters.length} dead letter(s) in all`,
    `  duplicate sends        ${number(duplicates.valuesSentMoreThanOnce)} of ${number(duplicates.distinctValuesSent)} values reached the server more than once, refused requests included (${number(duplicates.extraSends)} extra sends); ${number(duplicates.valuesStoredMoreThanOnce)} stored more than once`,
    `  drain after last fault ${report.drainMs === undefined ? 'NOT DRAINED' : seconds(report.drainMs)} (the soak ended on ${report.finalFault}, which held back ${number(report.pendingAtLastFault)} pending values)`,
    `  names checked          ${number(verdict.names)} (${number(verdict.synced)} on the server with their last acknowledged value)`,
    `  duration               ${seconds(report.durationMs)}`,
  ];
  if (!report.complete) lines.push(`INCOMPLETE: ${report.incompleteReason}`);
  for (const problem of report.problems) lines.push(`PROBLEM: ${problem}`);
  lines.push(
    report.passed
      ? report.complete
        ? 'PASS: nothing lost, nothing stale.'
        : 'No loss or staleness found, but the run did not reach its targets.'
      : 'FAIL',
  );
  return lines.join('\n');
}
