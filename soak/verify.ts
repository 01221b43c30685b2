// The end of a soak: the server's variables against the last acknowledged value of every name.
//   synced   the server holds it;
//   refused  the server refused it and the agent shows it as a dead letter with the server's reason;
//   stale    the agent still holds it, but the server holds an older value or none;
//   lost     neither the server nor the agent holds it any more.
import type { VariableValue } from '../shared/wire.js';
import { valueKey } from './ledger.js';
import type { LocalPicture } from './local.js';

export interface Verdict {
  names: number;
  synced: number;
  lost: string[];
  stale: string[];
  /** Dead letters holding the acknowledged value with a code and a message. */
  refusedWithReason: string[];
  /** Names whose local view (as `varsync get` shows it) is not the acknowledged value. */
  localDisagrees: string[];
  /** Names the server holds that no acknowledged set wrote. */
  unknownOnServer: string[];
  /** Server values that no set of the soak ever acknowledged (neither the last nor an earlier one). */
  neverAcknowledgedOnServer: string[];
}

export function compare(
  expected: ReadonlyMap<string, VariableValue>,
  server: Record<string, VariableValue>,
  local: LocalPicture,
  wasAcknowledged: (name: string, value: VariableValue) => boolean,
): Verdict {
  const views = new Map(local.variables.map((view) => [view.name, view]));
  const letters = new Map(local.deadLetters.map((letter) => [letter.name, letter]));
  const verdict: Verdict = {
    names: expected.size,
    synced: 0,
    lost: [],
    stale: [],
    refusedWithReason: [],
    localDisagrees: [],
    unknownOnServer: Object.keys(server).filter((name) => !expected.has(name)),
    neverAcknowledgedOnServer: [],
  };
  for (const [name, value] of expected) {
    const want = valueKey(value);
    const onServer = Object.hasOwn(server, name) ? server[name] : undefined;
    const view = views.get(name);
    const letter = letters.get(name);
    if (view === undefined || valueKey(view.value) !== want) verdict.localDisagrees.push(name);
    if (onServer !== undefined && !wasAcknowledged(name, onServer)) verdict.neverAcknowledgedOnServer.push(name);
    if (onServer !== undefined && valueKey(onServer) === want) verdict.synced++;
    else if (letter && valueKey(letter.value) === want && letter.code && letter.message)
      verdict.refusedWithReason.push(name);
    else if (view && valueKey(view.value) === want) verdict.stale.push(name);
    else verdict.lost.push(name);
  }
  return verdict;
}
