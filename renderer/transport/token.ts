// The per-run token of the headless status page. `varsync run --ui` prints
// http://127.0.0.1:PORT/#token=T: a fragment is never sent to any server (nor kept in its logs or
// in a Referer), unlike a query or a cookie, which a browser would send to every port of 127.0.0.1.
// The page takes it from the fragment once, keeps it in sessionStorage (this tab only, survives a
// reload) and clears it from the address bar, so it is not left in history or on a screenshot.
// Browser objects are passed in so this runs (and is tested) without a DOM.

/** What this reads of `location`. */
export interface LocationLike {
  readonly hash: string;
  readonly pathname: string;
  readonly search: string;
}

/** The part of sessionStorage this uses. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface TokenSources {
  location: LocationLike;
  /** sessionStorage; undefined where the browser refuses it (then a reload needs the URL again). */
  storage: StorageLike | undefined;
  /** history.replaceState with this URL (same document, no navigation). */
  replaceUrl(url: string): void;
}

export const TOKEN_STORAGE_KEY = 'varsync.statusToken';

/** The words shown when the page was opened without its token. */
export const NO_TOKEN_MESSAGE = "Open the URL that `varsync run --ui` printed (it carries this run's token).";

/** The page was opened without the token (a bookmark of the bare address, a new tab). */
export class MissingTokenError extends Error {
  override readonly name = 'MissingTokenError';
  constructor() {
    super(NO_TOKEN_MESSAGE);
  }
}

/** The token from the fragment (then stored and cleared from the address bar), else the one this tab stored, else undefined. */
export function takeToken({ location, storage, replaceUrl }: TokenSources): string | undefined {
  const fromFragment = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
  if (fromFragment !== '') {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromFragment);
    } catch {
      // Storage full or refused: this load still works; a reload will ask for the URL again.
    }
    replaceUrl(`${location.pathname}${location.search}`);
    return fromFragment;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) || undefined;
  } catch {
    return undefined;
  }
}
