// LicenseSpring's documented License API rate limits (license-api.md): a rolling 60-s window per
// company shared by all its keys (the emulator serves one company), plus the flood backstops of
// 200 requests per 10 s per client IP and 50 per second per Authorization value. A refused
// request is not counted in any window (it was not served), and it is told when the window that
// refused it admits again, in whole seconds.

/** Requests per rolling 60 s for each plan. */
export const PLAN_REQUESTS_PER_MINUTE = { free: 1_800, starter: 3_600, plus: 4_500, enterprise: 18_000 } as const;
export type PlanName = keyof typeof PLAN_REQUESTS_PER_MINUTE;
export const PLAN_NAMES = Object.keys(PLAN_REQUESTS_PER_MINUTE) as PlanName[];

export const COMPANY_WINDOW_MS = 60_000;
export const PER_IP = { limit: 200, windowMs: 10_000 } as const;
export const PER_AUTHORIZATION = { limit: 50, windowMs: 1_000 } as const;

export type RateLimitScope = 'company' | 'ip' | 'authorization';

export interface RateLimitOptions {
  /** Requests per rolling 60 s for the company. */
  perMinute: number;
  /** The status of a refusal: the real API's is undocumented, so 503 can be asked for. */
  status?: 429 | 503;
}

export type Admission =
  { admitted: true } | { admitted: false; scope: RateLimitScope; retryAfterSeconds: number; status: 429 | 503 };

export interface RateLimitedRequest {
  ip: string;
  /** The Authorization header; absent on unauthenticated calls, which no company pays for. */
  authorization?: string;
}

/** `free`, `starter`, `plus`, `enterprise` or a whole number of requests per 60 s. */
export function parseRateLimit(text: string): number {
  if (Object.hasOwn(PLAN_REQUESTS_PER_MINUTE, text)) return PLAN_REQUESTS_PER_MINUTE[text as PlanName];
  const perMinute = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(perMinute) || perMinute < 1)
    throw new Error(`--rate-limit must be ${PLAN_NAMES.join(', ')} or a number of requests per 60 s (got "${text}").`);
  return perMinute;
}

/** The timestamps admitted in the last `windowMs`, oldest first. */
class SlidingLog {
  private times: number[] = [];
  private head = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until a request could be admitted (0: now). */
  waitMs(now: number): number {
    this.expire(now);
    if (this.times.length - this.head < this.limit) return 0;
    return this.times[this.head]! + this.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }

  /** Nothing in the window: the log can be forgotten. */
  idle(now: number): boolean {
    this.expire(now);
    return this.times.length === this.head;
  }

  private expire(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    // Compact now and then so that the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

export class RateLimiter {
  readonly perMinute: number;
  readonly status: 429 | 503;
  private readonly company: SlidingLog;
  private readonly byIp = new Map<string, SlidingLog>();
  private readonly byAuthorization = new Map<string, SlidingLog>();
  private nextSweep = 0;

  constructor(options: RateLimitOptions) {
    this.perMinute = options.perMinute;
    this.status = options.status ?? 429;
    this.company = new SlidingLog(options.perMinute, COMPANY_WINDOW_MS);
  }

  /** Admit (and count) the request, or say which limit refuses it and for how long. */
  admit(request: RateLimitedRequest, now: number): Admission {
    this.sweep(now);
    const ip = logFor(this.byIp, request.ip, PER_IP);
    const authorization =
      request.authorization === undefined
        ? undefined
        : logFor(this.byAuthorization, request.authorization, PER_AUTHORIZATION);
    const checks: Array<[RateLimitScope, SlidingLog | undefined]> = [
      ['authorization', authorization],
      ['ip', ip],
      ['company', authorization && this.company],
    ];
    for (const [scope, log] of checks) {
      const waitMs = log?.waitMs(now) ?? 0;
      if (waitMs > 0)
        return { admitted: false, scope, retryAfterSeconds: Math.ceil(waitMs / 1000), status: this.status };
    }
    for (const [, log] of checks) log?.record(now);
    return { admitted: true };
  }

  /** Forget the per-IP and per-Authorization logs that hold nothing any more (one pass a window). */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + PER_IP.windowMs;
    for (const logs of [this.byIp, this.byAuthorization])
      for (const [key, log] of logs) if (log.idle(now)) logs.delete(key);
  }
}

function logFor(logs: Map<string, SlidingLog>, key: string, limit: { limit: number; windowMs: number }): SlidingLog {
  let log = logs.get(key);
  if (!log) {
    log = new SlidingLog(limit.limit, limit.windowMs);
    logs.set(key, log);
  }
  return log;
}
