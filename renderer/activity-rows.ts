// Which attempts the Activity list shows: the latest until the reader asks for all of them. The
// store keeps 200, and a row for each of them doubled the window's first frame (bench 7); the
// chart above the list still counts every one.

/** Rows listed until the reader asks for all of them. */
export const LATEST_ATTEMPTS_SHOWN = 20;

/** The attempts to list (newest first, as given). */
export function listedAttempts<T>(attempts: readonly T[], showAll: boolean): readonly T[] {
  return showAll ? attempts : attempts.slice(0, LATEST_ATTEMPTS_SHOWN);
}
