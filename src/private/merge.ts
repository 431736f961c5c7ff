/**
 * A preset's props: its own defaults with the user's props on top. A user prop that is set
 * (not undefined) always wins, whole: a list given by the user replaces the preset's list.
 */
export function withDefaults<T extends object>(defaults: T, user: Partial<T> | undefined): T {
  const result: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(user ?? {})) {
    if (value !== undefined) {
      result[key] = value;
    }
  }
  return result as T;
}
