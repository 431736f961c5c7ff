import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { describe } from './describe';
import { canShareNode, LabelRequirement } from './node-overlap';
import { ValidationError } from './validation-error';

/** What one agent claims on every node it runs on, for the app-wide checks. */
export interface AgentClaims {
  /** The path of the construct the user created (the preset's, or the core's). */
  readonly ownerPath: string;
  /** "namespace/name" of the DaemonSet. */
  readonly id: string;
  /** Ports bound on the node's addresses: "9100/TCP" (host ports, or every port with hostNetwork). */
  readonly hostPorts: string[];
  /** Writable host paths that are the agent's own (not `shared`). */
  readonly exclusiveHostPaths: string[];
  /**
   * The nodes the agent runs on: any of these terms, each a list of requirements that must all
   * hold (the node selector as `In` requirements, in every term).
   */
  readonly nodeTerms: LabelRequirement[][];
}

/** Kinds without a namespace: their names must be unique in the whole cluster. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'StorageClass',
  'CSIDriver', 'CSINode', 'RuntimeClass', 'IngressClass', 'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'VolumeAttachment', 'CertificateSigningRequest', 'FlowSchema',
  'PriorityLevelConfiguration',
]);

const agentsByRoot = new WeakMap<IConstruct, AgentClaims[]>();

/**
 * Records an agent's claims and, once per app, adds the app-wide validation: every object's
 * name unique where the API server needs it (cluster-scoped objects in the cluster, the others
 * in their namespace), and no two agents that can run on one node claiming the same host port
 * or writable host path.
 */
export function registerAgent(scope: IConstruct, claims: AgentClaims): void {
  registerAppChecks(scope).push(claims);
}

/** Adds the app-wide validation once per app (any construct of the library calls it); the app's agents. */
export function registerAppChecks(scope: IConstruct): AgentClaims[] {
  const root = scope.node.root;
  let agents = agentsByRoot.get(root);
  if (agents === undefined) {
    agents = [];
    agentsByRoot.set(root, agents);
    const registered = agents;
    // Thrown as the library's one error type (Errors.isValidationError), not returned to cdk8s,
    // which would wrap the lines in a plain Error.
    scope.node.addValidation({
      validate: () => {
        const conflicts = [...duplicateObjects(root), ...nodeConflicts(registered)];
        if (conflicts.length > 0) {
          throw new ValidationError('the app\'s agents', root.node.path, conflicts, 'conflict');
        }
        return [];
      },
    });
  }
  return agents;
}

function duplicateObjects(root: IConstruct): string[] {
  const seen = new Map<string, { owner: string }>();
  // Per pair of owners, the objects they both emit: one message each.
  const clashes = new Map<string, string[]>();
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) {
      continue;
    }
    const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : 'core';
    const clusterScoped = CLUSTER_SCOPED_KINDS.has(c.kind);
    const namespace = clusterScoped ? undefined : (c.metadata.namespace ?? Chart.of(c).namespace ?? 'default');
    const key = `${group}/${c.kind}/${namespace ?? ''}/${c.name}`;
    const owner = ownerOf(c);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, { owner });
      continue;
    }
    const pair = `'${first.owner}' and '${owner}'`;
    const where = clusterScoped ? 'cluster-wide' : `in namespace ${describe(namespace)}`;
    clashes.set(pair, [...(clashes.get(pair) ?? []), `${c.kind} ${describe(c.name)} (${where})`]);
  }
  return [...clashes.entries()].map(([pair, objects]) => `${pair} both emit ${objects.join(', ')}: names must be unique where the API server keeps them (cluster-scoped objects in the whole cluster), and the one applied last replaces the other; give one of them another \`name\` or \`namespace\``);
}

/** The construct the user created that emits `c`: the nearest agent (preset or core), else `c`'s own path. */
function ownerOf(c: IConstruct): string {
  for (let scope: IConstruct | undefined = c; scope !== undefined; scope = scope.node.scope) {
    const ownerPath = (scope as { _ownerPath?: unknown })._ownerPath;
    if (typeof ownerPath === 'string') {
      return ownerPath;
    }
  }
  return c.node.path;
}

function nodeConflicts(agents: AgentClaims[]): string[] {
  const errors: string[] = [];
  for (const [i, j] of claimingTheSame(agents, (x, y) => canShareNode(agents[x].nodeTerms, agents[y].nodeTerms))) {
    const [a, b] = [agents[i], agents[j]];
    const ports = a.hostPorts.filter((p) => b.hostPorts.includes(p));
    const paths = a.exclusiveHostPaths.flatMap((p) => b.exclusiveHostPaths.filter((q) => overlaps(p, q)).map((q) => (p === q ? p : `${p} and ${q}`)));
    const what = [
      ...ports.map((p) => `host port ${p}`),
      ...paths.map((p) => `writable host path ${p}`),
    ];
    if (what.length > 0) {
      errors.push(`'${a.ownerPath}' (${a.id}) and '${b.ownerPath}' (${b.id}) can run on the same node and both claim ${what.join(', ')}; the second pod on a node would fail (port in use) or corrupt the other's state. Give one of them another port or path, or keep them on different nodes (nodeSelector or requiredNodeAffinity)`);
    }
  }
  return errors;
}

/**
 * The pairs of agents (indexes, in order) that claim the same host port or overlapping writable
 * host paths and `canShare` a node, found through an index instead of comparing every pair: an
 * app of 1,000 agents spent 12 % of its synthesis comparing them (bench/: core x 1000). Only the
 * pairs that can share a node are kept: 1,000 agents with the same host paths on separate pools
 * made half a million pairs, and keeping and sorting them all took a fifth of the synthesis
 * (bench/: gpu-driver-installer x 1000).
 */
function claimingTheSame(agents: AgentClaims[], canShare: (i: number, j: number) => boolean): Array<[number, number]> {
  const byPort = new Map<string, number[]>();
  const byPath = new Map<string, number[]>();
  const add = (index: Map<string, number[]>, key: string, i: number) => index.set(key, [...(index.get(key) ?? []), i]);
  agents.forEach((a, i) => {
    new Set(a.hostPorts).forEach((port) => add(byPort, port, i));
    new Set(a.exclusiveHostPaths.map(normalize)).forEach((path) => add(byPath, path, i));
  });
  const pairs = new Set<number>();
  const pair = (i: number, j: number) => {
    const [x, y] = [Math.min(i, j), Math.max(i, j)];
    const key = x * agents.length + y;
    if (x !== y && !pairs.has(key) && canShare(x, y)) {
      pairs.add(key);
    }
  };
  for (const holders of byPort.values()) {
    holders.forEach((i) => holders.forEach((j) => pair(i, j)));
  }
  // Two paths overlap when one is the other or an ancestor of it ("/" is everyone's).
  for (const [path, holders] of byPath) {
    for (const ancestor of ancestorsOf(path)) {
      (byPath.get(ancestor) ?? []).forEach((j) => holders.forEach((i) => pair(i, j)));
    }
  }
  return [...pairs].sort((x, y) => x - y).map((k) => [Math.floor(k / agents.length), k % agents.length]);
}

/** A normalized path and every ancestor of it, "/" included: "/a/b" gives "/a/b", "/a", "/". */
function ancestorsOf(path: string): string[] {
  const result = [path];
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    result.push(path.slice(0, end));
  }
  if (path !== '/') {
    result.push('/');
  }
  return result;
}

/** Whether two host paths are the same or one contains the other. */
function overlaps(p: string, q: string): boolean {
  const [x, y] = [normalize(p), normalize(q)];
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`) || x === '/' || y === '/';
}

function normalize(path: string): string {
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}
