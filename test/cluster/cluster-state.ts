/**
 * Putting a fleet on the control plane and reading back what the DaemonSet controller and the
 * scheduler did with it.
 */
import { sleep, waitFor } from './control-plane';
import { KubeApiError, KubeClient } from './kube-client';

/** The generous status given to nodes that come without one (examples/nodes.json has none). */
export const DEFAULT_NODE_RESOURCES = { 'cpu': '4', 'memory': '16Gi', 'pods': '110', 'ephemeral-storage': '100Gi' };

/**
 * Creates Node objects as a kubelet would register them, then gives each exactly the taints,
 * `unschedulable` and status of the inventory. The TaintNodesByCondition admission plugin adds
 * `node.kubernetes.io/not-ready:NoSchedule` to every new Node (a kubelet clears it when the node
 * is ready), so the taints are put back afterwards; status only changes through `/status`.
 */
export async function createNodes(client: KubeClient, nodes: any[]): Promise<void> {
  await Promise.all(nodes.map(async (node) => {
    const name = node.metadata.name;
    await client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: node.metadata.labels ?? {}, annotations: node.metadata.annotations }, spec: node.spec ?? {} });
    // A merge patch replaces the whole list (null removes it): the inventory's taints, no others.
    const taints = node.spec?.taints?.length ? node.spec.taints : null;
    await client.mergePatch(`/api/v1/nodes/${name}`, { spec: { taints, unschedulable: node.spec?.unschedulable ?? null } });
    const allocatable = node.status?.allocatable ?? DEFAULT_NODE_RESOURCES;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await client.mergePatch(`/api/v1/nodes/${name}/status`, {
      status: {
        capacity: node.status?.capacity ?? allocatable,
        allocatable,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'set by the test', lastHeartbeatTime: now, lastTransitionTime: now }],
      },
    });
  }));
}

/** Creates a namespace, and waits for its `default` ServiceAccount (pods need it to be admitted). */
export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await waitFor(`ServiceAccount ${name}/default`, () => client.get(`/api/v1/namespaces/${name}/serviceaccounts/default`), 60_000);
}

/**
 * Creates pods already bound to their nodes (`spec.nodeName` set, as after scheduling) and gives
 * each the status its kubelet would have: Running since an hour or more, or the `status.phase` given
 * (Succeeded and Failed pods free their node). The start time matters: among pods of one
 * priority, the scheduler's preemption spares the longest running (`MoreImportantPod`), and a pod
 * without one counts as started now.
 */
export async function createBoundPods(client: KubeClient, pods: any[]): Promise<void> {
  // One minute apart in the given order, the last an hour ago: no two tie, as on a real node.
  const startTime = (k: number) => new Date(Date.now() - 3600_000 - (pods.length - k) * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await Promise.all(pods.map(async (pod, k) => {
    const { status, ...rest } = pod;
    await client.create(rest);
    await client.mergePatch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, {
      status: { phase: status?.phase ?? 'Running', startTime: startTime(k) },
    });
  }));
}

/** `kubectl get nodes -o json`. */
export async function listNodes(client: KubeClient): Promise<any> {
  return withKind(await client.get('/api/v1/nodes'), 'Node');
}

/** `kubectl get pods -A -o json`. */
export async function listPods(client: KubeClient): Promise<any> {
  return withKind(await client.get('/api/v1/pods'), 'Pod');
}

/** A list as kubectl prints it: `kind: List` and each item with its apiVersion and kind. */
function withKind(list: any, kind: string): any {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: list.items.map((i: any) => ({ apiVersion: 'v1', kind, ...i })) };
}

/**
 * The fields of each object that the API server's OpenAPI schema does not know: v1.20 drops them
 * silently (it predates server-side field validation), e.g. the DaemonSet `maxSurge` (1.22+).
 */
export class SchemaFields {
  public static async load(client: KubeClient): Promise<SchemaFields> {
    return new SchemaFields((await client.get('/openapi/v2')).definitions);
  }

  private readonly byKind = new Map<string, string>();

  private constructor(private readonly definitions: Record<string, any>) {
    for (const [name, def] of Object.entries(definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        this.byKind.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, name);
      }
    }
  }

  /** Whether the server serves `obj`'s kind (not, e.g., the Prometheus operator's CRDs). */
  public serves(obj: any): boolean {
    return this.byKind.has(`${obj.apiVersion}/${obj.kind}`);
  }

  /** The paths (`spec.updateStrategy.rollingUpdate.maxSurge`) of `obj` the server does not know. */
  public unknownPaths(obj: any): string[] {
    const name = this.byKind.get(`${obj.apiVersion}/${obj.kind}`);
    if (name === undefined) {
      throw new Error(`the API server has no schema for ${obj.apiVersion} ${obj.kind}`);
    }
    const found: string[] = [];
    this.walk(obj, this.definitions[name], '', found);
    return found;
  }

  private walk(value: any, schema: any, at: string, found: string[]): void {
    while (schema?.$ref) {
      schema = this.definitions[schema.$ref.replace('#/definitions/', '')];
    }
    if (schema === undefined || value === null || typeof value !== 'object') {
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(v, schema.items, `${at}[${i}]`, found));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const path = at ? `${at}.${key}` : key;
      if (schema.properties?.[key]) {
        this.walk(v, schema.properties[key], path, found);
      } else if (schema.additionalProperties) {
        this.walk(v, schema.additionalProperties, path, found);
      } else if (schema.properties) {
        found.push(path);
      }
    }
  }
}

