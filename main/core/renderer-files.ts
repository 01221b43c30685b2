// The built renderer's files, for both places that serve them (the window's app:// protocol and the
// daemon's status page): which file a request names, and its content type. A request never leads
// out of the folder: not through "..", an encoded "..", a backslash, a NUL or a symbolic link.
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that a request's decoded path names (`/` is index.html), or undefined for
 * anything missing, not a plain file, or outside `root`.
 */
export async function resolveRendererFile(root: string, path: string): Promise<string | undefined> {
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${path === '/' ? '/index.html' : path}`);
  if (!inside(base, file)) return undefined;
  try {
    // A link inside the folder must not lead out of it.
    const [realBase, realFile] = await Promise.all([realpath(base), realpath(file)]);
    if (!inside(realBase, realFile) || !(await stat(realFile)).isFile()) return undefined;
    return realFile;
  } catch {
    return undefined;
  }
}

function inside(base: string, file: string): boolean {
  const path = relative(base, file);
  return path !== '' && !path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path);
}
