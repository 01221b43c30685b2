// Every key of the store's `meta` table, in one place: what each row holds and which module owns it.
// (The first migration inserts `last_seq` itself; migrations are kept as they shipped.)
export const META_KEYS = {
  /** The outbox's sequence counter (store/variable-store.ts); a salvaged file numbers afresh. */
  lastSeq: 'last_seq',
  /** The sync engine's saved snapshot (sync/engine-state.ts). */
  engineState: 'engine_state',
  /** A process without the engine asking the engine's owner for a pass (sync/engine-host.ts); a one-off. */
  syncRequest: 'sync_request',
  /** Hashes of the vendor file's initial variables already queued (config/initial-variables.ts). */
  vendorInitialVariables: 'vendor_initial_variables',
} as const;
