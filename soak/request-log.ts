// Reads the emulator's request log as the soak goes: requests per endpoint and per error code,
// and every (name, value) the daemon sent, to count values sent (and stored) more than once.
// Finished entries are tallied and taken out of the log, so that a long soak stays far below the
// emulator's log limit; an entry still being answered stays until it is finished.
import type { RequestLogEntry } from '../emulator/index.js';
import { valueKey } from './ledger.js';

/** An entry that has not been answered after this long is counted as stuck (an emulator failure) and let go. */
const STUCK_AFTER_MS = 15_000;

export interface DuplicateFigures {
  /** (name, value) pairs the server received in more than one request. */
  valuesSentMoreThanOnce: number;
  /** The requests beyond the first that carried those values. */
  extraSends: number;
  /** (name, value) pairs the server stored more than once (answered, or dropped after taking effect). */
  valuesStoredMoreThanOnce: number;
  /** (name, value) pairs the server received at all. */
  distinctValuesSent: number;
}

export class RequestTally {
  total = 0;
  stuck = 0;
  readonly byEndpoint = new Map<string, number>();
  readonly byCode = new Map<string, number>();
  private readonly sends = new Map<string, { sent: number; stored: number }>();
  private readonly firstSeen = new WeakMap<RequestLogEntry, number>();

  constructor(private readonly requests: RequestLogEntry[]) {}

  /** Tally the finished entries at the head of the log and remove them. */
  poll(): void {
    let finished = 0;
    const now = Date.now();
    for (const entry of this.requests) {
      if (entry.status === 0) {
        const seen = this.firstSeen.get(entry) ?? now;
        this.firstSeen.set(entry, seen);
        if (now - seen < STUCK_AFTER_MS) break;
        this.stuck++;
      }
      this.count(entry);
      finished++;
    }
    this.requests.splice(0, finished);
  }

  /** Requests the emulator has received and not answered yet. */
  inProgress(): number {
    return this.requests.filter((entry) => entry.status === 0).length;
  }

  codeCount(code: string): number {
    return this.byCode.get(code) ?? 0;
  }

  duplicates(): DuplicateFigures {
    const figures: DuplicateFigures = {
      valuesSentMoreThanOnce: 0,
      extraSends: 0,
      valuesStoredMoreThanOnce: 0,
      distinctValuesSent: this.sends.size,
    };
    for (const { sent, stored } of this.sends.values()) {
      if (sent > 1) {
        figures.valuesSentMoreThanOnce++;
        figures.extraSends += sent - 1;
      }
      if (stored > 1) figures.valuesStoredMoreThanOnce++;
    }
    return figures;
  }

  private count(entry: RequestLogEntry): void {
    this.total++;
    this.byEndpoint.set(entry.endpoint, (this.byEndpoint.get(entry.endpoint) ?? 0) + 1);
    if (entry.code) this.byCode.set(entry.code, (this.byCode.get(entry.code) ?? 0) + 1);
    if (!entry.variables) return;
    // The log keeps variables only of requests that got past the injected faults to the API
    // itself; a drop that still has them was dropped after the server took the request in.
    const stored = entry.status === 200 || entry.status === 'dropped';
    for (const [name, value] of Object.entries(entry.variables)) {
      const key = `${name}\u0000${valueKey(value)}`;
      const tally = this.sends.get(key) ?? { sent: 0, stored: 0 };
      tally.sent++;
      if (stored) tally.stored++;
      this.sends.set(key, tally);
    }
  }
}
