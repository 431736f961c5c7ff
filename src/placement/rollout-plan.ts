/**
 * How a DaemonSet update rolls across its nodes.
 *
 * Sources (kubernetes/kubernetes):
 * - pkg/apis/apps/v1/defaults.go `SetDefaults_DaemonSet`: updateStrategy.type defaults to
 *   RollingUpdate; for RollingUpdate, each absent field defaults on its own: maxUnavailable 1,
 *   maxSurge 0.
 * - pkg/apis/apps/validation/validation.go `ValidateDaemonSetUpdateStrategy` (type must be
 *   RollingUpdate or OnDelete) and `ValidateRollingUpdateDaemonSet`: each value an integer >= 0 or
 *   a percentage `^[0-9]+%$` of at most 100%; "cannot be 0 when maxSurge is 0"; maxSurge "may not
 *   be set when maxUnavailable is non-zero". These are rejected here with an Error, because the
 *   API server rejects the manifest and there is no rollout to plan.
 * - pkg/controller/daemon/util/daemonset_util.go `UnavailableCount` and `SurgeCount`: both call
 *   `intstr.GetScaledValueFromIntOrPercent(value, desiredNumberScheduled, true)`, i.e. percentages
 *   are rounded UP for both (unlike a Deployment's maxUnavailable, which rounds down); both are 0
 *   for OnDelete.
 * - pkg/controller/daemon/update.go `updatedDesiredNodeCounts`: if desiredNumberScheduled > 0 and
 *   both scaled values are 0, maxUnavailable becomes 1; `rollingUpdate`: when maxSurge > 0 the
 *   surge path is used (maxUnavailable is not read), else up to maxUnavailable old pods are
 *   deleted at a time. A pod counts as available once Ready for minReadySeconds.
 * - pkg/controller/daemon/update.go `rollingUpdate`, maxSurge 0: a node whose new pod is not
 *   available counts against maxUnavailable (`numUnavailable++`), an old pod that is not available
 *   is replaced at once (`allowedReplacementPods`), and no available old pod is deleted once
 *   `numUnavailable >= maxUnavailable`. So pods that never become available (Pending, or unable
 *   to start) hold maxUnavailable for good: with as many as maxUnavailable the rollout stops.
 *   With maxSurge: a surged pod that never becomes available holds a surge slot (`numSurge++`).
 * - Readiness (pkg/kubelet/prober/worker.go): a readiness probe is not run before
 *   `initialDelaySeconds`, then every `periodSeconds`, and the container is Ready after
 *   `successThreshold` successes; readiness probes wait for the startup probe.
 * - Docs: https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
 */
import { describeValue, ParsedDaemonSet, parseDaemonSet } from './daemonset-manifest';
import { NodeInventory } from './node-inventory';
import { NodePlacement } from './node-placement';
import { PlacementPreview } from './placement-preview';
import { PlacementReasonKind } from './placement-reason';
import { isBranded } from '../private/brand';

/** The causes `stalledNodesByCause` counts, in the order the summary names them, with their words. */
const CAUSES: Array<[string, string]> = [
  ['Pending', 'Pending'],
  [PlacementReasonKind.NODE_NOT_READY, 'on a node that is not Ready'],
  [PlacementReasonKind.NODE_PRESSURE, 'rejected or evicted under node pressure'],
  [PlacementReasonKind.IMAGE_PLATFORM, 'with no image for the node\'s platform'],
];

/** Why a pod the controller creates never becomes available: the first cause in CAUSES' order. */
function causeOf(n: NodePlacement): string {
  if (!n.bound) {
    return 'Pending';
  }
  const kinds = new Set<string>(n.reasons.map((r) => r.kind));
  return CAUSES.find(([cause]) => kinds.has(cause))?.[0] ?? 'Pending';
}

/** What the scheduler preview found for the pods a rollout replaces. */
interface FitFacts {
  /** Pods that never become available (Pending, or unable to start). */
  readonly stuck: number;
  /** Those pods by cause (see `RolloutPlan.stalledNodesByCause`). */
  readonly causes: { [cause: string]: number };
  /** Nodes where a surged pod would not fit next to the old one. */
  readonly surgeBlocked: number;
}

/**
 * A DaemonSet update strategy (`spec.updateStrategy.type`).
 */
