// The renderer is served from app://varsync/ out of out/renderer and nowhere else: no file://
// pages (which would share an origin with every file on the disk), no path that climbs out of
// the folder (also not through an encoded "..", a backslash or a symbolic link), and a strict
// Content-Security-Policy on every answer.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_HOST, APP_SCHEME } from './security.js';
import { contentTypeOf, resolveRendererFile } from '../core/renderer-files.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';

export { CONTENT_SECURITY_POLICY };

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** The file under `root` that an app:// URL names, or undefined if it names anything outside it. */
export async function rendererFile(root: string, url: string): Promise<string | undefined> {
  let parsed: URL;
  let path: string;
  try {
    parsed = new URL(url);
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  return resolveRendererFile(root, path);
}

/** protocol.handle's handler for app://: the file, or 404 for anything missing or outside `root`. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed');
    const file = await rendererFile(root, request.url);
    if (!file) return answer(404, 'not found');
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { ...HEADERS, 'Content-Type': contentTypeOf(file) },
    });
  };
}

/** After ready: serve app://varsync/ from the built renderer. */
export function setupAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}

function answer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
