/**
 * Internal: every DaemonSet of a fleet on every node: the controller's decision
 * (controller-decision.ts), then the scheduler's (scheduler-filters.ts) with the pods already on
 * the node and the agents competing for it, then whether the image can run on the node, then
 * the kubelet's (kubelet-admission.ts: a node that is not Ready, admission under pressure).
 *
 * Image platforms: v1.20's kubelet does not compare a pod with the node's OS (its
 * lifecycle/predicate.go `GeneralPredicates` checks resources, node name, affinity and host
 * ports; the OS check came in 1.23), so a pod whose images are not published for the node's
 * os/arch is bound and admitted, and its containers never start: the pull fails ("no matching
 * manifest for windows/amd64") or the binary does ("exec format error"). Where the DaemonSet
 * declares its platforms (annotation `cdk8s-node-agents.dev/image-platforms`) they are checked;
 * where it declares none and selects no `kubernetes.io/os`, its images are taken for Linux images
 * (the pod template has no OS field in v1.20), so a node of another OS does not run it.
 */
import { ControllerDecision, decide, tolerationWarnings } from './controller-decision';
import { ParsedDaemonSet, ParsedToleration } from './daemonset-manifest';
import { kubeletNode, kubeletOutcome } from './kubelet-admission';
import { compileTerms } from './node-affinity-match';
import { NodeFit } from './node-fit';
import { InventoryNode, NodeInventory } from './node-inventory';
import { NodePlacement } from './node-placement';
import { PlacementReason, PlacementReasonKind } from './placement-reason';
import { PodInventory } from './pod-inventory';
import { PriorityClassTable } from './pod-priority';
import { addResourceList, BoundPod, podHostPorts, podRequests, Resources } from './pod-resources';
import { formatResource, parseQuantity } from './quantity';
import { FilterFailure, FitAgent, fitAgents, FitOutcome, NodeState, place } from './scheduler-filters';
import { controllerTolerations } from './toleration-match';
import { isBranded } from '../private/brand';

/** The annotation on a DaemonSet listing the platforms its image is published for. */
export const IMAGE_PLATFORMS_ANNOTATION = 'cdk8s-node-agents.dev/image-platforms';

/** One DaemonSet's results over the fleet. */
export interface AgentFleetResult {
  readonly nodes: NodePlacement[];
  readonly warnings: string[];
  readonly architectures: string[];
  readonly surgeBlockedNodeNames: string[];
  readonly imagePlatforms?: string[];
  readonly priority: number;
  readonly podRequests: { [resource: string]: string };
}

export interface FleetResult {
  readonly agents: AgentFleetResult[];
  readonly nodes: NodeFit[];
  readonly warnings: string[];
}

interface Agent {
  readonly ds: ParsedDaemonSet;
  readonly index: number;
  readonly key: string;
  readonly terms: ReturnType<typeof compileTerms> | undefined;
  readonly tolerations: ParsedToleration[];
  readonly fit: FitAgent;
  readonly platforms?: Array<{ os: string; arch: string; text: string }>;
  /** The DaemonSet selects nodes by `kubernetes.io/os` (or the beta label) itself. */
  readonly selectsOs: boolean;
  readonly surges: boolean;
  readonly warnings: string[];
}

const OS_LABELS = ['kubernetes.io/os', 'beta.kubernetes.io/os'];

