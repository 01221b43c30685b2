// The faults the soak cycles through, one episode at a time, every kind once per round in a seeded
// order: everything the emulator can inject (latency, 5xx, 429 with Retry-After, connections
// dropped before or after the request took effect, malformed answers, a skewed clock) and the state
// changes a real server goes through (license disabled then enabled, device blacklisted then
// cleared, device deactivated). A fault counts only for the requests it actually hit.
//
// Latency stays far below the daemon's request timeout: a request the client gave up on but the
// server still applies later could overtake the retry that followed it, and no client can order
// that without server-side versions, which the License API does not have.
import type { Emulator, FaultInput } from '../emulator/index.js';
import { DEMO } from '../emulator/index.js';
import type { Random } from './random.js';
import type { RequestTally } from './request-log.js';
import { MAX_LATENCY_MS, NETWORK_DELAY_MS, type Range } from './settings.js';
import { sleep } from '../bench/lib/setup.js';

export const FAULT_KINDS = [
  'latency',
  'server_error',
  'rate_limit',
  'drop_before',
  'drop_after',
  'malformed_answer',
  'proxy_auth',
  'foreign_page',
  'clock_skew',
  'license_disabled',
  'device_blacklisted',
  'device_deactivated',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What a hit of each kind is, for the report. */
export const FAULT_UNITS: Record<FaultKind, string> = {
  latency: `requests delayed up to ${MAX_LATENCY_MS} ms`,
  server_error: '5xx answers',
  rate_limit: '429 answers with Retry-After',
  drop_before: 'connections dropped before the server acted',
  drop_after: 'connections dropped after the server stored',
  malformed_answer: 'malformed answers',
  proxy_auth: "a proxy's 407 answers (held as proxy, nothing refused)",
  foreign_page: "a firewall's or wrong URL's HTML 400/403/404 pages (never a refusal of values)",
  clock_skew: 'requests refused with date_header_diff',
  license_disabled: 'requests refused with license_not_enabled',
  device_blacklisted: 'requests refused with blacklisted',
  device_deactivated: 'requests refused with device_not_found',
};

export type FaultFigures = Record<FaultKind, { episodes: number; episodesThatHit: number; hits: number }>;

/** Faults that stop all sending while they last: the soak ends on one of them, and times the drain from its end. */
export const FINAL_FAULT_KINDS = [
  'server_error',
  'license_disabled',
  'device_blacklisted',
  'clock_skew',
] as const satisfies readonly FaultKind[];
export type FinalFaultKind = (typeof FINAL_FAULT_KINDS)[number];

interface FaultCycleOptions {
  emulator: Emulator;
  tally: RequestTally;
  random: Random;
  hardwareId: string;
  episodeMs: Range;
  gapMs: Range;
}

interface Episode {
  /** Turn the fault on; returns how to count its hits so far. */
  apply(): () => number;
  /** Turn it off (queued faults not yet consumed are taken back). */
  revert(): void;
  /** Queued faults end when consumed; state faults stay on for their whole time. */
  done?(): boolean;
}

const LICENSE = { product: DEMO.product, licenseKey: DEMO.licenseKey };
// Answers from something on the path, not the License API: none may turn a value into `failed`.
const PROXY_AUTH = {
  status: 407,
  body: '<html><body>Proxy Authentication Required</body></html>',
  contentType: 'text/html',
};
const FOREIGN_PAGES: Array<{ status: number; body: string; contentType: string }> = [
  {
    status: 403,
    body: '<html><body><h1>Access denied by your organization</h1></body></html>',
    contentType: 'text/html',
  },
  { status: 400, body: '<html><body><h1>Request blocked</h1></body></html>', contentType: 'text/html' },
  { status: 404, body: '<html><body><h1>Not Found</h1></body></html>', contentType: 'text/html' },
];
const MALFORMED: Array<{ status: number; body: string; contentType: string }> = [
  { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
  { status: 200, body: '[{"variable": "cut off', contentType: 'application/json' },
  { status: 200, body: '<html><body>captive portal</body></html>', contentType: 'text/html' },
];

export class FaultCycle {
  readonly figures = Object.fromEntries(
    FAULT_KINDS.map((kind) => [kind, { episodes: 0, episodesThatHit: 0, hits: 0 }]),
  ) as FaultFigures;
  /** When the last fault was turned off (the drain is timed from here). */
  lastFaultEndedAt = 0;
  private stopping = false;
  private running: Promise<void> | undefined;
  private final: { kind: FaultKind; episode: Episode; hits: () => number } | undefined;

  constructor(private readonly options: FaultCycleOptions) {}

  start(): void {
    this.networkDelay();
    this.running = this.cycle();
  }

  /**
   * Outside latency episodes every request still takes a few milliseconds, as on a real network:
   * a request in flight is then a window in which new sets land (not counted as a fault).
   */
  private networkDelay(): void {
    this.options.emulator.faults.setLatency(...NETWORK_DELAY_MS);
  }

  /** Every kind has hit the daemon in at least `rounds` episodes. */
  roundsDone(rounds: number): boolean {
    return FAULT_KINDS.every((kind) => this.figures[kind].episodesThatHit >= rounds);
  }

  /** End the episode in progress and stop cycling. */
  async stopCycling(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Turn on the last fault: one that holds every value back (a 5xx outage, or a license, device or clock problem) until end(). */
  beginFinalFault(kind: FinalFaultKind): void {
    const episode = this.episode(kind, { outage: true });
    this.final = { kind, episode, hits: episode.apply() };
  }

  /** Turn every fault off and note the time: the drain is timed from here. */
  end(): void {
    if (this.final) {
      this.final.episode.revert();
      this.options.tally.poll();
      this.count(this.final.kind, this.final.hits());
      this.final = undefined;
    }
    this.clearAll();
    this.lastFaultEndedAt = Date.now();
  }

  private async cycle(): Promise<void> {
    const { random } = this.options;
    while (!this.stopping) {
      for (const kind of random.shuffle(FAULT_KINDS)) {
        if (this.stopping) return;
        await this.runEpisode(kind);
        await this.pause(random.between(...this.options.gapMs));
      }
    }
  }

  private async runEpisode(kind: FaultKind): Promise<void> {
    const { random } = this.options;
    const episode = this.episode(kind);
    const onFor = random.between(...this.options.episodeMs);
    // A fault that found no request (the daemon was down, or held by something else) gets a little longer.
    const atMost = onFor + 6_000;
    const hits = episode.apply();
    const started = Date.now();
    try {
      for (;;) {
        await sleep(50);
        this.options.tally.poll();
        const elapsed = Date.now() - started;
        if (this.stopping || elapsed >= atMost) break;
        if (episode.done ? episode.done() : elapsed >= onFor && hits() > 0) break;
      }
    } finally {
      episode.revert();
      this.options.tally.poll();
    }
    this.count(kind, hits());
  }

  private count(kind: FaultKind, hits: number): void {
    const figure = this.figures[kind];
    figure.episodes++;
    figure.hits += hits;
    if (hits > 0) figure.episodesThatHit++;
  }

  private episode(kind: FaultKind, { outage = false } = {}): Episode {
    const { emulator, random, tally, hardwareId } = this.options;
    const faults = emulator.faults;
    const queued = (...planned: FaultInput[]): Episode => {
      const total = planned.reduce((sum, fault) => sum + (fault.count ?? 1), 0);
      const remaining = () => faults.pending().reduce((sum, fault) => sum + fault.count, 0);
      let consumedWhenTakenBack: number | undefined;
      return {
        apply: () => {
          faults.add(...planned);
          return () => consumedWhenTakenBack ?? total - remaining();
        },
        done: () => remaining() === 0,
        revert: () => {
          consumedWhenTakenBack = total - remaining();
          faults.clear();
          this.networkDelay();
        },
      };
    };
    /** `on` returns false when it could not apply the fault: then nothing counts as its hit. */
    const refusals = (code: string, on: () => boolean | void, off: () => void): Episode => ({
      apply: () => {
        const before = tally.codeCount(code);
        const applied = on() !== false;
        return () => (applied ? tally.codeCount(code) - before : 0);
      },
      revert: off,
    });
    switch (kind) {
      case 'latency':
        return {
          apply: () => {
            const before = faults.injected.delayed;
            const minMs = random.int(5, 100);
            faults.setLatency(minMs, random.int(minMs, MAX_LATENCY_MS));
            return () => faults.injected.delayed - before;
          },
          revert: () => this.networkDelay(),
        };
      case 'server_error':
        // An outage answers every request with the same 5xx until it is taken back.
        return queued({
          type: 'status',
          status: random.pick([500, 502, 503, 504]),
          count: outage ? 1_000_000 : random.int(2, 8),
        });
      case 'rate_limit':
        return queued({ type: 'rate_limit', retryAfterSeconds: random.pick([0, 1, 1, 2]), count: random.int(1, 3) });
      case 'drop_before':
        return queued({ type: 'drop', phase: 'before', count: random.int(1, 3) });
      case 'drop_after':
        return queued({ type: 'drop', phase: 'after', count: random.int(1, 3) });
      case 'malformed_answer':
        return queued({ type: 'raw', ...random.pick(MALFORMED), count: random.int(1, 2) });
      case 'proxy_auth':
        return queued({ type: 'raw', ...PROXY_AUTH, count: random.int(1, 3) });
      case 'foreign_page':
        return queued({ type: 'raw', ...random.pick(FOREIGN_PAGES), count: random.int(1, 2) });
      case 'clock_skew': {
        // Past the API's 15-minute Date rule, ahead or behind.
        const skewMs = (random.chance(0.5) ? 1 : -1) * random.int(16, 90) * 60_000;
        return refusals(
          'date_header_diff',
          () => faults.setClockSkew(skewMs),
          () => faults.setClockSkew(0),
        );
      }
      case 'license_disabled':
        return refusals(
          'license_not_enabled',
          () => void emulator.state.changeLicense(LICENSE, { enabled: false }),
          () => void emulator.state.changeLicense(LICENSE, { enabled: true }),
        );
      case 'device_blacklisted':
        return refusals(
          'blacklisted',
          () => emulator.state.setBlacklisted(LICENSE.product, hardwareId, true),
          () => emulator.state.setBlacklisted(LICENSE.product, hardwareId, false),
        );
      case 'device_deactivated':
        // The agent activates the device again by itself (with its pending variables): nothing to revert.
        return refusals(
          'device_not_found',
          () => {
            try {
              emulator.state.deactivate(LICENSE, hardwareId);
              return true;
            } catch {
              return false; // not active (yet, or still): nothing to deactivate this time
            }
          },
          () => undefined,
        );
    }
  }

  private clearAll(): void {
    const { emulator, hardwareId } = this.options;
    emulator.faults.clear();
    this.networkDelay();
    emulator.state.changeLicense(LICENSE, { enabled: true });
    emulator.state.setBlacklisted(LICENSE.product, hardwareId, false);
  }

  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) await sleep(Math.min(50, until - Date.now()));
  }
}