export enum RolloutStrategy {
  /** Old pods are replaced automatically, a few nodes at a time. */
  ROLLING_UPDATE = 'RollingUpdate',
  /** Old pods are replaced only when they are deleted (by you or by an eviction). */
  ON_DELETE = 'OnDelete',
}

const PERCENT = /^[0-9]+%$/;

/**
 * The pace of a DaemonSet update: how many pods may be unavailable or surged at once, the
 * minimum number of waves, and the minimum duration implied by `minReadySeconds`.
 *
 * A wave is a set of nodes updated together: with `maxSurge` > 0, `maxSurge` nodes get a new pod
 * next to the old one, and the old one is deleted once the new one is available; otherwise
 * `maxUnavailable` old pods are deleted and replaced. The next wave starts when pods of the
 * previous one are available (Ready for `minReadySeconds`), so `waves` and
 * `minimumDurationSeconds` are lower bounds: image pulls, start-up and readiness add to them.
 */
export class RolloutPlan {
  /**
   * Plans the update of an `apps/v1` DaemonSet over a number of nodes.
   *
   * @param manifest the DaemonSet object, parsed from YAML or JSON
   * @param nodeCount the number of nodes that run a pod (`status.desiredNumberScheduled`),
   * e.g. `PlacementPreview.scheduledCount`
   * @throws if the manifest is not an apps/v1 DaemonSet, `nodeCount` is not an integer >= 0, or the
   * update strategy is one the API server rejects (unknown type, maxUnavailable and maxSurge both
   * 0 or both non-zero, a negative value, a malformed or over-100% percentage)
   */
  public static forManifest(manifest: any, nodeCount: number): RolloutPlan {
    if (typeof nodeCount !== 'number' || !Number.isInteger(nodeCount) || nodeCount < 0) {
      throw new Error(`RolloutPlan: nodeCount is ${describeValue(nodeCount)}; expected an integer >= 0`);
    }
    return new RolloutPlan(parseDaemonSet(manifest), nodeCount);
  }

  /**
   * Plans the update of an `apps/v1` DaemonSet over the nodes of an inventory that would run one
   * of its pods (`PlacementPreview.scheduledCount`).
   *
   * @param manifest the DaemonSet object, parsed from YAML or JSON
   * @param inventory the nodes
   * @throws like `forManifest`
   */
  public static forInventory(manifest: any, inventory: NodeInventory): RolloutPlan {
    return RolloutPlan.forPreview(manifest, PlacementPreview.forManifest(manifest, inventory));
  }

  /**
   * Plans the update of an `apps/v1` DaemonSet from its placement preview: over the nodes the
   * controller makes a pod for, with the pods that would never become available (Pending or
   * unable to start) holding `maxUnavailable`, and the nodes where a surged pod does not fit.
   *
   * @param manifest the DaemonSet object, parsed from YAML or JSON
   * @param preview the placement preview of that DaemonSet (alone, or from a `FleetPreview`)
   * @throws like `forManifest`
   */
  public static forPreview(manifest: any, preview: PlacementPreview): RolloutPlan {
    if (!isBranded<PlacementPreview>(preview, 'PlacementPreview')) {
      throw new Error('RolloutPlan.forPreview: expected a PlacementPreview as the second argument');
    }
    const causes: { [cause: string]: number } = {};
    for (const n of preview.nodes) {
      if (n.scheduled && !n.runs) {
        const cause = causeOf(n);
        causes[cause] = (causes[cause] ?? 0) + 1;
      }
    }
    return new RolloutPlan(parseDaemonSet(manifest), preview.scheduledCount, {
      stuck: preview.notRunningNodeNames.length,
      causes,
      surgeBlocked: preview.surgeBlockedNodeNames.length,
    });
  }

  /** The update strategy (RollingUpdate when the manifest sets none). */
  public readonly strategy: RolloutStrategy;

  /** Whether an update replaces pods without anyone deleting them (false for OnDelete). */
  public readonly rollsAutomatically: boolean;

  /** The number of nodes that run a pod, which percentages are taken of. */
  public readonly nodeCount: number;

  /**
   * `rollingUpdate.maxUnavailable` after API defaulting, as written (e.g. `1` or `25%`).
   *
   * @default - OnDelete: not used
   */
  public readonly configuredMaxUnavailable?: string;

  /**
   * `rollingUpdate.maxSurge` after API defaulting, as written (e.g. `0` or `10%`).
   *
   * @default - OnDelete: not used
   */
  public readonly configuredMaxSurge?: string;

