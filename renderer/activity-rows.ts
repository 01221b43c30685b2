// Which attempts the Activity list shows: the latest until the reader asks for all of them. The
// store keeps 200, and a row for each of them doubled the window's first frame (bench 7); the
// chart above the list still counts every one.

/** Rows listed until the reader asks for all of them. */
export const LATEST_ATTEMPTS_SHOWN = 20;

/**
 * Rows in the list's first frame: about what its box shows (18rem); the rest of the latest follow
 * once the page is idle. Rendering all 20 at once cost the window's first frame about 20 ms.
 */
export const ATTEMPTS_IN_FIRST_FRAME = 8;

/** The attempts to list (newest first, as given); `firstFrame`: only those of the list's first frame. */
export function listedAttempts<T>(attempts: readonly T[], showAll: boolean, firstFrame = false): readonly T[] {
  if (showAll) return attempts;
  return attempts.slice(0, firstFrame ? ATTEMPTS_IN_FIRST_FRAME : LATEST_ATTEMPTS_SHOWN);
}
