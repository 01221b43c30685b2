// The emulator's rate limiter: each window and limit, the Retry-After it gives, and the scope of
// each limit (company across keys, client IP, Authorization value), in-process and over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, demoSeed, parseRateLimit, RateLimiter, startEmulator, type Emulator } from '../../emulator/index.js';
import { hmacAuthorization } from '../../main/core/api/signing.js';
import { rawRequest } from '../helpers/http.js';

const T0 = Date.UTC(2026, 0, 1);

/** Admit `count` requests at `at`, each with its own Authorization value and IP unless given. */
function admitMany(
  limiter: RateLimiter,
  count: number,
  at: number,
  request: { ip?: string; authorization?: string } = {},
) {
  const answers = [];
  for (let i = 0; i < count; i++)
    answers.push(
      limiter.admit(
        { ip: request.ip ?? `10.0.${i >> 8}.${i & 255}`, authorization: request.authorization ?? `auth-${i}` },
        at,
      ),
    );
  return answers;
}

describe('RateLimiter', () => {
  it('parses plans and numbers, and refuses anything else with the choices', () => {
    expect(parseRateLimit('free')).toBe(1800);
    expect(parseRateLimit('starter')).toBe(3600);
    expect(parseRateLimit('plus')).toBe(4500);
    expect(parseRateLimit('enterprise')).toBe(18000);
    expect(parseRateLimit('120')).toBe(120);
    for (const bad of ['', 'gold', '0', '-5', '1.5'])
      expect(() => parseRateLimit(bad)).toThrow(/free, starter, plus, enterprise or a number/);
  });

  it('admits the company plan per rolling 60 s across devices, then says when the oldest leaves the window', () => {
    const limiter = new RateLimiter({ perMinute: 100 });
    expect(admitMany(limiter, 60, T0).every((a) => a.admitted)).toBe(true);
    expect(admitMany(limiter, 40, T0 + 20_000).every((a) => a.admitted)).toBe(true);
    // Full: the first 60 leave at T0 + 60 s, 30 s after this refusal.
    expect(limiter.admit({ ip: 'x', authorization: 'y' }, T0 + 30_000)).toEqual({
      admitted: false,
      scope: 'company',
      retryAfterSeconds: 30,
      status: 429,
    });
    // Rounded up to whole seconds, never 0.
    expect(limiter.admit({ ip: 'x', authorization: 'y' }, T0 + 59_999.5)).toMatchObject({ retryAfterSeconds: 1 });
    // Rolling: at 60 s the first 60 are out, the 40 from 20 s are still in.
    expect(admitMany(limiter, 60, T0 + 60_000).every((a) => a.admitted)).toBe(true);
    expect(limiter.admit({ ip: 'x', authorization: 'y' }, T0 + 60_000)).toMatchObject({
      admitted: false,
      retryAfterSeconds: 20,
    });
  });

  it('does not count refused requests, so a storm does not keep the window shut', () => {
    const limiter = new RateLimiter({ perMinute: 10 });
    admitMany(limiter, 10, T0);
    expect(admitMany(limiter, 500, T0 + 30_000).some((a) => a.admitted)).toBe(false);
    expect(admitMany(limiter, 10, T0 + 60_000).every((a) => a.admitted)).toBe(true);
  });

  it('limits one client IP to 200 per 10 s, whatever its credentials', () => {
    const limiter = new RateLimiter({ perMinute: 18_000 });
    const answers = admitMany(limiter, 201, T0, { ip: '192.0.2.1' });
    expect(answers.slice(0, 200).every((a) => a.admitted)).toBe(true);
    expect(answers[200]).toMatchObject({ admitted: false, scope: 'ip', retryAfterSeconds: 10 });
    // Another address is not affected, and the first one is admitted again after 10 s.
    expect(limiter.admit({ ip: '192.0.2.2', authorization: 'z' }, T0)).toEqual({ admitted: true });
    expect(limiter.admit({ ip: '192.0.2.1', authorization: 'z2' }, T0 + 10_000)).toEqual({ admitted: true });
  });

  it('limits one Authorization value to 50 per second', () => {
    const limiter = new RateLimiter({ perMinute: 18_000 });
    const answers = admitMany(limiter, 51, T0, { authorization: 'same' });
    expect(answers.slice(0, 50).every((a) => a.admitted)).toBe(true);
    expect(answers[50]).toMatchObject({ admitted: false, scope: 'authorization', retryAfterSeconds: 1 });
    expect(limiter.admit({ ip: 'a', authorization: 'other' }, T0)).toEqual({ admitted: true });
    expect(limiter.admit({ ip: 'a', authorization: 'same' }, T0 + 1_000)).toEqual({ admitted: true });
  });

  it('charges unauthenticated calls (the probe) to the IP only, never to the company', () => {
    const limiter = new RateLimiter({ perMinute: 5 });
    for (let i = 0; i < 50; i++) expect(limiter.admit({ ip: `10.1.0.${i}` }, T0)).toEqual({ admitted: true });
    expect(admitMany(limiter, 5, T0).every((a) => a.admitted)).toBe(true);
  });

  it('answers 503 when asked to', () => {
    const limiter = new RateLimiter({ perMinute: 1, status: 503 });
    limiter.admit({ ip: 'a', authorization: 'a' }, T0);
    expect(limiter.admit({ ip: 'b', authorization: 'b' }, T0)).toMatchObject({ admitted: false, status: 503 });
  });
});