  /** The number of pods that may be unavailable at once, as the controller computes it (0 for OnDelete). */
  public readonly maxUnavailable: number;

  /** The number of extra pods that may be surged at once, as the controller computes it (0 for OnDelete). */
  public readonly maxSurge: number;

  /**
   * The number of nodes updated at once: maxSurge when it is > 0, else maxUnavailable, at most
   * `nodeCount` (0 for OnDelete or no nodes).
   */
  public readonly nodesPerWave: number;

  /** The minimum number of waves: ceil(nodeCount / nodesPerWave); 0 for OnDelete or no nodes. */
  public readonly waves: number;

  /** `spec.minReadySeconds` (0 when absent). */
  public readonly minReadySeconds: number;

  /** The minimum duration of a full rollout, in seconds: waves × minReadySeconds. */
  public readonly minimumDurationSeconds: number;

  /**
   * The seconds a new pod takes to become Ready, assumed from its probes: for the slowest
   * container, its startup probe's then its readiness probe's `initialDelaySeconds +
   * successThreshold × periodSeconds` (Kubernetes defaults 0, 1 and 10); 0 without probes.
   * Image pulls and start-up are not counted.
   */
  public readonly readinessSeconds: number;

  /** How `readinessSeconds` was derived, and what it leaves out. */
  public readonly readinessAssumption: string;

  /**
   * The estimated duration of a full rollout: waves × (readinessSeconds + minReadySeconds), the
   * waves at the pace left by pods that never become available.
   *
   * @default - the rollout stalls (see `stalls`), or is not automatic (OnDelete)
   */
  public readonly estimatedDurationSeconds?: number;

  /** The number of pods that would never become available (Pending, or unable to start): each holds maxUnavailable (or a surge slot) for good. Known only from a preview (`forPreview`); 0 otherwise. */
  public readonly unavailablePods: number;

  /**
   * `unavailablePods` by cause, one count per node: `Pending` (the scheduler cannot bind the pod,
   * or the node cannot run DaemonSet pods), `NodeNotReady` (bound on a node that is not Ready),
   * `NodePressure` (rejected by the kubelet under disk or PID pressure), `ImagePlatform` (no
   * image for the node's platform). A cause with no node is absent; empty without a preview.
   */
  public readonly stalledNodesByCause: { [cause: string]: number };

  /** Whether the rollout would never complete (pods that never become available, or surged pods that cannot fit). */
  public readonly stalls: boolean;

  /**
   * Why the rollout would stall.
   *
   * @default - it does not stall
   */
  public readonly stallReason?: string;

  /** Remarks on how the numbers were derived (rounding, defaults, clamping). */
  public readonly notes: string[];

  /** A one-line, human-readable summary of the plan. */
  public readonly summary: string;

