// The two modes of the soak. Full: the figures (at least 10,000 sets over 2,000 names).
// Short: the same faults and kills in about two minutes, for CI. Both stop at a hard time bound.

export type SoakMode = 'full' | 'short';
export type Range = readonly [min: number, max: number];

export interface SoakSettings {
  mode: SoakMode;
  /** How many distinct variable names the sets spread over. */
  names: number;
  /** Acknowledged sets to reach before the fault phase may end. */
  targetSets: number;
  /** Pace of the setter process (sets per second); `varsync set` commands come on top. */
  setsPerSecond: number;
  /** Daemon restarts (after SIGKILL) to reach before the fault phase may end. */
  minRestarts: number;
  /** Every fault kind must hit the daemon in at least this many separate episodes. */
  faultRounds: number;
  /** Hard bound on the phase with sets, faults and kills; the run reports itself incomplete past it. */
  maxRunMs: number;
  /** How long the last fault (one that holds every value back) stays on while sets go on. */
  finalFaultMs: number;
  /** Hard bound on the drain after the last fault. */
  maxDrainMs: number;
  /** A daemon is SIGKILLed this long after its spawn (uniform in the range). */
  daemonLifeMs: Range;
  /** The setter process is SIGKILLed this long after its spawn. */
  setterLifeMs: Range;
  /** Pause between two `varsync set` commands (real CLI processes). */
  cliSetEveryMs: Range;
  /** How long one fault stays on (state faults) or waits to be consumed (queued faults). */
  episodeMs: Range;
  /** Quiet time between two fault episodes. */
  gapMs: Range;
}

const MINUTE = 60_000;

export const SOAK_SETTINGS: Record<SoakMode, SoakSettings> = {
  full: {
    mode: 'full',
    names: 2_000,
    targetSets: 10_000,
    setsPerSecond: 30,
    minRestarts: 60,
    faultRounds: 4,
    maxRunMs: 12.5 * MINUTE,
    finalFaultMs: 20_000,
    maxDrainMs: 2 * MINUTE,
    daemonLifeMs: [200, 8_000],
    setterLifeMs: [5_000, 30_000],
    cliSetEveryMs: [3_000, 8_000],
    episodeMs: [1_500, 6_000],
    gapMs: [200, 2_000],
  },
  short: {
    mode: 'short',
    names: 400,
    targetSets: 2_000,
    setsPerSecond: 30,
    minRestarts: 25,
    faultRounds: 2,
    maxRunMs: 110_000,
    finalFaultMs: 5_000,
    maxDrainMs: 25_000,
    daemonLifeMs: [200, 3_000],
    setterLifeMs: [4_000, 15_000],
    cliSetEveryMs: [4_000, 9_000],
    episodeMs: [1_000, 3_500],
    gapMs: [100, 800],
  },
};

/** Settings the daemon and every other process of the soak run with: fast retries and re-checks, so that a soak fits in minutes. */
export const AGENT_TIMINGS = {
  VARSYNC_DEBOUNCE_MS: '20',
  VARSYNC_RETRY_BASE_MS: '50',
  VARSYNC_RETRY_MAX_MS: '1500',
  VARSYNC_RECHECK_SECONDS: '1',
  VARSYNC_REQUEST_TIMEOUT_MS: '3000',
} as const;

/** Injected latency stays well under the request timeout (see faults.ts for why). */
export const MAX_LATENCY_MS = 400;
/** The delay of every request outside latency episodes (the emulator answers a loopback request in about a millisecond otherwise). */
export const NETWORK_DELAY_MS = [2, 15] as const;
