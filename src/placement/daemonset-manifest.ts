/**
 * Internal: reads the fields of an `apps/v1` DaemonSet object (as parsed from YAML or JSON,
 * from any source) that decide placement and rollout.
 *
 * Values whose JSON type is wrong (a number where Kubernetes expects a string, a string where it
 * expects a list...) cannot even be decoded by the API server, so they throw here with the
 * field path. Values of the right type that the API server's validation would reject are
 * evaluated with the controller's own matching semantics and reported as warnings by the
 * callers (see placement-preview.ts).
 *
 * Not exported from the package: the public API takes the manifest as `any`.
 */

/** A `v1.Toleration`, with Kubernetes' zero values for absent fields. */
export interface ParsedToleration {
  readonly key: string;
  /** '' (means Equal), 'Equal' or 'Exists'; anything else never matches. */
  readonly operator: string;
  readonly value: string;
  /** '' matches every effect. */
  readonly effect: string;
}

/** A `v1.NodeSelectorRequirement` (used for both matchExpressions and matchFields). */
export interface ParsedRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: string[];
}

/** A `v1.NodeSelectorTerm`. */
export interface ParsedTerm {
  readonly matchExpressions: ParsedRequirement[];
  readonly matchFields: ParsedRequirement[];
}

/** `spec.updateStrategy`, before API server defaulting. */
export interface ParsedUpdateStrategy {
  /** As written; undefined when absent (the API server defaults it to RollingUpdate). */
  readonly type?: string;
  /** `rollingUpdate.maxUnavailable` as written (number or string), undefined when absent. */
  readonly maxUnavailable?: number | string;
  /** `rollingUpdate.maxSurge` as written (number or string), undefined when absent. */
  readonly maxSurge?: number | string;
}

/** The DaemonSet fields the placement preview and the rollout plan read. */
export interface ParsedDaemonSet {
  readonly name: string;
  readonly namespace?: string;
  /** `spec.template.spec.nodeName`, undefined when absent or empty. */
  readonly nodeName?: string;
  /** `spec.template.spec.nodeSelector` entries, in document order. */
  readonly nodeSelector: Array<[string, string]>;
  /**
   * `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; undefined when there is
   * no required node affinity at all (no constraint), `[]` when the selector is present but has
   * no terms (matches nothing).
   */
  readonly requiredTerms?: ParsedTerm[];
  /** `spec.template.spec.tolerations` as written (without the controller's defaults). */
  readonly tolerations: ParsedToleration[];
  readonly hostNetwork: boolean;
  readonly minReadySeconds: number;
  readonly updateStrategy: ParsedUpdateStrategy;
  /** `metadata.annotations` of the DaemonSet (string values only). */
  readonly annotations: { [key: string]: string };
  /** `spec.template.spec`, as written: the scheduler's filters read requests and ports from it. */
  readonly podSpec: { [key: string]: unknown };
}

/** Reads a DaemonSet manifest; throws an Error naming the field and what is expected. */
export function parseDaemonSet(manifest: unknown): ParsedDaemonSet {
  if (typeof manifest === 'string') {
    throw new Error('Expected a parsed apps/v1 DaemonSet object, got a string: parse the YAML or JSON first (e.g. with Yaml.load from cdk8s or JSON.parse)');
  }
  if (!isObject(manifest)) {
    throw new Error(`Expected an apps/v1 DaemonSet object, got ${describeValue(manifest)}`);
  }
  const apiVersion = manifest.apiVersion;
  const kind = manifest.kind;
  if (apiVersion !== 'apps/v1' || kind !== 'DaemonSet') {
    throw new Error(`Expected an apps/v1 DaemonSet (apiVersion: apps/v1, kind: DaemonSet), got apiVersion ${describeValue(apiVersion)}, kind ${describeValue(kind)}`);
  }
  const metadata = optionalObject(manifest.metadata, 'metadata', 'DaemonSet') ?? {};
  const name = optionalString(metadata.name, 'metadata.name', 'DaemonSet') ?? '';
  const namespace = optionalString(metadata.namespace, 'metadata.namespace', 'DaemonSet');
  const subject = `DaemonSet ${namespace ? `${namespace}/` : ''}${name || '(unnamed)'}`;

  const spec = optionalObject(manifest.spec, 'spec', subject);
  if (spec === undefined) {
    throw new Error(`${subject}: spec is missing; expected spec.template.spec (a pod spec)`);
  }
  const template = optionalObject(spec.template, 'spec.template', subject);
  const podSpec = template === undefined ? undefined : optionalObject(template.spec, 'spec.template.spec', subject);
  if (podSpec === undefined) {
    throw new Error(`${subject}: spec.template.spec is missing; expected the pod spec of the DaemonSet's pods`);
  }

  const nodeName = optionalString(podSpec.nodeName, 'spec.template.spec.nodeName', subject);
  const nodeSelector = stringMap(podSpec.nodeSelector, 'spec.template.spec.nodeSelector', subject);
  const requiredTerms = parseRequiredAffinity(podSpec.affinity, subject);
  const tolerations = parseTolerations(podSpec.tolerations, subject);
  const hostNetwork = optionalBoolean(podSpec.hostNetwork, 'spec.template.spec.hostNetwork', subject) ?? false;

  const annotations: { [key: string]: string } = {};
  for (const [key, value] of stringMap(metadata.annotations, 'metadata.annotations', subject)) {
    annotations[key] = value;
  }

  const minReadySeconds = optionalNumber(spec.minReadySeconds, 'spec.minReadySeconds', subject) ?? 0;
  if (!Number.isInteger(minReadySeconds) || minReadySeconds < 0) {
    throw new Error(`${subject}: spec.minReadySeconds is ${describeValue(minReadySeconds)}; expected an integer >= 0`);
  }

  return {
    name,
    namespace,
    nodeName: nodeName === '' ? undefined : nodeName,
    nodeSelector,
    requiredTerms,
    tolerations,
    hostNetwork,
    minReadySeconds,
    updateStrategy: parseUpdateStrategy(spec.updateStrategy, subject),
    annotations,
    podSpec,
  };
}

