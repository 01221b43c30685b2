// How the engine labels a pass that failed for a reason other than the License API: a failure of
// the database is a storage problem; anything else is a bug, labelled internal (never "the local
// database failed"), logged with its stack, and retried with backoff like a transient failure.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../main/core/log.js';
import { openDatabase } from '../../main/core/store/database.js';
import { StoreError } from '../../main/core/store/errors.js';
import { VariableStore } from '../../main/core/store/variable-store.js';
import { SyncEngine, type EngineClient } from '../../main/core/sync/engine.js';
import { tempDir } from '../helpers/agent.js';

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function engineWith(trackDeviceVariables: EngineClient['trackDeviceVariables'], log: Logger = silentLogger) {
  const { db } = openDatabase(tempDir('varsync-engine-'));
  opened.push(db);
  const store = new VariableStore(db, Date.now);
  store.set({ color: 'blue' });
  const client: EngineClient = {
    trackDeviceVariables,
    activateLicense: () => Promise.reject(new Error('not used')),
    probe: () => Promise.resolve({}),
    clockOffsetMs: undefined,
  };
  const engine = new SyncEngine({
    store,
    client,
    ref: { product: 'p', hardwareId: 'hw' },
    activation: { allowed: false },
    batchSize: 10,
    backoff: { baseMs: 60_000, maxMs: 60_000 },
    intervalMs: 60_000,
    recheckMs: 60_000,
    debounceMs: 10,
    log,
  });
  return { engine, store };
}

describe('a pass that fails outside the License API', () => {
  it('calls a bug internal, logs its stack, keeps the value and retries', async () => {
    const errors: string[] = [];
    const log: Logger = { ...silentLogger, error: (line: string) => void errors.push(line), child: () => log };
    const { engine, store } = engineWith(() => Promise.reject(new TypeError('x is not a function')), log);
    expect(await engine.syncNow()).toBe('retrying');
    expect(engine.status.lastError).toEqual({
      kind: 'internal',
      code: 'internal_error',
      message: 'An unexpected error stopped the sync: x is not a function',
    });
    expect(engine.status.state).toBe('pending');
    expect(store.pendingCount()).toBe(1);
    expect(errors.join('\n')).toMatch(/pass failed unexpectedly: TypeError: x is not a function\n\s+at /);
    await engine.stop();
  });

  it('calls a failure of the database storage, with its code', async () => {
    const full = new StoreError('disk_full', 'the disk holding x is full (SQLITE_FULL)', 'free some space');
    const { engine } = engineWith(() => Promise.reject(full));
    expect(await engine.syncNow()).toBe('retrying');
    expect(engine.status.lastError).toMatchObject({ kind: 'storage', code: 'disk_full' });
    await engine.stop();
  });
});