  private constructor(ds: ParsedDaemonSet, nodeCount: number, fit: FitFacts = { stuck: 0, causes: {}, surgeBlocked: 0 }) {
    const subject = `DaemonSet ${ds.namespace ? `${ds.namespace}/` : ''}${ds.name || '(unnamed)'}`;
    const type = ds.updateStrategy.type ?? RolloutStrategy.ROLLING_UPDATE;
    if (type !== RolloutStrategy.ROLLING_UPDATE && type !== RolloutStrategy.ON_DELETE) {
      throw new Error(`${subject}: spec.updateStrategy.type is "${type}"; expected RollingUpdate or OnDelete`);
    }
    this.nodeCount = nodeCount;
    this.minReadySeconds = ds.minReadySeconds;
    this.unavailablePods = fit.stuck;
    this.stalledNodesByCause = { ...fit.causes };
    const readiness = readinessOf(ds.podSpec);
    this.readinessSeconds = readiness.seconds;
    this.readinessAssumption = readiness.note;
    const notes: string[] = [];

    if (type === RolloutStrategy.ON_DELETE) {
      this.strategy = RolloutStrategy.ON_DELETE;
      this.rollsAutomatically = false;
      this.maxUnavailable = 0;
      this.maxSurge = 0;
      this.nodesPerWave = 0;
      this.waves = 0;
      this.minimumDurationSeconds = 0;
      this.stalls = false;
      this.notes = ['OnDelete: rollingUpdate settings are ignored'];
      this.summary = `OnDelete: nothing rolls until pods are deleted; each deleted pod is recreated from the new template (${nodeCount} node${plural(nodeCount)})`;
      return;
    }

    this.strategy = RolloutStrategy.ROLLING_UPDATE;
    this.rollsAutomatically = true;
    // SetDefaults_DaemonSet: each absent field defaults on its own.
    const unavailable = ds.updateStrategy.maxUnavailable ?? 1;
    const surge = ds.updateStrategy.maxSurge ?? 0;
    this.configuredMaxUnavailable = String(unavailable);
    this.configuredMaxSurge = String(surge);
    validateRollingUpdate(subject, unavailable, surge, ds.updateStrategy.maxUnavailable === undefined);

    let maxUnavailable = scaleRoundUp(unavailable, nodeCount);
    const maxSurge = scaleRoundUp(surge, nodeCount);
    for (const [name, value, scaled] of [['maxUnavailable', unavailable, maxUnavailable], ['maxSurge', surge, maxSurge]] as const) {
      if (typeof value === 'string' && scaled * 100 !== percentOf(value) * nodeCount) {
        notes.push(`${name} ${value} of ${nodeCount} nodes is ${(percentOf(value) * nodeCount) / 100}, rounded up to ${scaled} (DaemonSets round both percentages up)`);
      }
    }
    // updatedDesiredNodeCounts: unreachable for manifests the API server accepts, kept for fidelity.
    if (nodeCount > 0 && maxUnavailable === 0 && maxSurge === 0) {
      maxUnavailable = 1;
      notes.push('maxUnavailable and maxSurge both resolve to 0: the controller uses maxUnavailable 1');
    }
    this.maxUnavailable = maxUnavailable;
    this.maxSurge = maxSurge;

    const parallel = maxSurge > 0 ? maxSurge : maxUnavailable;
    this.nodesPerWave = nodeCount === 0 ? 0 : Math.min(parallel, nodeCount);
    this.waves = nodeCount === 0 ? 0 : Math.ceil(nodeCount / this.nodesPerWave);
    this.minimumDurationSeconds = this.waves * this.minReadySeconds;
    if (nodeCount > 0 && parallel > nodeCount) {
      notes.push(`${maxSurge > 0 ? 'maxSurge' : 'maxUnavailable'} ${parallel} is more than the ${nodeCount} node${plural(nodeCount)}: every node is updated at once`);
    }
    if (nodeCount === 0) {
      notes.push('no node runs a pod: there is nothing to roll');
    }

    // Pods that never become available hold maxUnavailable (or surge slots) for good.
    const stuck = Math.min(fit.stuck, nodeCount);
    const budget = maxSurge > 0 ? maxSurge : maxUnavailable;
    const blocked = maxSurge > 0 ? Math.min(fit.surgeBlocked, nodeCount - stuck) : 0;
    const pace = budget - stuck - blocked;
    if (stuck > 0 || blocked > 0) {
      this.stalls = true;
      const why = [
        ...(stuck > 0 ? [`${stuck} pod${plural(stuck)} would never become available (${causeText(fit.causes, stuck)})`] : []),
        ...(blocked > 0 ? [`on ${blocked} node${plural(blocked)} a surged pod would not fit next to the old one (a host port or resources)`] : []),
      ].join(' and ');
      const budgetName = maxSurge > 0 ? `maxSurge ${maxSurge}` : `maxUnavailable ${maxUnavailable}`;
      this.stallReason = pace <= 0
        ? `${why}, using up ${budgetName}: no old pod is replaced and the rollout stops`
        : `${why}, holding ${stuck + blocked} of ${budgetName} for good: the other nodes update ${pace} at a time, but the rollout never completes`;
    } else {
      this.stalls = false;
    }
    if (!this.stalls && this.waves > 0) {
      this.estimatedDurationSeconds = this.waves * (this.readinessSeconds + this.minReadySeconds);
    }
    this.notes = notes;

    const paceText = maxSurge > 0
      ? `surge ${this.nodesPerWave} new pod${plural(this.nodesPerWave)} at a time, old pod deleted once the new one is available (maxSurge ${surge}, maxUnavailable 0)`
      : `${this.nodesPerWave} pod${plural(this.nodesPerWave)} unavailable at a time (maxUnavailable ${unavailable}, no surge)`;
    const estimate = this.estimatedDurationSeconds === undefined ? '' : `; about ${this.estimatedDurationSeconds}s (${this.waves} × (readiness ${this.readinessSeconds}s + minReadySeconds ${this.minReadySeconds}s))`;
    this.summary = `RollingUpdate over ${nodeCount} node${plural(nodeCount)}: ${paceText}; at least ${this.waves} wave${plural(this.waves)}`
      + `, at least ${this.minimumDurationSeconds}s with minReadySeconds ${this.minReadySeconds}${estimate}${this.stalls ? `; STALLS: ${this.stallReason}` : ''}`;
  }
}

