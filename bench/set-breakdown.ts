// Where the cost of a durable set goes, next to benchmark 1: the same store and bare upsert with
// synchronous=OFF (no fsync: what remains is CPU and page-cache writes), and how many WAL
// frames (pages) one commit appends to the -wal file that the fsync must flush.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../main/core/store/database.js';
import { VariableStore } from '../main/core/store/variable-store.js';
import { envInt } from './lib/env.js';
import { roundRatios, runRounds, timeCalls, variant, type Variant } from './lib/interleave.js';
import { row, type ResultRow } from './lib/report.js';
import { benchDir } from './lib/setup.js';
import { median, single, summarize } from './lib/stats.js';
import { BENCH_SET, nameOf, openBare, warmUp, type SetTarget, type Synchronous } from './set-latency.js';

const WAL_FRAME_HEADER_BYTES = 24;
const FRAME_SAMPLE_COMMITS = 200;

/** The agent's store on its own schema and connection settings, with synchronous chosen here. */
function openStore(dataDir: string, synchronous: Synchronous): SetTarget {
  const { db } = openDatabase(dataDir);
  db.pragma(`synchronous = ${synchronous}`);
  const store = new VariableStore(db, Date.now);
  return { call: (index) => store.set({ [nameOf(index)]: index }), db, close: () => db.close() };
}

/** WAL frames appended per commit, with automatic checkpoints off so that the file only grows. */
function framesPerCommit(target: SetTarget, walPath: string): number {
  target.db.pragma('wal_autocheckpoint = 0');
  target.db.pragma('wal_checkpoint(TRUNCATE)');
  timeCalls(target.call, 0, 1); // the first commit writes the WAL header too
  const before = statSync(walPath).size;
  timeCalls(target.call, 1, FRAME_SAMPLE_COMMITS);
  const frameBytes = (target.db.pragma('page_size', { simple: true }) as number) + WAL_FRAME_HEADER_BYTES;
  return (statSync(walPath).size - before) / frameBytes / FRAME_SAMPLE_COMMITS;
}

function measureFrames(): { store: number; bare: number } {
  const dir = benchDir('frames');
  const store = openStore(join(dir, 'store'), 'FULL');
  const bare = openBare(join(dir, 'bare.db'), 'FULL');
  try {
    return {
      store: framesPerCommit(store, join(dir, 'store', 'varsync.db-wal')),
      bare: framesPerCommit(bare, join(dir, 'bare.db-wal')),
    };
  } finally {
    store.close();
    bare.close();
  }
}

function measureWithoutFsync(rounds: number, calls: number): [Variant, Variant] {
  const dir = benchDir('nosync');
  const store = openStore(join(dir, 'store'), 'OFF');
  const bare = openBare(join(dir, 'bare.db'), 'OFF');
  try {
    const variants: [Variant, Variant] = [variant('bare upsert', bare.call), variant('store.set', store.call)];
    warmUp(variants);
    runRounds(variants, rounds, calls, 1_000_000_000);
    return variants;
  } finally {
    store.close();
    bare.close();
  }
}

/**
 * What building a better-sqlite3 transaction function costs, in µs: VariableStore.set calls
 * db.transaction(...) anew on every set, and each call defines four wrapper functions.
 */
function transactionWrapperCost(rounds: number): number[] {
  const db = new Database(':memory:');
  const body = () => 0;
  const perRound = 20_000;
  try {
    return Array.from({ length: rounds }, () => {
      const started = process.hrtime.bigint();
      for (let index = 0; index < perRound; index++) db.transaction(body);
      return Number(process.hrtime.bigint() - started) / 1e3 / perRound;
    });
  } finally {
    db.close();
  }
}

export function setBreakdown(rounds: number, calls: number): ResultRow[] {
  const [bare, store] = measureWithoutFsync(envInt('BENCH_SET_NOSYNC_ROUNDS', rounds), calls);
  const frames = measureFrames();
  const wrapper = transactionWrapperCost(rounds);
  const pooled = (current: Variant) => ({ ...summarize(current.roundMedians), median: median(current.samples) });
  return [
    row(BENCH_SET, 'no fsync: bare upsert per call', pooled(bare), 'ms', 'synchronous=OFF: CPU and page cache only'),
    row(BENCH_SET, 'no fsync: store.set per call', pooled(store), 'ms', 'synchronous=OFF'),
    row(BENCH_SET, 'no fsync: store.set / bare (ratio)', summarize(roundRatios(store, bare)), '×', 'per-round ratios'),
    row(
      BENCH_SET,
      'db.transaction(fn) creation',
      summarize(wrapper),
      'µs',
      'what building a transaction wrapper per call would cost (the store builds them once)',
    ),
    row(
      BENCH_SET,
      'WAL frames per commit: store.set',
      single(frames.store),
      'pages',
      `over ${FRAME_SAMPLE_COMMITS} commits`,
    ),
    row(
      BENCH_SET,
      'WAL frames per commit: bare upsert',
      single(frames.bare),
      'pages',
      `over ${FRAME_SAMPLE_COMMITS} commits`,
    ),
  ];
}