/** Why the agent's images cannot run on a node of this os/arch, or undefined (also when unknown). */
function platformReason(agent: Agent, os: string | undefined, arch: string | undefined): PlacementReason | undefined {
  if (agent.platforms !== undefined) {
    if (os === undefined || arch === undefined || agent.platforms.some((p) => p.os === os && p.arch === arch)) {
      return undefined;
    }
    const list = agent.platforms.map((p) => p.text).join(', ');
    return {
      kind: PlacementReasonKind.IMAGE_PLATFORM,
      message: `the image is published for ${list}, not for the node's ${os}/${arch}: the containers would fail to start (${agent.platforms.every((p) => p.os !== os) ? 'the image pull finds no variant for the node' : '"exec format error"'})`,
      expected: agent.platforms.map((p) => p.text).join(','),
      nodeValue: `${os}/${arch}`,
    };
  }
  if (os === undefined || os === 'linux' || agent.selectsOs) {
    return undefined;
  }
  return {
    kind: PlacementReasonKind.IMAGE_PLATFORM,
    message: `a ${os} node, and the DaemonSet neither selects kubernetes.io/os nor declares its image platforms (annotation ${IMAGE_PLATFORMS_ANNOTATION}): its images are taken for Linux images, which a ${os} node cannot pull or start (ErrImagePull: no matching manifest for ${os}/${arch ?? 'its architecture'}); add nodeSelector kubernetes.io/os: linux, or declare the platforms`,
    expected: 'linux/*',
    nodeValue: `${os}/${arch ?? 'unknown'}`,
  };
}

/** `namespace/name` of a DaemonSet. */
export function daemonSetKey(ds: { namespace?: string; name: string }): string {
  return `${ds.namespace ? `${ds.namespace}/` : ''}${ds.name || '(unnamed)'}`;
}

/** Why a node cannot run DaemonSet pods at all, or undefined. */
export function virtualNodeReason(labels: { [key: string]: string }): string | undefined {
  if (labels['eks.amazonaws.com/compute-type'] === 'fargate') {
    return 'EKS Fargate node (label eks.amazonaws.com/compute-type=fargate): cannot run DaemonSet pods';
  }
  if (labels.type === 'virtual-kubelet') {
    return 'virtual-kubelet node (label type=virtual-kubelet, e.g. an AKS virtual node): cannot run DaemonSet pods';
  }
  return undefined;
}

function prepareAgent(ds: ParsedDaemonSet, index: number, classes: PriorityClassTable): Agent {
  const key = daemonSetKey(ds);
  const subject = `DaemonSet ${key}`;
  const warnings: string[] = [];
  const terms = ds.requiredTerms === undefined ? undefined : compileTerms(ds.requiredTerms);
  if (terms !== undefined && terms.length === 0) {
    warnings.push('node affinity requiredDuringSchedulingIgnoredDuringExecution has no nodeSelectorTerms: the API server rejects this (at least one term is required), and the controller matches no node');
  }
  for (const term of terms ?? []) {
    warnings.push(...term.warnings);
  }
  ds.tolerations.forEach((t, i) => warnings.push(...tolerationWarnings(t, i)));

  const priority = classes.resolve(ds.podSpec);
  if (priority.unknownClass !== undefined) {
    warnings.push(`priorityClassName "${priority.unknownClass}" is not a built-in class nor a PriorityClass in the input: the API server rejects the pods until it exists (the preview assumes priority 0)`);
  }
  let platforms: Agent['platforms'];
  const declared = ds.annotations[IMAGE_PLATFORMS_ANNOTATION];
  if (declared !== undefined) {
    platforms = declared.split(',').map((p) => p.trim()).filter((p) => p !== '').map((text) => {
      const [os = '', arch = ''] = text.split('/');
      if (os === '' || arch === '') {
        throw new Error(`${subject}: metadata.annotations["${IMAGE_PLATFORMS_ANNOTATION}"] has "${text}"; expected comma-separated os/arch platforms such as "linux/amd64,linux/arm64"`);
      }
      return { os, arch, text };
    });
  }
  const surge = ds.updateStrategy.maxSurge;
  return {
    ds,
    index,
    key,
    terms,
    tolerations: [...ds.tolerations, ...controllerTolerations(ds.hostNetwork)],
    fit: {
      pod: {
        name: key,
        label: `DaemonSet ${key}`,
        request: podRequests(ds.podSpec, subject, 'spec.template.spec.'),
        ports: podHostPorts(ds.podSpec, subject, 'spec.template.spec.'),
        priority: priority.priority,
        startTime: '',
      },
      preemptNever: priority.preemptNever,
    },
    platforms,
    selectsOs: ds.nodeSelector.some(([label]) => OS_LABELS.includes(label))
      || (ds.requiredTerms ?? []).some((t) => t.matchExpressions.some((e) => OS_LABELS.includes(e.key))),
    surges: surge !== undefined && surge !== 0 && !/^0+%$/.test(String(surge)),
    warnings,
  };
}

