// The headless status server over real loopback HTTP: the token (Bearer only, never a cookie),
// Host and Origin rules, the public shell, the AgentApi endpoints, server-sent events, and nothing
// served outside the renderer folder.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type Emulator } from '../../emulator/index.js';
import type { ChangesPush, ChangesView } from '../../shared/agent-api.js';
import { Agent } from '../../main/core/agent.js';
import { silentLogger } from '../../main/core/log.js';
import { CONTENT_SECURITY_POLICY, startStatusServer, type StatusServer } from '../../main/web/status-server.js';
import { emulatorConfig, tempDir } from '../helpers/agent.js';
import { rowsOf } from '../helpers/changes.js';
import { rawRequest } from '../helpers/http.js';

let emulator: Emulator;
let agent: Agent;
let server: StatusServer;
let rendererDir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  const base = tempDir();
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Varsync</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(base, 'secret.txt'), 'outside the renderer folder');
  symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.state.load(emulator.state.seed);
  agent = Agent.open({ config: emulatorConfig(emulator, tempDir(), { hardwareId: 'web-device' }) });
  agent.watch();
  server = await startStatusServer({ agent, rendererDir, log: silentLogger, token: 'test-token-123' });
});
afterEach(async () => {
  await server.close();
  await agent.close();
});

