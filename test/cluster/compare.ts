/**
 * The placement preview's verdicts against what the real DaemonSet controller and scheduler did.
 */
import { Outcome } from './cluster-state';
import { main } from '../../src/cli/main';

/**
 * Which verdicts of the preview are compared:
 * - `scheduled`: the DaemonSet controller's decision, on every entry, against "the controller
 *   made a pod for the node";
 * - `runs`: that, and the scheduler's too, against "the pod was bound", on every entry not
 *   `contended` (where the scheduling order decides, the preview names the agents at risk).
 */
export type Verdict = 'scheduled' | 'runs';

/** The verdict the tests assert: `runs` (and `scheduled`); CLUSTER_TEST_VERDICT=scheduled checks the controller alone. */
export const VERDICT: Verdict = process.env.CLUSTER_TEST_VERDICT === 'scheduled' ? 'scheduled' : 'runs';

/**
 * Reasons a control plane without kubelets cannot show: the scheduler binds such a pod and only
 * the node would refuse it (a Fargate or virtual-kubelet node, an image built for another
 * platform). Entries with one are left out of the `runs` comparison.
 */
const BEYOND_THE_CONTROL_PLANE = new Set(['VirtualNode', 'ImagePlatform']);

/** Runs the command line (`cdk8s-node-agents preview --json ...`) in process and parses its output. */
export function runPreview(args: string[]): any {
  let out = '';
  let err = '';
  const code = main(['preview', '--json', ...args], { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  if (code === 2 || out === '') {
    throw new Error(`preview ${args.join(' ')} exited ${code}: ${err}`);
  }
  const json = JSON.parse(out);
  const invalid = json.daemonSets.filter((d: any) => d.error !== null);
  if (invalid.length > 0) {
    throw new Error(`the preview found invalid DaemonSets: ${invalid.map((d: any) => `${d.namespace}/${d.name}: ${d.error}`).join('; ')}`);
  }
  return json;
}

export interface Disagreement {
  readonly daemonSet: string;
  readonly node: string;
  readonly preview: string;
  readonly scheduler: string;
  readonly reasons: string;
}

export interface Comparison {
  /** Entries (DaemonSet x node) compared. */
  readonly compared: number;
  /** Entries left out of `runs` because the preview marked them `contended`. */
  readonly contended: number;
  /** Of those, how many went the preview's likely way anyway (informational). */
  readonly contendedAsLikely: number;
  /** Entries left out of `runs` because only a kubelet would refuse the pod (see BEYOND_THE_CONTROL_PLANE). */
  readonly beyond: number;
  /** Pods the scheduler bound / left Pending, over every entry. */
  readonly bound: number;
  readonly pending: number;
  readonly disagreements: Disagreement[];
}

function schedulerSays(o: { created: boolean; bound: boolean; pendingMessage?: string } | undefined): string {
  if (o === undefined) {
    return 'no pod';
  }
  return o.bound ? 'bound' : `Pending: ${o.pendingMessage ?? '(no message)'}`;
}

/**
 * Compares every DaemonSet x node entry of the preview with the cluster's outcome: `scheduled` on
 * every entry; with `runs`, `runs` too on every entry neither contended nor beyond the control plane.
 */
export function compare(preview: any, outcome: Outcome, nodeNames: string[], verdict: Verdict): Comparison {
  const disagreements: Disagreement[] = [];
  let compared = 0;
  let contended = 0;
  let contendedAsLikely = 0;
  let beyond = 0;
  let bound = 0;
  let pending = 0;
  const previewed = new Set<string>();
  for (const ds of preview.daemonSets) {
    const key = `${ds.namespace}/${ds.name}`;
    previewed.add(key);
    const real = outcome.get(key);
    if (real === undefined) {
      disagreements.push({ daemonSet: key, node: '*', preview: 'previewed', scheduler: 'not applied', reasons: '' });
      continue;
    }
    const entries = new Map<string, any>(ds.nodes.map((n: any) => [n.nodeName, n]));
    for (const node of nodeNames) {
      const entry = entries.get(node);
      const o = real.get(node);
      if (o?.bound) {
        bound++;
      } else if (o) {
        pending++;
      }
      if (entry === undefined) {
        disagreements.push({ daemonSet: key, node, preview: 'no entry', scheduler: schedulerSays(o), reasons: '' });
        continue;
      }
      compared++;
      if (entry.scheduled !== Boolean(o?.created)) {
        disagreements.push({ daemonSet: key, node, preview: `scheduled=${entry.scheduled}`, scheduler: schedulerSays(o), reasons: reasonText(entry) });
        continue;
      }
      if (verdict !== 'runs') {
        continue;
      }
      if (entry.contended) {
        contended++;
        contendedAsLikely += entry.runs === Boolean(o?.bound) ? 1 : 0;
      } else if ((entry.reasons ?? []).some((r: any) => BEYOND_THE_CONTROL_PLANE.has(r.kind))) {
        beyond++;
      } else if (typeof entry.runs !== 'boolean') {
        disagreements.push({ daemonSet: key, node, preview: 'runs missing', scheduler: schedulerSays(o), reasons: '' });
      } else if (entry.runs !== Boolean(o?.bound)) {
        disagreements.push({
          daemonSet: key,
          node,
          preview: `runs=${entry.runs}${entry.preempts?.length ? ` preempting ${entry.preempts.join(' ')}` : ''}`,
          scheduler: schedulerSays(o),
          reasons: reasonText(entry),
        });
      }
    }
  }
  for (const key of outcome.keys()) {
    if (!previewed.has(key)) {
      disagreements.push({ daemonSet: key, node: '*', preview: 'not previewed', scheduler: 'applied', reasons: '' });
    }
  }
  return { compared, contended, contendedAsLikely, beyond, bound, pending, disagreements };
}

function reasonText(entry: any): string {
  return (entry.reasons ?? []).map((r: any) => r.message ?? String(r)).join('; ');
}

/** A plain-text table of disagreements, for failure messages. */
export function disagreementTable(rows: Disagreement[]): string {
  const cells = [['DAEMONSET', 'NODE', 'PREVIEW', 'SCHEDULER', 'PREVIEW REASONS'], ...rows.map((r) => [r.daemonSet, r.node, r.preview, r.scheduler, r.reasons])];
  const widths = cells[0].map((_, col) => Math.min(60, Math.max(...cells.map((row) => row[col].length))));
  return cells.map((row) => row.map((c, col) => (col === row.length - 1 ? c : c.padEnd(widths[col]))).join('  ')).join('\n');
}

/**
 * The fit reasons in the scheduler's message for one Pending pod. The message counts reasons over
 * every node ("0/4 nodes are available: 1 Insufficient memory, 3 node(s) didn't match Pod's node
 * affinity."); the affinity and taint ones are the other nodes' (the controller pins the pod to
 * one node whose taints it tolerates) and are left out.
 */
function reasonsOf(message: string): string[] {
  const list = message.replace(/^\d+\/\d+ nodes are available: /, '').replace(/\.$/, '');
  return list.split(/, (?=\d+ )/).map((r) => r.replace(/^\d+ /, ''))
    .filter((r) => !/node affinity|node selector|had taint/.test(r));
}

/** Every fit reason the scheduler gave for a Pending agent pod, once per pod. */
export function pendingReasons(outcome: Outcome): string[] {
  return [...outcome.values()].flatMap((perNode) => [...perNode.values()]).filter((o) => !o.bound).flatMap((o) => reasonsOf(o.pendingMessage ?? ''));
}

/** The Pending agent pods and the scheduler's message for each. */
export function pendingTable(outcome: Outcome): string {
  const rows = [...outcome].flatMap(([ds, perNode]) => [...perNode].filter(([, o]) => !o.bound).map(([node, o]) => `  ${ds} on ${node}: ${o.pendingMessage}`));
  return `Pending agent pods (${rows.length}):${rows.length ? `\n${rows.join('\n')}` : ' none'}`;
}