/** Removes one dotted path (`spec.a.b`) from an object, in place. */
export function removePath(obj: any, path: string): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((o, k) => (o === undefined ? undefined : o[k]), obj);
  if (parent !== undefined) {
    delete parent[last];
  }
}

/**
 * Creates each object in order, as `kubectl apply -f` does with the files of a directory. Objects
 * other than DaemonSets that already exist (namespaces, accounts, roles of an app applied before)
 * are kept as they are.
 */
export async function createAll(client: KubeClient, objects: any[]): Promise<void> {
  for (const obj of objects) {
    try {
      await client.create(obj);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409 && obj.kind !== 'DaemonSet') {
        continue;
      }
      throw e;
    }
  }
}

/** What happened to one DaemonSet on one node. */
export interface NodeOutcome {
  /** The DaemonSet controller made a pod for the node. */
  readonly created: boolean;
  /** The scheduler bound that pod to the node. */
  readonly bound: boolean;
  /** The scheduler's message when it left the pod Pending (PodScheduled=False). */
  readonly pendingMessage?: string;
}

/** Per DaemonSet (`namespace/name`), per node name: what the controller and the scheduler did. */
export type Outcome = Map<string, Map<string, NodeOutcome>>;

export interface Settled {
  readonly outcome: Outcome;
  /** The pods (`namespace/name on node`) deleted by the scheduler's preemption on the way. */
  readonly preempted: string[];
}

/** The node a DaemonSet pod is for: its binding, or the node affinity the controller gives it. */
function targetNode(pod: any): string | undefined {
  if (pod.spec.nodeName) {
    return pod.spec.nodeName;
  }
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const field of term.matchFields ?? []) {
      if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.length === 1) {
        return field.values[0];
      }
    }
  }
  return undefined;
}

/**
 * The longest v1.20's scheduler leaves an unschedulable pod untried when nothing in the cluster
 * changes: 60 s in the unschedulable queue (`unschedulableQTimeInterval`), flushed every 30 s,
 * then at most 10 s of backoff (`DefaultPodMaxBackoffDuration`); plus 5 s of slack.
 */
export const SCHEDULER_RETRY_BOUND_MS = 105_000;

/**
 * How long the kubelet stand-in takes to remove a Terminating pod (its containers stopping):
 * 0 by default, CLUSTER_KUBELET_STOP_MS to replay the fleets with slower kubelets, where other
 * pods may be scheduled in between.
 */
const KUBELET_STOP_MS = Number(process.env.CLUSTER_KUBELET_STOP_MS ?? 0);

