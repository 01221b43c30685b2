// The emulator checks authorization as the License API does: HMAC (both spellings of apikey,
// both separators), Bearer tokens, and the 15-minute Date rule.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import { rawRequest } from '../helpers/http.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const sign = (date: string, sharedKey: string = DEMO.sharedKey) =>
  createHmac('sha256', sharedKey).update(`licenseSpring\ndate: ${date}`).digest('base64');

function check(headers: Record<string, string>) {
  const query = new URLSearchParams({ product: DEMO.product, hardware_id: 'hw', license_key: DEMO.licenseKey });
  return rawRequest(`${emulator.apiBaseUrl}/check_license?${query}`, { headers });
}

function hmacHeaders(
  options: { date?: string; separator?: string; keyName?: string; sharedKey?: string; algorithm?: string } = {},
) {
  const date = options.date ?? new Date().toUTCString();
  const parts = [
    `algorithm="${options.algorithm ?? 'hmac-sha256'}"`,
    'headers="date"',
    `signature="${sign(date, options.sharedKey)}"`,
    `${options.keyName ?? 'apikey'}="${DEMO.apiKey}"`,
  ];
  return { Date: date, Authorization: parts.join(options.separator ?? ',') };
}

const codeOf = async (answer: Promise<{ json(): unknown; status: number }>) => {
  const result = await answer;
  return `${result.status} ${(result.json() as { code?: string }).code ?? 'ok'}`;
};

describe('HMAC', () => {
  it.each([
    ['apikey', ','],
    ['apiKey', ','],
    ['apikey', ', '],
    ['apiKey', ', '],
  ])('accepts %s with separator %j', async (keyName, separator) => {
    // device_not_found proves the signature was accepted: it is decided after authorization.
    expect(await codeOf(check(hmacHeaders({ keyName, separator })))).toBe('400 device_not_found');
  });

  it.each([
    [{}, '400 missing_headers'],
    [{ Date: new Date().toUTCString() }, '400 missing_headers'],
    [{ Authorization: hmacHeaders().Authorization }, '400 missing_headers'],
    [
      { Date: new Date().toUTCString(), Authorization: 'algorithm="hmac-sha256",headers="date"' },
      '400 authorization_missing_params',
    ],
    [hmacHeaders({ algorithm: 'hmac-sha1' }), '400 hmac_required'],
    [
      { ...hmacHeaders(), Authorization: hmacHeaders().Authorization.replace('headers="date"', 'headers="date host"') },
      '400 authorization_invalid_headers',
    ],
    [
      { ...hmacHeaders(), Authorization: hmacHeaders().Authorization.replace(DEMO.apiKey, 'unknown-key') },
      '400 invalid_api_key',
    ],
    [hmacHeaders({ sharedKey: 'wrong' }), '400 signature_mismatch'],
    [{ ...hmacHeaders(), Date: 'not a date' }, '400 authorization_invalid_headers'],
  ])('refuses %j with %s', async (headers, expected) => {
    expect(await codeOf(check(headers as Record<string, string>))).toBe(expected);
  });

  it('enforces the 15-minute Date rule in both directions', async () => {
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();
    expect(await codeOf(check(hmacHeaders({ date: at(16 * 60_000) })))).toBe('400 date_header_diff');
    expect(await codeOf(check(hmacHeaders({ date: at(-16 * 60_000) })))).toBe('400 date_header_diff');
    expect(await codeOf(check(hmacHeaders({ date: at(14 * 60_000) })))).toBe('400 device_not_found');
    expect(await codeOf(check(hmacHeaders({ date: at(-14 * 60_000) })))).toBe('400 device_not_found');
  });

  it('stamps answers with its own (skewable) Date', async () => {
    emulator.faults.setClockSkew(3_600_000);
    const answer = await rawRequest(`${emulator.apiBaseUrl}/.well-known`);
    emulator.faults.clear();
    expect(Date.parse(answer.headers.date as string) - Date.now()).toBeGreaterThan(3_590_000);
  });
});

describe('Bearer tokens', () => {
  async function token(clientSecret: string = DEMO.clientSecret) {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEMO.clientId,
      client_secret: clientSecret,
    });
    return rawRequest(emulator.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  it('issues tokens for valid client credentials only', async () => {
    const good = await token();
    expect(good.status).toBe(200);
    expect(good.json()).toMatchObject({ token_type: 'Bearer', expires_in: 480 });
    const bad = await token('wrong');
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('accepts a valid token with a Date header, refuses unknown and expired ones', async () => {
    const { access_token } = (await token()).json() as { access_token: string };
    const date = new Date().toUTCString();
    expect(await codeOf(check({ Date: date, Authorization: `Bearer ${access_token}` }))).toBe('400 device_not_found');
    expect(await codeOf(check({ Date: date, Authorization: 'Bearer nonsense' }))).toBe('401 oauth_token_malformed');
    expect(await codeOf(check({ Authorization: `Bearer ${access_token}` }))).toBe('400 missing_headers');
    emulator.tokens.expireAll(emulator.now());
    expect(await codeOf(check({ Date: date, Authorization: `Bearer ${access_token}` }))).toBe(
      '401 oauth_token_expired',
    );
  });
});
