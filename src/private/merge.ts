import { IConstruct } from 'constructs';
import { Problems } from './problems';
import { checkProps, propsStructOf } from './shapes';

/**
 * The one rule every preset applies to the user's props (documented in the README):
 * - lists of things the agent needs in its pod — `hostMounts`, `volumes`, `volumeMounts`,
 *   `initContainers`, `sidecars`, `ports` — are extended: the user's entries come after the
 *   preset's, so adding a mount never drops the one the agent needs;
 * - maps — `env`, `labels`, `annotations`, `podAnnotations` — are merged: the user's entries are
 *   added, and a key the user sets wins;
 * - every other prop the user sets (not undefined) replaces the preset's value whole
 *   (`args`, `tolerations`, `resources`, `updateStrategy`, `rbacRules`, ...).
 */
export const ADDITIVE_LISTS = ['hostMounts', 'volumes', 'volumeMounts', 'initContainers', 'sidecars', 'ports'] as const;
export const MERGED_MAPS = ['env', 'labels', 'annotations', 'podAnnotations'] as const;

export function withDefaults<T extends object>(defaults: T, user: Partial<T> | undefined, owner?: IConstruct): T {
  // Wrong types from untyped callers are reported against the preset, before they are merged.
  if (owner !== undefined && user !== undefined) {
    const problems = new Problems(`${owner.constructor.name} '${owner.node.path}'`);
    checkProps(propsStructOf(owner), user, problems);
    problems.throwIfAny();
  }
  const result: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(user ?? {})) {
    if (value === undefined || value === null) {
      continue;
    }
    const preset = result[key];
    if ((ADDITIVE_LISTS as readonly string[]).includes(key) && Array.isArray(preset) && Array.isArray(value)) {
      result[key] = [...preset, ...value];
    } else if ((MERGED_MAPS as readonly string[]).includes(key) && isPlainObject(preset) && isPlainObject(value)) {
      result[key] = { ...preset, ...value };
    } else {
      result[key] = value;
    }
  }
  return result as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
