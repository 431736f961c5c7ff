import { createHash } from 'crypto';
import { IConstruct } from 'constructs';

/** A short stable hash of a string (hex). */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Turns arbitrary text into a DNS-1123 label: lowercase, runs of other characters become "-",
 * at most 63 characters. When it has to shorten or change the text, it appends a hash of the
 * original so that two different inputs never collide and the result is the same on every run.
 */
export function toDnsLabel(text: string, prefix = ''): string {
  const cleaned = `${prefix}${text}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const base = cleaned === '' ? 'x' : cleaned;
  if (base.length <= 63) {
    return base;
  }
  const hash = shortHash(text);
  return `${base.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The volume name for a host path: "/var/log" becomes "host-var-log", "/" becomes "host-root". */
export function hostVolumeName(path: string): string {
  return path === '/' ? 'host-root' : toDnsLabel(path, 'host-');
}

/** Ids that name the one construct a wrapper is built around (the constructs convention). */
const WRAPPED_CHILD_IDS = new Set(['default', 'resource']);

/**
 * The name a construct takes when its props give none: its id as a DNS-1123 label. An id of
 * "Default" or "Resource" takes the nearest enclosing construct's id instead, as cdk8s leaves
 * those ids out of the names it generates: a platform team's wrapper that builds its agent as
 * `new DaemonSet(this, 'Default', ...)` gets objects named after each instance of the wrapper.
 */
export function defaultName(construct: IConstruct): string {
  const id = [...construct.node.scopes].reverse().map((c) => c.node.id).find((i) => i !== '' && !WRAPPED_CHILD_IDS.has(i.toLowerCase()));
  return toDnsLabel(id ?? construct.node.id);
}
