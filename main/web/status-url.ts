// The address `varsync run --ui` prints: http://127.0.0.1:PORT/#token=T. The token rides in the
// fragment, which a browser never sends to any server; scripts (and tests) read it back from there.

export function statusPageUrl(origin: string, token: string): string {
  return `${origin}/#token=${encodeURIComponent(token)}`;
}

/** The token of a printed status page address; empty when it has none. */
export function tokenOfStatusUrl(url: string | URL): string {
  return new URLSearchParams(new URL(url).hash.slice(1)).get('token') ?? '';
}

/** The line `varsync run --ui` prints for it. */
export function statusPageLine(url: string): string {
  return `Status page: ${url}`;
}

/** The status page address printed in a daemon's output, if it has printed it yet. */
export function findStatusUrl(output: string): string | undefined {
  return /Status page: (\S+)/.exec(output)?.[1];
}
