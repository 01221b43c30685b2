// The emulator's request handling, admin API, loopback binding, seeds and command line.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, readSeedFile, startEmulator, type Emulator } from '../../emulator/index.js';
import { hmacAuthorization } from '../../main/core/api/signing.js';
import { rawRequest } from '../helpers/http.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ admin: true });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.state.load(emulator.state.seed);
  emulator.faults.clear();
});

function signedPost(endpoint: string, body: string) {
  const date = new Date().toUTCString();
  return rawRequest(`${emulator.apiBaseUrl}/${endpoint}`, {
    method: 'POST',
    headers: {
      Date: date,
      Authorization: hmacAuthorization(DEMO.apiKey, DEMO.sharedKey, date),
      'Content-Type': 'application/json',
    },
    body,
  });
}

const base = { product: DEMO.product, hardware_id: 'hw-1', license_key: DEMO.licenseKey };

describe('request validation', () => {
  it.each([
    ['{not json', 'invalid_json'],
    ['[1,2]', 'invalid_json'],
    [JSON.stringify({ hardware_id: 'hw', license_key: 'k', variables: {} }), 'missing_parameters'],
    [JSON.stringify({ product: DEMO.product, license_key: 'k', variables: {} }), 'missing_parameters'],
    [JSON.stringify({ ...base, variables: 'x' }), 'validation_error'],
    [JSON.stringify({ ...base, variables: { a: null } }), 'validation_error'],
    [JSON.stringify({ ...base, variables: { a: [1] } }), 'validation_error'],
    [JSON.stringify({ ...base, product: 7, variables: {} }), 'validation_error'],
    [JSON.stringify({ ...base }), 'missing_parameters'],
  ])('%s -> %s', async (body, code) => {
    const answer = await signedPost('track_device_variables', body);
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({ status: 400, code, message: expect.any(String) });
  });

  it('answers unknown paths with 404 and wrong methods with 405, in the error shape', async () => {
    const unknown = await rawRequest(`${emulator.apiBaseUrl}/nothing_here`);
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404, code: 'not_found' });
    const wrongMethod = await rawRequest(`${emulator.apiBaseUrl}/track_device_variables`);
    expect(wrongMethod.status).toBe(405);
  });

  it('refuses bodies over 1 MiB', async () => {
    const answer = await signedPost('track_device_variables', `{"x":"${'a'.repeat(1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
  });

  it('does not count a re-activation of the same device as a new seat', async () => {
    await signedPost('activate_license', JSON.stringify(base));
    const again = await signedPost('activate_license', JSON.stringify(base));
    expect(again.json()).toMatchObject({ times_activated: 1 });
  });
});

describe('admin API', () => {
  const admin = (path: string, method = 'GET', body?: unknown) =>
    rawRequest(`${emulator.url}/__admin${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('is off unless asked for', async () => {
    const plain = await startEmulator();
    try {
      expect((await rawRequest(`${plain.url}/__admin/state`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('changes licenses and blacklists, injects faults and shows the request log', async () => {
    await signedPost('activate_license', JSON.stringify(base));
    expect(
      (await admin('/license', 'POST', { product: DEMO.product, licenseKey: DEMO.licenseKey, enabled: false })).status,
    ).toBe(200);
    expect(
      (await signedPost('track_device_variables', JSON.stringify({ ...base, variables: { a: 1 } }))).json(),
    ).toMatchObject({
      code: 'license_not_enabled',
    });
    await admin('/license', 'POST', { product: DEMO.product, licenseKey: DEMO.licenseKey, enabled: true });
    await admin('/blacklist', 'POST', { product: DEMO.product, hardwareId: 'hw-1' });
    expect(
      (await signedPost('track_device_variables', JSON.stringify({ ...base, variables: { a: 1 } }))).json(),
    ).toMatchObject({
      code: 'blacklisted',
    });
    await admin('/blacklist', 'POST', { product: DEMO.product, hardwareId: 'hw-1', blacklisted: false });
    await admin('/faults', 'POST', { next: [{ type: 'rate_limit', retryAfterSeconds: 9 }] });
    const limited = await signedPost('track_device_variables', JSON.stringify({ ...base, variables: { a: 1 } }));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('9');
    expect((await signedPost('track_device_variables', JSON.stringify({ ...base, variables: { a: 2 } }))).status).toBe(
      200,
    );
    expect((await admin(`/variables?product=${DEMO.product}&hardware_id=hw-1`)).json()).toEqual({ a: 2 });
    const log = (await admin('/requests')).json() as Array<{ endpoint: string; status: number; fault?: string }>;
    expect(log.filter((entry) => entry.fault === 'rate_limit')).toHaveLength(1);
    const state = (await admin('/state')).json() as { licenses: Array<{ devices: unknown[] }> };
    expect(state.licenses[0]!.devices).toHaveLength(1);
    expect(JSON.stringify(state)).not.toContain(DEMO.password);
  });

  it('explains a bad admin request', async () => {
    const answer = await admin('/faults', 'POST', { next: [{ type: 'explode' }] });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ error: expect.stringContaining('next.0') });
  });
});

describe('binding and seeds', () => {
  it('binds to loopback and refuses anything else', async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('reads a seed file and names the file and key of a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'varsync-seed-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ products: [{ code: 'p' }], licenses: [{ product: 'p', key: 'K' }] }));
    expect(readSeedFile(good).licenses[0]!.maxActivations).toBe(1);
    const syntax = join(dir, 'syntax.json');
    writeFileSync(syntax, '{ products: ');
    expect(() => readSeedFile(syntax)).toThrow(new RegExp(`${syntax}: not valid JSON`));
    const wrongType = join(dir, 'type.json');
    writeFileSync(wrongType, JSON.stringify({ products: [{ code: 5 }] }));
    expect(() => readSeedFile(wrongType)).toThrow(/type\.json: products\.0\.code/);
    const unknownKey = join(dir, 'unknown.json');
    writeFileSync(unknownKey, JSON.stringify({ products: [], colour: 'red' }));
    expect(() => readSeedFile(unknownKey)).toThrow(/unknown\.json: .*colour/);
    expect(() => readSeedFile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot be read \(ENOENT\)/);
  });
});

describe('npm run emulator', () => {
  it('prints its URL and the demo credentials, and serves them', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('Press Ctrl+C')) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(output).toContain(DEMO.licenseKey);
      expect(output).toContain(DEMO.sharedKey);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      expect((await rawRequest(`${url}/api/v4/.well-known`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a bad port in one line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('emulator: --port must be a port number (0-65535), got "eighty".');
  });
});
