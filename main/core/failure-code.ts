// The code of a failure (an errno such as ENOENT, a SQLite code such as SQLITE_FULL), read one way
// everywhere instead of with a cast at each catch.

/** The string `code` of a thrown value, if it has one. */
export function failureCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