describe('the emulator with --rate-limit', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  function track(apiKey: string, sharedKey: string, hardwareId: string, localAddress?: string) {
    const date = new Date().toUTCString();
    return rawRequest(`${emulator!.apiBaseUrl}/track_device_variables`, {
      method: 'POST',
      headers: {
        Date: date,
        Authorization: hmacAuthorization(apiKey, sharedKey, date),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        product: DEMO.product,
        hardware_id: hardwareId,
        license_key: DEMO.licenseKey,
        variables: { a: 1 },
      }),
      localAddress,
    });
  }

  it('shares the company window between API keys and answers 429 with Retry-After and the error body', async () => {
    const seed = demoSeed();
    seed.apiKeys!.push({ apiKey: 'second-key', sharedKey: 'second-shared' });
    seed.licenses![0]!.devices = [{ hardwareId: 'hw-1' }];
    emulator = await startEmulator({ seed, rateLimit: { perMinute: 2 } });
    expect((await track(DEMO.apiKey, DEMO.sharedKey, 'hw-1')).status).toBe(200);
    expect((await track('second-key', 'second-shared', 'hw-1')).status).toBe(200);
    const refused = await track('second-key', 'second-shared', 'hw-1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({ status: 429, code: 'too_many_requests', message: expect.any(String) });
    // The probe carries no credential: no company pays for it.
    expect((await rawRequest(`${emulator.apiBaseUrl}/.well-known`)).status).toBe(200);
    expect(emulator.requests.at(-2)).toMatchObject({ status: 429, code: 'too_many_requests' });
  });

  it('counts per client address: another loopback address is not limited by the first one', async () => {
    const seed = demoSeed();
    seed.licenses![0]!.devices = [{ hardwareId: 'hw-1' }];
    emulator = await startEmulator({ seed, rateLimit: { perMinute: 18_000, status: 503 } });
    const probe = (localAddress: string) => rawRequest(`${emulator!.apiBaseUrl}/.well-known`, { localAddress });
    for (let i = 0; i < 200; i++) expect((await probe('127.0.0.1')).status).toBe(200);
    const refused = await probe('127.0.0.1');
    expect(refused.status).toBe(503);
    expect(refused.json()).toMatchObject({ status: 503, code: 'too_many_requests' });
    expect((await probe('127.0.0.2')).status).toBe(200);
  });

  it('enforces nothing unless asked', async () => {
    emulator = await startEmulator();
    expect(emulator.rateLimiter).toBeUndefined();
    for (let i = 0; i < 60; i++) expect((await rawRequest(`${emulator.apiBaseUrl}/.well-known`)).status).toBe(200);
  });
});
