/**
 * Applying what the library synthesizes to the real node, and reading what happened there: pods,
 * containers, logs (the files containerd writes under /var/log/pods), and the tier's summary.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WORK_DIR } from './host';
import { NODE_NAME, RealNode } from './real-node';
import { SchemaFields, removePath } from '../cluster/cluster-state';
import { waitFor } from '../cluster/control-plane';
import { KubeApiError, collectionPath } from '../cluster/kube-client';

/** The objects a chart synthesizes (as `cdk8s synth` writes them), built by `build` in a chart of `namespace`. */
export function synth(namespace: string, build: (chart: Chart) => void): any[] {
  const app = new App({ outdir: fs.mkdtempSync('/tmp/node-tier-synth-') });
  const chart = new Chart(app, namespace, { namespace });
  build(chart);
  const objects = chart.toJson();
  fs.rmSync(app.outdir, { recursive: true, force: true });
  return objects;
}

/** Kinds without a namespace beyond those kube-client knows. */
const MORE_CLUSTER_SCOPED: Record<string, string> = { CSIDriver: '/apis/storage.k8s.io/v1/csidrivers' };

function pathOf(obj: any): string {
  return MORE_CLUSTER_SCOPED[obj.kind] ?? collectionPath(obj);
}

/**
 * Creates (or replaces) every object, in order, as `kubectl apply` would; fields the v1.20 server
 * does not know (the DaemonSet `maxSurge`) are dropped first and returned, as the server would
 * drop them. A namespace the objects name is created when missing.
 */