/** ValidateRollingUpdateDaemonSet (after defaulting). */
function validateRollingUpdate(subject: string, unavailable: number | string, surge: number | string, unavailableDefaulted: boolean): void {
  const path = `${subject}: spec.updateStrategy.rollingUpdate`;
  for (const [name, value] of [['maxUnavailable', unavailable], ['maxSurge', surge]] as const) {
    if (typeof value === 'number' && value < 0) {
      throw new Error(`${path}.${name} is ${value}; expected an integer >= 0 or a percentage such as "25%"`);
    }
    if (typeof value === 'string' && !PERCENT.test(value)) {
      throw new Error(`${path}.${name} is "${value}"; expected an integer >= 0 or a percentage such as "25%" (a string must end in %)`);
    }
    if (typeof value === 'string' && percentOf(value) > 100) {
      throw new Error(`${path}.${name} is "${value}"; a percentage must not be greater than 100%`);
    }
  }
  const hasUnavailable = valueOf(unavailable) !== 0;
  const hasSurge = valueOf(surge) !== 0;
  if (!hasUnavailable && !hasSurge) {
    throw new Error(`${path}: maxUnavailable and maxSurge are both 0, which the API server rejects (the update could never progress); set maxUnavailable >= 1, or maxSurge >= 1 with maxUnavailable 0`);
  }
  if (hasUnavailable && hasSurge) {
    const why = unavailableDefaulted ? ' (maxUnavailable defaults to 1 when absent)' : '';
    throw new Error(`${path}: maxSurge ${surge} with maxUnavailable ${unavailable}${why}, which the API server rejects (maxSurge may not be set when maxUnavailable is non-zero); set maxUnavailable: 0 to surge`);
  }
}

/** intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true). */
function scaleRoundUp(value: number | string, total: number): number {
  if (typeof value === 'number') {
    return value;
  }
  return Math.ceil((percentOf(value) * total) / 100);
}

function percentOf(value: string): number {
  return Number.parseInt(value.slice(0, -1), 10);
}

function valueOf(value: number | string): number {
  return typeof value === 'number' ? value : percentOf(value);
}

/** The readiness time assumed from the probes of the pod template's containers. */
function readinessOf(podSpec: { [key: string]: unknown }): { seconds: number; note: string } {
  let seconds = 0;
  let slowest = '';
  const list = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  for (const c of list) {
    if (typeof c !== 'object' || c === null) {
      continue;
    }
    const probeTime = (probe: unknown): number => {
      if (typeof probe !== 'object' || probe === null) {
        return 0;
      }
      const p = probe as { initialDelaySeconds?: unknown; periodSeconds?: unknown; successThreshold?: unknown };
      const num = (v: unknown, d: number) => (typeof v === 'number' && v >= 0 ? v : d);
      return num(p.initialDelaySeconds, 0) + num(p.successThreshold, 1) * num(p.periodSeconds, 10);
    };
    const container = c as { name?: unknown; readinessProbe?: unknown; startupProbe?: unknown };
    const t = (container.readinessProbe ? probeTime(container.readinessProbe) : 0) + (container.startupProbe ? probeTime(container.startupProbe) : 0);
    if (t > seconds) {
      seconds = t;
      slowest = String(container.name ?? '');
    }
  }
  const note = seconds === 0
    ? 'readiness assumed 0s: no container has a readiness or startup probe, so a pod is Ready once started (image pull and start-up not counted)'
    : `readiness assumed ${seconds}s: container "${slowest}" is Ready after its probes' initialDelaySeconds + successThreshold × periodSeconds, startup probe first (image pull and start-up not counted)`;
  return { seconds, note };
}

/** "2 Pending, 1 on a node that is not Ready"; without a preview's causes, "Pending or unable to start". */
function causeText(causes: { [cause: string]: number }, stuck: number): string {
  const parts = CAUSES.filter(([cause]) => (causes[cause] ?? 0) > 0).map(([cause, words]) => `${causes[cause]} ${words}`);
  return parts.length === 0 || stuck === 0 ? 'Pending or unable to start' : parts.join(', ');
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