const authorized = (path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  rawRequest(`${server.origin}${path}`, {
    ...options,
    headers: {
      Authorization: 'Bearer test-token-123',
      ...(options.method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
  });

describe('who may call', () => {
  it('binds to 127.0.0.1 only', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      await expect(rawRequest(`http://${external.address}:${server.port}/api/status`)).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  it('prints a URL whose token is in the fragment, which no HTTP request carries', () => {
    expect(server.url).toBe(`${server.origin}/#token=test-token-123`);
  });

  it('serves the shell (page and assets) without a token, with every security header, and sets no cookie', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const answer = await rawRequest(`${server.origin}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers, path).toMatchObject({
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(answer.headers['set-cookie'], path).toBeUndefined();
    }
    expect((await rawRequest(`${server.origin}/`)).body).toContain('<title>Varsync</title>');
  });

  it('refuses data without the Bearer token: none, a wrong one, a cookie (even the right token), a query', async () => {
    const refusals = [
      rawRequest(`${server.origin}/api/status`),
      rawRequest(`${server.origin}/api/status`, { headers: { Authorization: 'Bearer wrong' } }),
      rawRequest(`${server.origin}/api/status`, { headers: { Authorization: 'Basic dGVzdC10b2tlbi0xMjM=' } }),
      rawRequest(`${server.origin}/api/status`, { headers: { Cookie: 'varsync_token=test-token-123' } }),
      rawRequest(`${server.origin}/api/variables?token=test-token-123`),
      rawRequest(`${server.origin}/api/events`, { headers: { Cookie: 'varsync_token=test-token-123' } }),
      rawRequest(`${server.origin}/api/pause`, {
        method: 'POST',
        body: '{}',
        headers: { 'Content-Type': 'application/json', Cookie: 'varsync_token=test-token-123' },
      }),
      // A write to the shell's paths needs the token too (refused before "only GET is served here").
      rawRequest(`${server.origin}/`, { method: 'POST', body: '{}' }),
    ];
    for (const answer of await Promise.all(refusals)) {
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({ error: 'missing or wrong token: open the URL that varsync run --ui printed' });
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    expect((await authorized('/api/status')).status).toBe(200);
    expect((await authorized('/', { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('answers an older ?token= URL with a redirect to the fragment, without a cookie; a wrong one is refused', async () => {
    const opened = await rawRequest(`${server.origin}/?token=test-token-123`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/#token=test-token-123');
    expect(opened.headers['set-cookie']).toBeUndefined();
    expect(opened.headers['cache-control']).toBe('no-store');
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
    const refused = await rawRequest(`${server.origin}/?token=wrong`);
    expect(refused.status).toBe(401);
    expect(refused.headers['set-cookie']).toBeUndefined();
    // The same peer checks as everything else come first.
    expect(
      (await rawRequest(`${server.origin}/?token=test-token-123`, { headers: { Host: `evil.example:${server.port}` } }))
        .status,
    ).toBe(421);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin even with the token, for the shell too', async () => {
    expect((await rawRequest(`${server.origin}/`, { headers: { Host: `attacker.test:${server.port}` } })).status).toBe(
      421,
    );
    expect(
      (await rawRequest(`${server.origin}/assets/app.js`, { headers: { Host: `attacker.test:${server.port}` } }))
        .status,
    ).toBe(421);
    expect((await rawRequest(`${server.origin}/`, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await authorized('/api/status', { headers: { Host: 'evil.example:80' } })).status).toBe(421);
    expect((await authorized('/api/status', { headers: { Host: `attacker.test:${server.port}` } })).status).toBe(421);
    expect(
      (await authorized('/api/sync', { method: 'POST', body: '{}', headers: { Origin: 'http://evil.example' } }))
        .status,
    ).toBe(403);
    expect((await authorized('/api/status', { headers: { Origin: `http://localhost:${server.port}` } })).status).toBe(
      200,
    );
    expect((await authorized('/api/status', { headers: { Host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/link.txt',
      '/index.html%00.png',
      '/etc/passwd',
    ]) {
      for (const answer of [await authorized(path), await rawRequest(`${server.origin}${path}`)]) {
        expect(answer.status, path).toBe(404);
        expect(answer.body).not.toContain('outside the renderer folder');
      }
    }
  });
});

describe('the AgentApi over HTTP', () => {
  it('status, variables, sync, dead letters, pause and resume', async () => {
    emulator.state.load({ ...emulator.state.seed, validation: { rejectNames: ['bad'] } });
    agent.set({ good: 1, bad: 2 });
    expect((await authorized('/api/status')).json()).toMatchObject({
      state: 'pending',
      pending: 2,
      product: DEMO.product,
    });
    const sync = await authorized('/api/sync', { method: 'POST', body: '{}' });
    expect(sync.json()).toMatchObject({ outcome: 'drained', status: { pending: 0, failed: 1 } });
    expect((await authorized('/api/variables')).json()).toEqual([
      expect.objectContaining({ name: 'bad', state: 'failed' }),
      expect.objectContaining({ name: 'good', state: 'synced' }),
    ]);
    expect((await authorized('/api/dead-letters')).json()).toEqual([
      expect.objectContaining({ name: 'bad', code: 'validation_error' }),
    ]);
    expect((await authorized('/api/dead-letters/retry', { method: 'POST', body: '{"names":["bad"]}' })).json()).toEqual(
      { count: 1 },
    );
    expect((await authorized('/api/dead-letters/discard', { method: 'POST', body: '{}' })).json()).toEqual({
      count: 0,
    });
    expect((await authorized('/api/pause', { method: 'POST', body: '{}' })).status).toBe(204);
    expect((await authorized('/api/status')).json()).toMatchObject({ paused: true, state: 'paused' });
    expect((await authorized('/api/resume', { method: 'POST', body: '{}' })).status).toBe(204);
    expect((await authorized('/api/status')).json()).toMatchObject({ paused: false });
  });

  it('activity: the recent attempts, and one attempt’s log by its correlation ID', async () => {
    agent.set({ color: 'blue' });
    await authorized('/api/sync', { method: 'POST', body: '{}' });
    const attempts = (await authorized('/api/activity')).json() as Array<{ correlationId: string }>;
    expect(attempts).toEqual([expect.objectContaining({ trigger: 'manual', outcome: 'drained', sent: 1 })]);
    const id = attempts[0]!.correlationId;
    // This agent writes no log file: the answer says so rather than showing nothing.
    expect(
      (await authorized('/api/activity/log', { method: 'POST', body: JSON.stringify({ correlationId: id }) })).json(),
    ).toEqual({ correlationId: id, lines: [], truncated: false, problem: expect.stringMatching(/no log file/) });
    const unknown = await authorized('/api/activity/log', { method: 'POST', body: '{"correlationId":"0badc0de"}' });
    expect([unknown.status, unknown.json()]).toEqual([404, { error: 'no recent sync attempt has the ID 0badc0de' }]);
    for (const body of ['{}', '{"correlationId":"../x"}', '{"correlationId":"0badc0de","more":1}'])
      expect((await authorized('/api/activity/log', { method: 'POST', body })).status, body).toBe(400);
  });

  it('changes: everything first, then the status, the variables changed since the cursor, and only the parts that changed', async () => {
    agent.set({ color: 'blue', seats: 3 });
    const changes = (since: string | null) =>
      authorized('/api/changes', { method: 'POST', body: JSON.stringify({ since }) });
    const first = (await changes(null)).json() as ChangesView;
    expect(first).toMatchObject({
      status: { pending: 2 },
      variables: { full: true },
      deadLetters: [],
      activity: [],
    });
    // The whole list comes as columns.
    expect(first.variables).toMatchObject({ columns: { names: ['color', 'seats'], values: ['blue', 3] } });
    expect(rowsOf(first.variables).map((variable) => [variable.name, variable.state])).toEqual([
      ['color', 'pending'],
      ['seats', 'pending'],
    ]);
    agent.set({ seats: 4 });
    const second = (await changes(first.cursor)).json() as { cursor: string };
    expect(second).toEqual({
      cursor: expect.not.stringMatching(`^${first.cursor}$`),
      status: expect.objectContaining({ pending: 2 }),
      variables: {
        full: false,
        variables: [expect.objectContaining({ name: 'seats', value: 4, state: 'pending' })],
        removed: [],
      },
      deadLetters: null,
      activity: null,
    });
    await authorized('/api/sync', { method: 'POST', body: '{}' });
    expect((await changes(second.cursor)).json()).toMatchObject({
      status: { pending: 0 },
      variables: {
        full: false,
        variables: [
          { name: 'color', state: 'synced' },
          { name: 'seats', state: 'synced' },
        ],
      },
      deadLetters: null,
      activity: [expect.objectContaining({ outcome: 'drained', sent: 2 })],
    });
    for (const body of ['{}', '{"since":1}', '{"since":null,"more":1}'])
      expect((await authorized('/api/changes', { method: 'POST', body })).status, body).toBe(400);
  });

  it('first screen: the first rows by name and how many there are, with the status, refused values and activity', async () => {
    agent.set({ seats: 3, color: 'blue', alpha: true });
    const answer = await authorized('/api/first-screen', { method: 'POST', body: '{"rows":2}' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      status: expect.objectContaining({ pending: 3 }),
      variables: {
        first: [expect.objectContaining({ name: 'alpha', value: true }), expect.objectContaining({ name: 'color' })],
        total: 3,
      },
      deadLetters: [],
      activity: [],
    });
    for (const body of ['{}', '{"rows":0}', '{"rows":501}', '{"rows":"2"}', '{"rows":2,"since":null}']) {
      const refused = await authorized('/api/first-screen', { method: 'POST', body });
      expect(refused.status, body).toBe(400);
      expect(refused.json(), body).toEqual({ error: expect.stringMatching(/^body must be \{"rows": 1 to 500\}/) });
    }
  });

  it('refuses bad bodies with a clear error', async () => {
    expect(
      (await authorized('/api/dead-letters/retry', { method: 'POST', body: '{"names":"bad"}' })).json(),
    ).toMatchObject({
      error: expect.stringMatching(/^body must be \{"names": \[text, \.\.\.\]\} or \{\}/),
    });
    expect((await authorized('/api/dead-letters/retry', { method: 'POST', body: '{nope' })).status).toBe(400);
    expect(
      (await authorized('/api/sync', { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } })).status,
    ).toBe(415);
    expect((await authorized('/api/nothing')).status).toBe(404);
    expect(
      (
        await authorized('/api/sync', { method: 'POST', body: `{"x":"${'a'.repeat(70_000)}"}` }).catch(() => ({
          status: 413,
        }))
      ).status,
    ).toBe(413);
  });

  /** The first event on /api/events (`query` after the path) once another process sets a value. */
  let sets = 0;
  function firstEvent(query: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req = request(
        `${server.origin}/api/events${query}`,
        { headers: { Authorization: 'Bearer test-token-123' } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          // The stream is open: another process writes to the same data folder.
          const other = Agent.open({ config: agent.config });
          other.set({ from_elsewhere: sets++ === 0 ? true : `set ${sets}` });
          void other.close();
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            const event = /(event: \w+\ndata: .*\n)\n/.exec(text);
            if (event) {
              req.destroy();
              resolve(event[1]!);
            }
          });
        },
      );
      req.on('error', (error) => (String(error).includes('socket hang up') ? undefined : reject(error)));
      req.end();
    });
  }

  it('pushes a page that names itself the changes since its last answer, also for a set from another process', async () => {
    const page = 'page-0123456789';
    const first = (
      await authorized('/api/changes', { method: 'POST', body: JSON.stringify({ since: null, page }) })
    ).json() as ChangesView;
    const event = await firstEvent(`?page=${page}`);
    const push = JSON.parse(/^event: changes\ndata: (.*)\n$/.exec(event)![1]!) as ChangesPush;
    expect(push.since).toBe(first.cursor);
    expect(push.changes.variables.full).toBe(false);
    expect(rowsOf(push.changes.variables).map((variable) => [variable.name, variable.value])).toEqual([
      ['from_elsewhere', true],
    ]);
    expect(push.changes.status.pending).toBe(first.status.pending + 1);
    // What the page would have been answered had it asked from the same cursor.
    const asked = (
      await authorized('/api/changes', { method: 'POST', body: JSON.stringify({ since: first.cursor }) })
    ).json() as ChangesView;
    expect(asked.cursor).toBe(push.changes.cursor);
  });

  it('tells any other reader, and a page before its first answer, that something changed: it asks', async () => {
    expect(await firstEvent('')).toBe('event: change\ndata: {}\n');
    expect(await firstEvent('?page=page-never-asked')).toBe('event: change\ndata: {}\n');
    const refused = await authorized('/api/events?page=../../x');
    expect(refused.status).toBe(400);
  });
});