export async function apply(node: RealNode, objects: any[]): Promise<string[]> {
  node.recordHostPaths(objects);
  const schema = await SchemaFields.load(node.client);
  const dropped: string[] = [];
  const namespaces = new Set(objects.map((o) => o.metadata?.namespace).filter((n) => n));
  for (const ns of namespaces) {
    if (!objects.some((o) => o.kind === 'Namespace' && o.metadata.name === ns)) {
      await ensure(node, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }
  for (const original of objects) {
    const obj = JSON.parse(JSON.stringify(original));
    if (!MORE_CLUSTER_SCOPED[obj.kind]) {
      for (const p of schema.unknownPaths(obj)) {
        removePath(obj, p);
        dropped.push(`${obj.kind}/${obj.metadata.name}: ${p}`);
      }
    }
    await ensure(node, obj);
    if (obj.kind === 'Namespace') {
      await waitFor(`ServiceAccount ${obj.metadata.name}/default`, () => node.client.get(`/api/v1/namespaces/${obj.metadata.name}/serviceaccounts/default`), 60_000);
    }
  }
  return dropped;
}

async function ensure(node: RealNode, obj: any): Promise<void> {
  const collection = pathOf(obj);
  try {
    await node.client.post(collection, obj);
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) {
      throw e;
    }
    const current = await node.client.get(`${collection}/${obj.metadata.name}`);
    await node.client.put(`${collection}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  }
}

/**
 * A pod whose log line the log agents must find (containerd writes it under /var/log/pods; the
 * kubelet links it from /var/log/containers), in the namespace `logsrc`. Returns the line, which
 * names the calling file: the node is shared, and an earlier file's log may still be there.
 */
export async function startLogSource(node: RealNode, file: string): Promise<string> {
  const marker = `node-tier-log-line-${file}-${process.pid}`;
  node.importBusybox('busybox:1.35');
  await apply(node, synth('logsrc', (chart) => {
    new k8s.KubePod(chart, 'logsrc', {
      metadata: { name: 'logsrc' },
      spec: {
        automountServiceAccountToken: false,
        containers: [{ name: 'logsrc', image: 'busybox:1.35', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', `echo ${marker}; exec sleep 86400`], securityContext: { runAsUser: 65534 } }],
      },
    });
  }));
  await waitFor('the log source pod Running', async () => (await node.client.get('/api/v1/namespaces/logsrc/pods/logsrc')).status?.phase === 'Running' || undefined, 60_000);
  return marker;
}

/**
 * Waits until the kubelet's log has `text` (its plugin watcher logs a registration socket a moment
 * after the socket appears: read once, the check failed under load).
 */
export async function kubeletLogged(text: string, timeoutMs = 30_000): Promise<void> {
  const log = path.join(WORK_DIR, 'kubelet.log');
  await waitFor(`the kubelet's log to mention ${text}`, async () => (fs.readFileSync(log, 'utf-8').includes(text) ? true : undefined), timeoutMs, 250);
}

/** The pods of a DaemonSet on the node (by its selector). */
export async function podsOf(node: RealNode, ds: any): Promise<any[]> {
  const selector = Object.entries(ds.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const list = await node.client.get(`/api/v1/namespaces/${ds.metadata.namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return list.items;
}

export function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export function restarts(pod: any): number {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]
    .reduce((sum: number, s: any) => sum + (s.restartCount ?? 0), 0);
}

/** A short account of a pod that is not Ready: each container's state and last state. */
export function podTrouble(pod: any): string {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const lines = statuses.map((s: any) => `${s.name}: ready=${s.ready} restarts=${s.restartCount} state=${JSON.stringify(s.state)} last=${JSON.stringify(s.lastState)}`);
  return `${pod.metadata.namespace}/${pod.metadata.name} phase=${pod.status?.phase} ${JSON.stringify(pod.status?.conditions ?? [])}\n  ${lines.join('\n  ')}`;
}

/** Waits for the DaemonSet's one pod on the node to be Ready; returns it and the seconds it took. */
export async function waitReady(node: RealNode, ds: any, timeoutMs = 120_000, not?: string): Promise<any> {
  let last: any;
  try {
    return await waitFor(`${ds.metadata.namespace}/${ds.metadata.name}'s pod Ready on ${NODE_NAME}`, async () => {
      const pods = (await podsOf(node, ds)).filter((p) => p.metadata.name !== not && !p.metadata.deletionTimestamp);
      last = pods[0];
      return pods.length === 1 && isReady(pods[0]) ? pods[0] : undefined;
    }, timeoutMs, 250);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${last ? podTrouble(last) : '(no pod)'}\n${node.logTails(10)}`);
  }
}

/** The containerd id of a container of a pod (`containerd://<id>`). */
export function containerIdOf(pod: any, container: string): string {
  const s = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c: any) => c.name === container);
  if (!s?.containerID) {
    throw new Error(`no container ${container} running in ${pod.metadata.name}`);
  }
  return s.containerID.replace(/^containerd:\/\//, '');
}

/** The log a container wrote (containerd's CRI log file under /var/log/pods). */
export function podLog(pod: any, container: string): string {
  const dir = path.join('/var/log/pods', `${pod.metadata.namespace}_${pod.metadata.name}_${pod.metadata.uid}`, container);
  if (!fs.existsSync(dir)) {
    return '';
  }
  return fs.readdirSync(dir).sort().map((f) => fs.readFileSync(path.join(dir, f), 'utf-8')).join('')
    .split('\n').map((l) => l.split(' ').slice(3).join(' ')).join('\n');
}

/** The fields of /proc/<pid>/status (CapEff, NoNewPrivs, Seccomp, Uid...). */
export function procStatus(pid: number): Record<string, string> {
  return Object.fromEntries(fs.readFileSync(`/proc/${pid}/status`, 'utf-8').split('\n')
    .filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

/** One row of the tier's summary: what a preset did on the real node. */
export interface SummaryRow {
  readonly agent: string;
  readonly image: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly checked: string[];
}

export const SUMMARY_FILE = '/tmp/cdk8s-node-agents-node-summary.json';

/** Records a row (kept across the tier's test files) and prints it. */
export function report(row: SummaryRow): void {
  const rows: SummaryRow[] = fs.existsSync(SUMMARY_FILE) ? JSON.parse(fs.readFileSync(SUMMARY_FILE, 'utf-8')) : [];
  rows.push(row);
  fs.writeFileSync(SUMMARY_FILE, JSON.stringify(rows, null, 2));
  console.log(formatRow(row));
}

export function formatRow(r: SummaryRow): string {
  return `${r.agent}  [${r.image}]  ${r.ready ? 'Ready' : 'NOT Ready'}, ${r.restarts} restarts\n${r.checked.map((c) => `    - ${c}`).join('\n')}`;
}

/** Construct helper so tests can give a builder to `synth`. */
export type Builder = (scope: Construct) => void;