function podScheduledCondition(pod: any): any {
  return (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
}

/**
 * Waits until the DaemonSet controller has made every pod it means to and the scheduler has
 * decided each (bound, or PodScheduled=False with its reason and no preemption under way), and
 * nothing has changed for `quietMs`; then returns the outcome per DaemonSet and node.
 *
 * There is no kubelet, so this stands in for the two things of a kubelet's that the scheduler
 * sees: it sets the start time of a pod bound to a node, and it removes a pod being deleted (by
 * preemption) once it is Terminating, as a kubelet does when its containers have stopped (without
 * it a preempted pod stays Terminating forever and the preemptor stays Pending). Readiness is
 * never set: nothing here runs.
 *
 * A pod left Pending with a nominated node is a state v1.20 can keep for good: when the room its
 * preemption freed is taken by a pod of higher priority before it is retried, it fails again, finds
 * no victims, and keeps its `nominatedNodeName` (`updatePod` in v1.20's scheduler.go sets the
 * nomination but never clears it; later versions do). Such a pod counts as decided once nothing
 * has changed for `SCHEDULER_RETRY_BOUND_MS`, the longest the scheduler leaves an unschedulable
 * pod untried without a cluster event. Reproduced by hand on this control plane: a pod preempted
 * for, its room then taken by a higher-priority pod, stayed nominated and Pending for 150 s.
 *
 * The timeout only bounds a failure; its message is the last state seen.
 */
export async function awaitOutcome(
  client: KubeClient, daemonSets: Array<{ namespace: string; name: string }>, timeoutMs = 240_000, quietMs = 3_000,
): Promise<Settled> {
  const preempted = new Set<string>();
  let lastSignature = '';
  let stableSince = Date.now();
  let lastState = '';
  const deadline = Date.now() + timeoutMs;
  // When a Terminating pod was first seen: a kubelet removes it once its containers have stopped.
  const terminatingSince = new Map<string, number>();
  for (;;) {
    const pods = (await client.get('/api/v1/pods')).items as any[];
    for (const pod of pods.filter((p) => p.metadata.deletionTimestamp && p.spec.nodeName)) {
      const since = terminatingSince.get(pod.metadata.uid) ?? Date.now();
      terminatingSince.set(pod.metadata.uid, since);
      if (Date.now() - since < KUBELET_STOP_MS) {
        continue;
      }
      preempted.add(`${pod.metadata.namespace}/${pod.metadata.name} on ${pod.spec.nodeName}`);
      try {
        await client.delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) {
          throw e;
        }
      }
    }
    // The kubelet stand-in, part two: a kubelet sets a pod's start time when it takes the pod.
    for (const pod of pods.filter((p) => p.spec.nodeName && !p.status?.startTime && !p.metadata.deletionTimestamp)) {
      try {
        await client.mergePatch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, {
          metadata: { uid: pod.metadata.uid },
          status: { startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
        });
      } catch (e) {
        if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) {
          throw e;
        }
      }
    }
    const states: string[] = [];
    let settled = true;
    // Pending pods that keep a nomination: decided only after the scheduler's retry bound.
    let nominatedPending = 0;
    const outcome: Outcome = new Map();
    for (const { namespace, name } of daemonSets) {
      const ds = await client.get(`/apis/apps/v1/namespaces/${namespace}/daemonsets/${name}`);
      const ownedByDs = (p: any) => (p.metadata.ownerReferences ?? []).some((o: any) => o.uid === ds.metadata.uid);
      const owned = pods.filter((p) => p.metadata.namespace === namespace && ownedByDs(p));
      const live = owned.filter((p) => !p.metadata.deletionTimestamp);
      const status = ds.status ?? {};
      const statusCurrent = (status.observedGeneration ?? 0) >= ds.metadata.generation;
      if (!statusCurrent || live.length !== (status.desiredNumberScheduled ?? -1) || live.length !== owned.length) {
        settled = false;
      }
      const perNode = new Map<string, NodeOutcome>();
      for (const pod of live) {
        const node = targetNode(pod);
        const cond = podScheduledCondition(pod);
        const bound = Boolean(pod.spec.nodeName);
        const unschedulable = cond?.status === 'False' && cond.reason === 'Unschedulable';
        if (!bound && !unschedulable) {
          settled = false;
        }
        if (!bound && pod.status?.nominatedNodeName) {
          nominatedPending++;
        }
        if (node === undefined || perNode.has(node)) {
          settled = false;
          continue;
        }
        perNode.set(node, { created: true, bound, pendingMessage: bound ? undefined : cond?.message });
        states.push(`${namespace}/${name}@${node}:${bound ? 'bound' : `pending(${cond?.reason ?? 'undecided'}${pod.status?.nominatedNodeName ? `, nominated ${pod.status.nominatedNodeName}` : ''})`}`);
      }
      states.push(`${namespace}/${name}: desired ${status.desiredNumberScheduled} current ${status.currentNumberScheduled} observed ${status.observedGeneration}/${ds.metadata.generation}, ${owned.length} pods`);
      outcome.set(`${namespace}/${name}`, perNode);
    }
    const signature = states.join('\n') + pods.map((p) => `${p.metadata.uid}:${p.spec.nodeName ?? ''}:${p.metadata.deletionTimestamp ?? ''}`).sort().join(',');
    if (signature !== lastSignature) {
      lastSignature = signature;
      lastState = states.join('\n');
      stableSince = Date.now();
    } else if (settled && Date.now() - stableSince >= (nominatedPending > 0 ? SCHEDULER_RETRY_BOUND_MS : quietMs)) {
      return { outcome, preempted: [...preempted] };
    }
    if (Date.now() > deadline) {
      throw new Error(`the DaemonSet controller and the scheduler did not settle in ${timeoutMs / 1000}s:\n${lastState}`);
    }
    await sleep(250);
  }
}

/** Deletes every given namespace's pods (grace period 0), the DaemonSets first so that none comes back, then the nodes. */
export async function clearFleet(client: KubeClient, namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    await client.delete(`/apis/apps/v1/namespaces/${ns}/daemonsets`, { propagationPolicy: 'Orphan' });
  }
  for (const ns of namespaces) {
    await client.delete(`/api/v1/namespaces/${ns}/pods`, { gracePeriodSeconds: 0 });
  }
  await client.delete('/api/v1/nodes');
  await waitFor('the fleet to be gone', async () => {
    const [pods, nodes, daemonSets] = [await client.get('/api/v1/pods'), await client.get('/api/v1/nodes'), await client.get('/apis/apps/v1/daemonsets')];
    const inFleet = (o: any) => namespaces.includes(o.metadata.namespace);
    const left = pods.items.filter(inFleet).length + daemonSets.items.filter(inFleet).length + nodes.items.length;
    return left === 0 ? true : undefined;
  }, 60_000);
}
