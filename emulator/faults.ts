// Faults a test can inject: latency, a status for the next N requests, 429 with Retry-After,
// connections destroyed before or after the request took effect, raw (malformed) answers and a
// skewed server clock.
import { z } from 'zod';

const countSchema = z.number().int().positive().default(1);
/** Endpoint names (`track_device_variables`, `.well-known`, `token`, ...) a fault applies to; all when absent. */
const onlySchema = z.array(z.string()).optional();

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('status'),
    status: z.number().int().min(400).max(599),
    code: z.string().optional(),
    count: countSchema,
    only: onlySchema,
  }),
  z.strictObject({
    type: z.literal('rate_limit'),
    retryAfterSeconds: z.number().int().nonnegative(),
    count: countSchema,
    only: onlySchema,
  }),
  z.strictObject({
    type: z.literal('drop'),
    /** `before`: nothing happened on the server; `after`: it took effect, the answer is lost. */
    phase: z.enum(['before', 'after']).default('before'),
    count: countSchema,
    only: onlySchema,
  }),
  z.strictObject({
    type: z.literal('raw'),
    status: z.number().int().min(100).max(599),
    body: z.string(),
    contentType: z.string().default('application/json'),
    count: countSchema,
    only: onlySchema,
  }),
]);
export type Fault = z.output<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

export const faultSettingsSchema = z.strictObject({
  latency: z.strictObject({ minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).nullable().optional(),
  clockSkewMs: z.number().finite().optional(),
  next: z.array(faultSchema).optional(),
});
export type FaultSettings = z.input<typeof faultSettingsSchema>;

export interface FaultCounts {
  status: number;
  rate_limit: number;
  drop: number;
  raw: number;
  delayed: number;
}

export class FaultPlan {
  private latency: { minMs: number; maxMs: number } | undefined;
  private queue: Fault[] = [];
  clockSkewMs = 0;
  /** How many requests each kind of fault has hit, for soak reports. */
  readonly injected: FaultCounts = { status: 0, rate_limit: 0, drop: 0, raw: 0, delayed: 0 };

  /** Every request waits this long; a range gives a random wait in it. */
  setLatency(minMs: number, maxMs = minMs): void {
    this.latency = minMs === 0 && maxMs === 0 ? undefined : { minMs, maxMs: Math.max(minMs, maxMs) };
  }

  setClockSkew(ms: number): void {
    this.clockSkewMs = ms;
  }

  /** Queue faults; each hits the next `count` matching requests, in order. */
  add(...faults: FaultInput[]): void {
    for (const fault of faults) this.queue.push(faultSchema.parse(fault));
  }

  failNext(status: number, count = 1, code?: string): void {
    this.add({ type: 'status', status, count, code });
  }

  rateLimitNext(retryAfterSeconds: number, count = 1): void {
    this.add({ type: 'rate_limit', retryAfterSeconds, count });
  }

  dropNext(count = 1, phase: 'before' | 'after' = 'before'): void {
    this.add({ type: 'drop', count, phase });
  }

  respondRawNext(status: number, body: string, contentType = 'application/json', count = 1): void {
    this.add({ type: 'raw', status, body, contentType, count });
  }

  apply(settings: FaultSettings): void {
    const parsed = faultSettingsSchema.parse(settings);
    if (parsed.latency === null) this.setLatency(0);
    else if (parsed.latency) this.setLatency(parsed.latency.minMs, parsed.latency.maxMs);
    if (parsed.clockSkewMs !== undefined) this.setClockSkew(parsed.clockSkewMs);
    if (parsed.next) this.queue.push(...parsed.next);
  }

  clear(): void {
    this.latency = undefined;
    this.queue = [];
    this.clockSkewMs = 0;
  }

  pending(): Fault[] {
    return this.queue.map((fault) => ({ ...fault }));
  }

  /** The delay for the next request, in ms. */
  nextDelay(): number {
    if (!this.latency) return 0;
    this.injected.delayed++;
    const { minMs, maxMs } = this.latency;
    return minMs + Math.random() * (maxMs - minMs);
  }

  /** Take one hit of the first queued fault that applies to this endpoint. */
  take(endpoint: string): Fault | undefined {
    const index = this.queue.findIndex((fault) => !fault.only || fault.only.includes(endpoint));
    if (index < 0) return undefined;
    const fault = this.queue[index]!;
    fault.count -= 1;
    if (fault.count <= 0) this.queue.splice(index, 1);
    this.injected[fault.type]++;
    return fault;
  }
}
