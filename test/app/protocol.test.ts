// app://varsync/ serves the built renderer and nothing else, with a strict CSP on every answer.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  rendererFile,
  setupAppProtocol,
} from '../../main/app/protocol.js';
import { tempDir } from '../helpers/agent.js';
import { protocol, resetFakeElectron } from './helpers/fake-electron.js';

vi.mock('electron', () => import('./helpers/fake-electron.js'));

const SECRET = 'the contents of a file outside out/renderer';
let root: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(() => {
  const base = tempDir('varsync-protocol-');
  root = join(base, 'out', 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>Varsync</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("hello")');
  writeFileSync(join(root, 'assets', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(base, 'out', 'secret.txt'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  serve = createAppProtocolHandler(root);
});

beforeEach(() => resetFakeElectron());

describe('the app:// protocol', () => {
  it('is registered for the app scheme', () => {
    setupAppProtocol(root);
    expect([...protocol.handlers.keys()]).toEqual(['app']);
  });

  it('serves the renderer with the strict Content-Security-Policy', async () => {
    for (const url of ['app://varsync/', 'app://varsync/index.html', 'app://varsync/index.html?x=1#/variables']) {
      const response = await serve(new Request(url));
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Varsync</title>');
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*/);
    const script = await serve(new Request('app://varsync/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const style = await serve(new Request('app://varsync/assets/app.css'));
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it.each([
    'app://varsync/../secret.txt',
    'app://varsync/%2e%2e/secret.txt',
    'app://varsync/..%2fsecret.txt',
    'app://varsync/%2e%2e%2fsecret.txt',
    'app://varsync/assets/..%2f..%2fsecret.txt',
    'app://varsync/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://varsync/..%5csecret.txt',
    'app://varsync/assets/link.txt',
    'app://varsync/%2fetc%2fpasswd',
    'app://varsync//etc/passwd',
    'app://varsync/index.html%00.png',
    'app://varsync/%E0%A4%A',
    'app://varsync/assets',
    'app://varsync/missing.js',
    'app://evil/index.html',
  ])('refuses %s', async (url) => {
    const response = await serve(new Request(url));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).not.toContain(SECRET);
  });

  it('never names a file outside the folder', async () => {
    expect(await rendererFile(root, 'app://varsync/assets/..%2f..%2fsecret.txt')).toBeUndefined();
    expect(await rendererFile(root, 'app://varsync/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it('answers only reads', async () => {
    const response = await serve(new Request('app://varsync/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
    const head = await serve(new Request('app://varsync/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });
});
