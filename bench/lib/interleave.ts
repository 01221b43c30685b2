// Interleaved rounds: each variant runs a block of calls in turn, the order rotating every round,
// so that drift of the disk or the CPU during the run hits every variant alike.
import { median } from './stats.js';

export type Call = (index: number) => void;

export interface Variant {
  name: string;
  call: Call;
  /** The median latency of each round, in ms. */
  roundMedians: number[];
  /** Every call's latency, in ms. */
  samples: number[];
}

export function variant(name: string, call: Call): Variant {
  return { name, call, roundMedians: [], samples: [] };
}

/** Per-call latencies in ms, for indexes first..first+count-1. */
export function timeCalls(call: Call, first: number, count: number): number[] {
  const latencies: number[] = [];
  for (let index = first; index < first + count; index++) {
    const started = process.hrtime.bigint();
    call(index);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return latencies;
}

/** Indexes start at `first` and never repeat, so that every call writes a new value. */
export function runRounds(variants: Variant[], rounds: number, calls: number, first: number): void {
  let next = first;
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < variants.length; offset++) {
      const current = variants[(round + offset) % variants.length]!;
      const latencies = timeCalls(current.call, next, calls);
      next += calls;
      current.roundMedians.push(median(latencies));
      current.samples.push(...latencies);
    }
  }
}

/** Per round, the ratio of two variants' medians: drift between rounds cancels out. */
export function roundRatios(over: Variant, base: Variant): number[] {
  return over.roundMedians.map((value, round) => value / base.roundMedians[round]!);
}