/** `status.allocatable` as the scheduler's `NodeInfo.Allocatable` (pods apart). */
function allocatableOf(node: InventoryNode): { resources?: Resources; pods: number } {
  if (node.allocatable === undefined) {
    return { pods: 0 };
  }
  const resources = new Resources();
  addResourceList(resources, node.allocatable, 'status.allocatable', `Node ${node.name}`, (name) => name !== 'pods');
  return { resources, pods: parseQuantity(node.allocatable.pods) ?? 0 };
}

/** Resources as `{ cpu: '250m', memory: '300Mi' }`. */
function formatList(r: Resources): { [resource: string]: string } {
  const out: { [resource: string]: string } = {};
  for (const name of r.names()) {
    out[name] = formatResource(name, r.get(name));
  }
  return out;
}

function fitReason(f: FilterFailure): PlacementReason {
  return {
    kind: f.kind === 'NodePorts' ? PlacementReasonKind.NODE_PORTS : PlacementReasonKind.NODE_RESOURCES_FIT,
    message: f.message,
    resource: f.subject,
    ...(f.heldBy !== undefined ? { heldBy: f.heldBy } : {}),
  };
}

function verdictOf(
  decision: ControllerDecision, virtual: string | undefined, outcome: FitOutcome | undefined, reasons: PlacementReason[], runs: boolean,
): string {
  if (!decision.scheduled) {
    return `no pod: ${reasons[0]?.message ?? 'not targeted'}`;
  }
  if (virtual !== undefined) {
    return `Pending forever: ${virtual}`;
  }
  const contention = outcome?.contended
    ? ` (contended with ${outcome.contendedWith.join(', ')}: another order of the agents ${runs ? 'could leave it Pending' : 'could let it run'})`
    : '';
  if (runs) {
    const n = outcome?.preempts.length ?? 0;
    return n === 0 ? `runs${contention}` : `runs by preempting ${n} pod${n === 1 ? '' : 's'}: ${outcome!.preempts.join(', ')}${contention}`;
  }
  if (outcome?.binds) {
    return `bound but cannot start: ${reasons[0]?.message ?? ''}`;
  }
  return `Pending: ${reasons.map((r) => r.message).join('; ')}${contention}`;
}

