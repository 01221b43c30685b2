// Which process runs the sync engine for a data folder. A lease in the database, renewed while the
// owner lives: a crashed owner's lease runs out (or is taken over at once when its process is gone
// from this machine), so no lock is ever left stuck.
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { failureCode } from '../failure-code.js';

export interface LeaseHolder {
  owner: string;
  pid: number;
  host: string;
  expiresAt: number;
}

export interface LeaseOptions {
  owner: string;
  ttlMs?: number;
  now?: () => number;
  pid?: number;
  host?: string;
  /** Whether a process on this machine is alive; tests pass their own. */
  isAlive?: (pid: number) => boolean;
}

export const LEASE_TTL_MS = 15_000;

export class EngineLease {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly pid: number;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;
  private readonly statements;
  private readonly acquire: { immediate(): boolean };

  constructor(
    private readonly db: Database.Database,
    readonly options: LeaseOptions,
  ) {
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
    this.isAlive = options.isAlive ?? processIsAlive;
    this.statements = {
      get: db.prepare<[], { owner: string; pid: number; host: string; expires_at: number }>(
        'SELECT * FROM engine_lease WHERE id = 1',
      ),
      put: db.prepare(
        `INSERT INTO engine_lease (id, owner, pid, host, expires_at) VALUES (1, @owner, @pid, @host, @expiresAt)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, expires_at = excluded.expires_at`,
      ),
      renew: db.prepare<[number, string]>('UPDATE engine_lease SET expires_at = ? WHERE id = 1 AND owner = ?'),
      release: db.prepare<[string]>('DELETE FROM engine_lease WHERE id = 1 AND owner = ?'),
    };
    this.acquire = db.transaction((): boolean => {
      const holder = this.holder();
      const free =
        !holder ||
        holder.owner === this.options.owner ||
        holder.expiresAt <= this.now() ||
        (holder.host === this.host && !this.isAlive(holder.pid));
      if (!free) return false;
      this.statements.put.run({
        owner: this.options.owner,
        pid: this.pid,
        host: this.host,
        expiresAt: this.now() + this.ttlMs,
      });
      return true;
    });
  }

  /** Take the lease if it is free, expired, ours, or held by a process of this machine that is gone. */
  tryAcquire(): boolean {
    return this.acquire.immediate();
  }

  /** Extend our lease; false when it was lost (taken over after it ran out). */
  renew(): boolean {
    return this.statements.renew.run(this.now() + this.ttlMs, this.options.owner).changes === 1;
  }

  release(): void {
    this.statements.release.run(this.options.owner);
  }

  holder(): LeaseHolder | undefined {
    const row = this.statements.get.get();
    return row && { owner: row.owner, pid: row.pid, host: row.host, expiresAt: row.expires_at };
  }

  /** The live holder, if any, as seen from here. */
  activeHolder(): LeaseHolder | undefined {
    const holder = this.holder();
    if (!holder || holder.expiresAt <= this.now()) return undefined;
    if (holder.host === this.host && !this.isAlive(holder.pid)) return undefined;
    return holder;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return failureCode(error) === 'EPERM';
  }
}
