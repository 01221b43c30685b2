// One pass's sending: the outbox in batches, oldest first. An accepted batch is acknowledged in
// the store; a batch the API refuses for its content is split in halves until the refused
// variables are found and set aside as dead letters; an unknown device is activated with the
// batch, once per pass, when the configuration allows it. Any other failure ends the pass.
import type { VariableValue } from '../../../shared/wire.js';
import type { LicenseApiClient, LicenseRef } from '../api/client.js';
import { LicenseApiError } from '../api/errors.js';
import type { Logger } from '../log.js';
import type { PendingEntry, VariableStore } from '../store/variable-store.js';

/** What a pass did, for its history record. */
export interface PassCounters {
  sent: number;
  requests: number;
}

export interface OutboxSenderOptions {
  store: VariableStore;
  client: Pick<LicenseApiClient, 'trackDeviceVariables' | 'activateLicense'>;
  ref: LicenseRef;
  /** Activate this device on device_not_found (with the pending variables). */
  activation: { allowed: boolean; password?: string };
  now: () => number;
}

export class OutboxSender {
  private activated = false;

  /** `onAccepted`: the API took a batch (the engine's failure count starts again). */
  constructor(
    private readonly options: OutboxSenderOptions,
    private readonly counters: PassCounters,
    private readonly log: Logger,
    private readonly onAccepted: () => void,
  ) {}

  /** Send until the outbox is empty; `batchSize` is asked before each batch. */
  async sendAll(batchSize: () => number): Promise<void> {
    const { store } = this.options;
    for (let batch = store.pending(batchSize()); batch.length > 0; batch = store.pending(batchSize())) {
      await this.sendBatch(batch);
    }
  }

  /** Send one batch; a refused batch is split to find the refused names, which become dead letters. */
  private async sendBatch(batch: PendingEntry[]): Promise<void> {
    const { store, client, ref } = this.options;
    const { counters, log } = this;
    store.countAttempt(batch);
    try {
      counters.requests++;
      const answer = await client.trackDeviceVariables(ref, asVariables(batch), log);
      store.acknowledge(batch, answer);
      counters.sent += batch.length;
      this.onAccepted();
    } catch (error) {
      if (!(error instanceof LicenseApiError)) throw error;
      if (error.kind === 'payload') {
        if (batch.length === 1) {
          const entry = batch[0]!;
          if (store.deadLetter(entry, error.code, error.message))
            log.warn(`variable "${entry.name}" refused by the server (${error.code}): ${error.message}`);
          return;
        }
        const middle = Math.ceil(batch.length / 2);
        log.debug(`batch of ${batch.length} refused (${error.code}); splitting to find the refused variables`);
        await this.sendBatch(batch.slice(0, middle));
        await this.sendBatch(batch.slice(middle));
        return;
      }
      if (error.code === 'device_not_found' && this.options.activation.allowed && !this.activated) {
        this.activated = true;
        await this.activate(batch);
        return;
      }
      throw error;
    }
  }

  /** Activate this device, sending the batch in the activation itself. */
  private async activate(batch: PendingEntry[]): Promise<void> {
    const { store, client, ref, activation } = this.options;
    const { counters, log } = this;
    log.info('device not activated on the license; activating it');
    counters.requests++;
    try {
      const license = await client.activateLicense(
        ref,
        { password: activation.password, variables: asVariables(batch) },
        log,
      );
      const createdAt = this.options.now();
      store.acknowledge(
        batch,
        batch.map((entry) => ({ name: entry.name, value: entry.value, deviceId: license.device_id ?? 0, createdAt })),
      );
      counters.sent += batch.length;
    } catch (error) {
      // A variable the activation refused must not block the activation: activate bare, then
      // the batch goes through track and its splitting as usual.
      if (!(error instanceof LicenseApiError) || error.kind !== 'payload') throw error;
      counters.requests++;
      await client.activateLicense(ref, { password: activation.password }, log);
    }
    log.info('device activated');
  }
}

function asVariables(batch: PendingEntry[]): Record<string, VariableValue> {
  return Object.fromEntries(batch.map((entry) => [entry.name, entry.value]));
}