/** Computes every DaemonSet on every node of the inventory. */
export function computeFleet(
  dss: ParsedDaemonSet[], inventory: NodeInventory, pods: BoundPod[] | undefined, classes: PriorityClassTable,
): FleetResult {
  const agents = dss.map((ds, i) => prepareAgent(ds, i, classes));
  const nodeCount = inventory.nodes.length;
  const placements: NodePlacement[][] = agents.map(() => new Array(nodeCount));
  const archs = agents.map(() => new Set<string>());
  const surgeBlocked: string[][] = agents.map(() => []);
  const virtualScheduled: string[][] = agents.map(() => []);
  const fleetWarnings: string[] = [];

  // Pods bound to a node count against it, unless finished or replaced by a previewed DaemonSet.
  const previewed = new Set(dss.map((ds) => `${ds.namespace ?? '*'}/${ds.name}`));
  const byNode = new Map<string, BoundPod[]>();
  for (const pod of pods ?? []) {
    if (pod.nodeName === '' || pod.phase === 'Succeeded' || pod.phase === 'Failed') {
      continue;
    }
    if (pod.ownerDaemonSet !== undefined && (previewed.has(`${pod.namespace}/${pod.ownerDaemonSet}`) || previewed.has(`*/${pod.ownerDaemonSet}`))) {
      continue;
    }
    const list = byNode.get(pod.nodeName);
    if (list === undefined) {
      byNode.set(pod.nodeName, [pod]);
    } else {
      list.push(pod);
    }
  }

  const nodes: NodeFit[] = new Array(nodeCount);
  let withoutAllocatable = 0;
  for (let n = 0; n < nodeCount; n++) {
    const node = inventory.nodes[n];
    const labels = node.labels ?? {};
    const virtual = virtualNodeReason(labels);
    const kubelet = kubeletNode(node);
    const decisions = agents.map((a) => decide(a.ds, a.terms, a.tolerations, node));
    const allocatable = allocatableOf(node);
    if (allocatable.resources === undefined) {
      withoutAllocatable++;
    }
    const state = new NodeState(allocatable.resources, allocatable.pods);
    for (const pod of byNode.get(node.name) ?? []) {
      state.add({
        name: `${pod.namespace}/${pod.name}`,
        label: `pod ${pod.namespace}/${pod.name}`,
        request: pod.request,
        ports: pod.ports,
        priority: pod.priority ?? classes.resolve({ priorityClassName: pod.priorityClassName }).priority,
        startTime: pod.startTime,
      });
    }
    const existingRequests = state.requested.copy();
    const existingPods = state.pods.length;

    // The agents the controller makes a pod for, in the likely order: priority, then input order.
    const here = virtual !== undefined ? [] : agents.filter((_, d) => decisions[d].scheduled);
    here.sort((a, b) => b.fit.pod.priority - a.fit.pod.priority || a.index - b.index);
    const fitted = fitAgents(state, here.map((a) => a.fit));
    const outcomes = new Map<number, FitOutcome>();
    here.forEach((a, k) => outcomes.set(a.index, fitted[k]));

    const os = labels['kubernetes.io/os'] ?? labels['beta.kubernetes.io/os'];
    const arch = labels['kubernetes.io/arch'] ?? labels['beta.kubernetes.io/arch'];
    const agentRequests = new Resources();
    const running: string[] = [];
    const notRunning: string[] = [];
    const preempted: string[] = [];
    let contended = false;
    for (let d = 0; d < agents.length; d++) {
      const agent = agents[d];
      const decision = decisions[d];
      const outcome = outcomes.get(d);
      const reasons = [...decision.reasons];
      let eligible = decision.eligible;
      if (virtual !== undefined) {
        eligible = false;
        reasons.unshift({ kind: PlacementReasonKind.VIRTUAL_NODE, message: virtual });
        if (decision.scheduled) {
          virtualScheduled[d].push(node.name);
        }
      }
      if (decision.scheduled && virtual === undefined) {
        archs[d].add(arch ?? 'unknown');
      }
      if (outcome !== undefined && !outcome.binds) {
        reasons.push(...outcome.failures.map(fitReason));
      }
      let caveat: string | undefined;
      if (outcome?.binds) {
        agentRequests.add(agent.fit.pod.request);
        preempted.push(...outcome.preempts);
        const platform = platformReason(agent, os, arch);
        if (platform !== undefined) {
          reasons.push(platform);
        }
        const k = kubeletOutcome(kubelet, agent.ds.hostNetwork, agent.fit.pod.priority, agent.fit.pod.request.memory);
        reasons.push(...k.reasons);
        caveat = k.caveat;
        if (agent.surges && !place(state, { pod: { ...agent.fit.pod }, preemptNever: agent.fit.preemptNever }, false).ok) {
          surgeBlocked[d].push(node.name);
        }
      }
      // Runs: bound, and nothing after binding (image platform, kubelet) added a reason.
      const runs = decision.scheduled && virtual === undefined && outcome !== undefined && outcome.binds
        && reasons.length === decision.reasons.length;
      if (runs) {
        running.push(agent.key);
      } else if (decision.scheduled) {
        notRunning.push(agent.key);
      }
      contended = contended || (outcome?.contended ?? false);
      placements[d][n] = {
        nodeName: node.name,
        eligible,
        scheduled: decision.scheduled,
        bound: virtual === undefined && (outcome?.binds ?? false),
        runs,
        contended: outcome?.contended ?? false,
        contendedWith: outcome?.contendedWith ?? [],
        preempts: outcome?.preempts ?? [],
        existingPodKeepsRunning: virtual === undefined && decision.existingPodKeepsRunning,
        unschedulable: decision.unschedulable,
        reasons: runs ? [] : reasons,
        verdict: verdictOf(decision, virtual, outcome, reasons, runs) + (runs && caveat !== undefined ? ` (${caveat})` : ''),
      };
    }

    const alloc = allocatable.resources;
    nodes[n] = {
      nodeName: node.name,
      canRunDaemonSetPods: virtual === undefined,
      allocatable: alloc === undefined ? {} : { ...formatList(alloc), pods: String(allocatable.pods) },
      existingPodCount: existingPods,
      existingRequests: formatList(existingRequests),
      agentRequests: formatList(agentRequests),
      agentCpuMillis: agentRequests.cpu,
      agentMemoryBytes: agentRequests.memory,
      ...(alloc !== undefined && alloc.cpu > 0 ? { agentCpuShare: agentRequests.cpu / alloc.cpu } : {}),
      ...(alloc !== undefined && alloc.memory > 0 ? { agentMemoryShare: agentRequests.memory / alloc.memory } : {}),
      agentsRunning: running,
      agentsNotRunning: notRunning,
      ...(kubelet.readyStatus !== undefined ? { readyStatus: kubelet.readyStatus } : {}),
      pressureConditions: kubelet.pressure,
      preempted,
      contended,
    };
  }

  if (withoutAllocatable > 0) {
    fleetWarnings.push(`${withoutAllocatable} of ${nodeCount} node${nodeCount === 1 ? '' : 's'} report no status.allocatable: resources and pod slots are not checked there (host ports are)`);
  }

  const results = agents.map((agent, d) => {
    const warnings = [...agent.warnings];
    if (agent.ds.nodeName !== undefined && inventory.findNode(agent.ds.nodeName) === undefined) {
      warnings.push(`spec.template.spec.nodeName pins the pods to "${agent.ds.nodeName}", which is not in the node inventory`);
    }
    if (nodeCount > 0 && !placements[d].some((p) => p.eligible)) {
      warnings.push('the DaemonSet targets no node of the inventory');
    }
    const multiArch = archs[d].size > 1 ? [...archs[d]].filter((a) => a !== 'unknown') : [];
    if (agent.platforms === undefined && multiArch.length > 1) {
      warnings.push(`the controller makes pods on ${multiArch.sort().join(' and ')} nodes and the DaemonSet declares no image platforms (annotation ${IMAGE_PLATFORMS_ANNOTATION}): the preview cannot check that every image has a variant for each; an image without one fails to start there`);
    }
    const v = virtualScheduled[d];
    if (v.length > 0) {
      warnings.push(`the controller would create a pod on ${v.length} node${v.length === 1 ? '' : 's'} that cannot run DaemonSet pods (${v.slice(0, 3).join(', ')}${v.length > 3 ? ', ...' : ''}): it stays Pending forever and holds the rolling update's maxUnavailable; exclude eks.amazonaws.com/compute-type=fargate and type=virtual-kubelet with required node affinity`);
    }
    return {
      nodes: placements[d],
      warnings,
      architectures: [...archs[d]].sort(),
      surgeBlockedNodeNames: surgeBlocked[d],
      imagePlatforms: agent.platforms?.map((p) => p.text),
      priority: agent.fit.pod.priority,
      podRequests: formatList(agent.fit.pod.request),
    };
  });
  return { agents: results, nodes, warnings: fleetWarnings };
}

/** The bound pods of a `PreviewOptions.pods`, checked. */
export function checkPods(pods: PodInventory | undefined): BoundPod[] | undefined {
  if (pods !== undefined && !isBranded<PodInventory>(pods, 'PodInventory')) {
    throw new Error('PreviewOptions.pods: expected a PodInventory (PodInventory.fromKubectlJson or PodInventory.fromKubectlObject)');
  }
  return pods?._pods;
}
