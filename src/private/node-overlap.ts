/**
 * Whether two agents can ever run on one node, exactly, from their node requirements (the node
 * selector, as `In` requirements, and the required node affinity terms): the app-wide check
 * refuses two agents that claim one host port only when some node labelling satisfies both.
 *
 * A requirement as the scheduler reads it (k8s.io/component-helpers nodeaffinity, labels.Selector):
 * In: the label is present with one of the values; NotIn: absent, or present with another value;
 * Exists / DoesNotExist: present / absent; Gt, Lt: present, an integer, above / below the value.
 */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
}

/** Two agents' terms (each term: requirements that must all hold; any term may): can one node meet both? */
export function canShareNode(a: LabelRequirement[][], b: LabelRequirement[][]): boolean {
  return a.some((ta) => b.some((tb) => !pinnedApart(ta, tb) && satisfiable([...ta, ...tb])));
}

/** Per term, the labels an `In` requirement with one value pins (a node selector's entries). */
const PINS = new WeakMap<LabelRequirement[], Map<string, string>>();

function pinsOf(term: LabelRequirement[]): Map<string, string> {
  let pins = PINS.get(term);
  if (pins === undefined) {
    pins = new Map(term.filter((r) => r.operator === 'In' && r.values?.length === 1).map((r) => [r.key, r.values![0]]));
    PINS.set(term, pins);
  }
  return pins;
}

/**
 * Whether two terms pin one label to two values: then no node meets both. The common case of an
 * app's agents split into pools by a node selector, decided without `satisfiable`'s work (the
 * app-wide check compares every pair of agents that claim one host path).
 */
function pinnedApart(a: LabelRequirement[], b: LabelRequirement[]): boolean {
  const pb = pinsOf(b);
  for (const [key, value] of pinsOf(a)) {
    const other = pb.get(key);
    if (other !== undefined && other !== value) {
      return true;
    }
  }
  return false;
}

/** Whether one node's labels can meet every requirement, key by key. */
export function satisfiable(requirements: LabelRequirement[]): boolean {
  const byKey = new Map<string, LabelRequirement[]>();
  for (const r of requirements) {
    byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  }
  return [...byKey.values()].every(keySatisfiable);
}

function keySatisfiable(reqs: LabelRequirement[]): boolean {
  const present = reqs.some((r) => ['In', 'Exists', 'Gt', 'Lt'].includes(r.operator));
  if (reqs.some((r) => r.operator === 'DoesNotExist')) {
    // Absent satisfies NotIn and DoesNotExist, and nothing that needs the label.
    return !present;
  }
  if (!present) {
    return true; // only NotIn: the label may be absent
  }
  const excluded = new Set(reqs.filter((r) => r.operator === 'NotIn').flatMap((r) => r.values ?? []));
  const above = Math.max(-Infinity, ...reqs.filter((r) => r.operator === 'Gt').map((r) => Number(r.values?.[0])));
  const below = Math.min(Infinity, ...reqs.filter((r) => r.operator === 'Lt').map((r) => Number(r.values?.[0])));
  const numeric = reqs.some((r) => r.operator === 'Gt' || r.operator === 'Lt');
  const fits = (v: string) => !excluded.has(v) && (!numeric || (/^-?[0-9]+$/.test(v) && Number(v) > above && Number(v) < below));
  const inSets = reqs.filter((r) => r.operator === 'In').map((r) => r.values ?? []);
  if (inSets.length > 0) {
    return inSets[0].some((v) => inSets.every((s) => s.includes(v)) && fits(v));
  }
  if (!numeric) {
    return true; // any value but the excluded ones: there are always more
  }
  // Some integer strictly between the bounds that NotIn does not exclude.
  const low = Math.floor(above) + 1;
  const high = Math.ceil(below) - 1;
  if (low > high) {
    return false;
  }
  if (!Number.isFinite(low) || !Number.isFinite(high) || high - low + 1 > excluded.size) {
    return true;
  }
  for (let v = low; v <= high; v++) {
    if (fits(String(v))) {
      return true;
    }
  }
  return false;
}