function parseRequiredAffinity(affinity: unknown, subject: string): ParsedTerm[] | undefined {
  const aff = optionalObject(affinity, 'spec.template.spec.affinity', subject);
  const nodeAffinity = aff === undefined ? undefined : optionalObject(aff.nodeAffinity, 'spec.template.spec.affinity.nodeAffinity', subject);
  const path = 'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution';
  const required = nodeAffinity === undefined
    ? undefined
    : optionalObject(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, path, subject);
  if (required === undefined) {
    return undefined;
  }
  const terms = optionalArray(required.nodeSelectorTerms, `${path}.nodeSelectorTerms`, subject) ?? [];
  return terms.map((term, i) => {
    const termPath = `${path}.nodeSelectorTerms[${i}]`;
    // A null term decodes to an empty term (which matches nothing).
    const t = term === null ? {} : optionalObject(term, termPath, subject) ?? {};
    return {
      matchExpressions: parseRequirements(t.matchExpressions, `${termPath}.matchExpressions`, subject),
      matchFields: parseRequirements(t.matchFields, `${termPath}.matchFields`, subject),
    };
  });
}

function parseRequirements(value: unknown, path: string, subject: string): ParsedRequirement[] {
  const list = optionalArray(value, path, subject) ?? [];
  return list.map((item, i) => {
    const p = `${path}[${i}]`;
    const req = optionalObject(item, p, subject) ?? {};
    const values = optionalArray(req.values, `${p}.values`, subject) ?? [];
    return {
      key: optionalString(req.key, `${p}.key`, subject) ?? '',
      operator: optionalString(req.operator, `${p}.operator`, subject) ?? '',
      values: values.map((v, j) => requiredString(v, `${p}.values[${j}]`, subject)),
    };
  });
}

function parseTolerations(value: unknown, subject: string): ParsedToleration[] {
  const path = 'spec.template.spec.tolerations';
  const list = optionalArray(value, path, subject) ?? [];
  return list.map((item, i) => {
    const p = `${path}[${i}]`;
    const t = optionalObject(item, p, subject) ?? {};
    // tolerationSeconds only bounds how long a pod stays after a NoExecute taint appears: it is
    // never read when deciding whether a pod may be placed (v1.Toleration.ToleratesTaint).
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && typeof t.tolerationSeconds !== 'number') {
      throw new Error(`${subject}: ${p}.tolerationSeconds is ${describeValue(t.tolerationSeconds)}; expected an integer number of seconds`);
    }
    return {
      key: optionalString(t.key, `${p}.key`, subject) ?? '',
      operator: optionalString(t.operator, `${p}.operator`, subject) ?? '',
      value: optionalString(t.value, `${p}.value`, subject) ?? '',
      effect: optionalString(t.effect, `${p}.effect`, subject) ?? '',
    };
  });
}

function parseUpdateStrategy(value: unknown, subject: string): ParsedUpdateStrategy {
  const strategy = optionalObject(value, 'spec.updateStrategy', subject) ?? {};
  const type = optionalString(strategy.type, 'spec.updateStrategy.type', subject);
  const rollingUpdate = optionalObject(strategy.rollingUpdate, 'spec.updateStrategy.rollingUpdate', subject) ?? {};
  return {
    type: type === '' ? undefined : type,
    maxUnavailable: intOrString(rollingUpdate.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', subject),
    maxSurge: intOrString(rollingUpdate.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', subject),
  };
}

function intOrString(value: unknown, path: string, subject: string): number | string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return value;
  }
  throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected an integer or a percentage string such as "25%"`);
}

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, unambiguous rendering of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing (absent)';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  const text = JSON.stringify(value) ?? String(value);
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `${typeof value} ${shown}`;
}

function optionalObject(value: unknown, path: string, subject: string): { [key: string]: unknown } | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isObject(value)) {
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected an object`);
  }
  return value;
}

function optionalArray(value: unknown, path: string, subject: string): unknown[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value)) {
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected a list`);
  }
  return value;
}

function optionalString(value: unknown, path: string, subject: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return requiredString(value, path, subject);
}

function requiredString(value: unknown, path: string, subject: string): string {
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' || typeof value === 'boolean' ? ' (quote it in YAML)' : '';
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected a string${hint}`);
  }
  return value;
}

function optionalBoolean(value: unknown, path: string, subject: string): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected true or false`);
  }
  return value;
}

function optionalNumber(value: unknown, path: string, subject: string): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number') {
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected a number`);
  }
  return value;
}

function stringMap(value: unknown, path: string, subject: string): Array<[string, string]> {
  const map = optionalObject(value, path, subject) ?? {};
  return Object.keys(map).map((key) => [key, requiredString(map[key], `${path}["${key}"]`, subject)]);
}
