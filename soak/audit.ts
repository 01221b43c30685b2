// A check of the data folder while the soak runs, not only at its end: every name without a set in
// flight must show its last acknowledged value locally (pending, or synced). A value acknowledged
// and then dropped or replaced by an older one (for example when an acknowledgement of a request
// removes a newer value set while that request was on the wire) is caught here even if a later set
// of the same name would hide it by the end. The value of a set cut by a kill that appears after
// the kill is accepted, and expected from then on (see ledger.ts).
import type { ResolvedConfig } from '../main/core/config/resolve.js';
import type { Ledger } from './ledger.js';
import { readLocalPicture } from './local.js';

const EXAMPLES_KEPT = 5;

export class LocalAudit {
  audits = 0;
  /** Names found at least once without their last acknowledged value. */
  readonly mismatchedNames = new Set<string>();
  readonly examples: string[] = [];

  constructor(
    private readonly config: ResolvedConfig,
    private readonly ledger: Ledger,
  ) {}

  /** Read the whole local view and compare it with the ledger (synchronous: the ledger cannot change meanwhile). */
  check(): void {
    const picture = readLocalPicture(this.config);
    this.audits++;
    const seen = new Set<string>();
    for (const view of picture.variables) {
      seen.add(view.name);
      if (this.ledger.isBusy(view.name)) continue;
      const acknowledged = this.ledger.expected().get(view.name);
      // A cut set's value that SQLite recovered after the kill is correct too (see ledger.ts).
      if (this.ledger.observeLocal(view.name, view.value)) continue;
      if (acknowledged === undefined)
        this.mismatch(view.name, `local ${view.state} value ${short(view.value)} that no set acknowledged`);
      else
        this.mismatch(
          view.name,
          `local ${view.state} value ${short(view.value)}, last acknowledged ${short(acknowledged)}`,
        );
    }
    for (const [name, value] of this.ledger.expected()) {
      if (!seen.has(name) && !this.ledger.isBusy(name))
        this.mismatch(name, `missing locally, last acknowledged ${short(value)}`);
    }
  }

  private mismatch(name: string, what: string): void {
    if (this.mismatchedNames.has(name)) return;
    this.mismatchedNames.add(name);
    if (this.examples.length < EXAMPLES_KEPT) this.examples.push(`"${name}": ${what}`);
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
