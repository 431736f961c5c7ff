/**
 * The one rule every preset applies to the user's props (documented in the README):
 * - lists of things the agent needs in its pod — `hostMounts`, `volumes`, `volumeMounts`,
 *   `initContainers`, `sidecars`, `ports` — are extended: the user's entries come after the
 *   preset's, so adding a mount never drops the one the agent needs;
 * - maps — `env`, `labels`, `annotations`, `podAnnotations` — are merged: the user's entries are
 *   added, and a key the user sets wins;
 * - `resources` is merged per resource: a resource the user gives (`cpu`, `memory`,
 *   `ephemeralStorage`) replaces the preset's request and limit for that resource, the others
 *   keep the preset's sizing (a CPU-only override must not drop a preset's memory limit);
 * - every other prop the user sets (not undefined) replaces the preset's value whole
 *   (`args`, `tolerations`, `resources`, `updateStrategy`, `rbacRules`, ...).
 */
export const ADDITIVE_LISTS = ['hostMounts', 'volumes', 'volumeMounts', 'initContainers', 'sidecars', 'ports'] as const;
export const MERGED_MAPS = ['env', 'labels', 'annotations', 'podAnnotations', 'resources'] as const;

/**
 * Merges the user's props over the preset's defaults by the rule above. Types are not checked
 * here: every preset checks its whole props first (`checkConstructProps`), and the core checks
 * what it is given.
 */
export function withDefaults<T extends object>(defaults: T, user: Partial<T> | undefined): T {
  const result: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(user ?? {})) {
    if (value === undefined || value === null) {
      continue;
    }
    const preset = result[key];
    if ((ADDITIVE_LISTS as readonly string[]).includes(key) && Array.isArray(preset) && Array.isArray(value)) {
      result[key] = [...preset, ...value];
    } else if ((MERGED_MAPS as readonly string[]).includes(key) && isPlainObject(preset) && isPlainObject(value)) {
      result[key] = { ...preset, ...definedEntries(value) };
    } else {
      result[key] = value;
    }
  }
  return result as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedEntries(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined));
}
