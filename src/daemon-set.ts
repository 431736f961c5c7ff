import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { AgentContainer, ContainerSettings } from './agent-container';
import { AgentMetrics } from './agent-metrics';
import { AgentVolume } from './agent-volume';
import { BuiltContainer, buildContainer, checkUnique, VolumeResolver } from './builders/container-builder';
import { HostMount } from './host-mount';
import { NodeAffinityTerm, WeightedNodeAffinityTerm } from './node-affinity';
import { IMAGE_PLATFORMS_ANNOTATION } from './placement/fleet-fit';
import { NodeInventory } from './placement/node-inventory';
import { PlacementPreview } from './placement/placement-preview';
import { PreviewOptions } from './placement/preview-options';
import { RolloutPlan } from './placement/rollout-plan';
import { PodSecurity, PodSecurityReport } from './pod-security';
import { AgentClaims, registerAgent } from './private/app-checks';
import { brand, isBranded } from './private/brand';
import { clusterScoped } from './private/cluster-scoped';
import { checkKeyValueMap } from './private/label-map';
import { withDefaults } from './private/merge';
import { BoundMetrics } from './private/metrics-target';
import { defaultName } from './private/names';
import { renderedProbeProblems } from './private/probe-ports';
import * as rules from './private/rules';
import { checkArgs, checkProps, withoutNulls } from './private/shapes';
import { RbacRule } from './rbac-rule';
import { Toleration } from './toleration';
import { UpdateStrategy } from './update-strategy';
import { ValidationProblems } from './validation-problems';

/**
 * Everything about an agent's DaemonSet except its image: the main container's settings plus the
 * pod's and the rollout's. The presets' props extend this, so every core override works on every
 * preset.
 */
export interface DaemonSetOptions extends ContainerSettings {
  /**
   * The name of the DaemonSet and of the objects made for it (ServiceAccount, ClusterRole,
   * ClusterRoleBinding). A DNS-1123 label, stable across runs.
   *
   * @default - the construct id as a DNS-1123 label ("NodeExporter" becomes "nodeexporter"); for
   * the id "Default" or "Resource", the enclosing construct's id (a wrapper's instances are named
   * after the wrapper)
   */
  readonly name?: string;

  /**
   * The namespace of the DaemonSet and its ServiceAccount. Always written out, so that RBAC
   * subjects are complete and the manifest means the same whatever kubectl's context.
   *
   * @default - the chart's namespace, or "default"
   * (the core's default; NetworkAgent, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly namespace?: string;

  /**
   * Labels added to every object and to the pods (they win over the defaults). The selector is
   * always `app.kubernetes.io/name` and `app.kubernetes.io/instance`, so that it never changes
   * when other labels do (a DaemonSet's selector is immutable).
   *
   * @default - app.kubernetes.io/name and instance (the name), component (if set),
   * version (the image's tag, if it has one that is a valid label value) and managed-by (cdk8s)
   * (the core's default; GpuDriverInstaller changes it: see its "Defaults it changes" table)
   */
  readonly labels?: { [key: string]: string };

  /**
   * The DaemonSet's pod selector, to take over a DaemonSet that already exists under this name
   * and namespace: `spec.selector` is immutable, so applying a DaemonSet with another selector
   * over it is refused by the API server. Give the existing selector's labels (kubeadm's and
   * EKS's kube-proxy: `k8s-app: kube-proxy`; the EBS CSI node plugin: `app: ebs-csi-node` and
   * `app.kubernetes.io/name: aws-ebs-csi-driver`); the pods get them too, besides the library's
   * labels. Everything that selects the agent's pods (the metrics Service and monitors, the
   * NetworkPolicy) follows. See docs/taking-over.md.
   *
   * @default - app.kubernetes.io/name and app.kubernetes.io/instance
   */
  readonly selectorLabels?: { [key: string]: string };

  /**
   * Annotations of the DaemonSet object.
   *
   * @default - none (plus kubernetes.io/change-cause when `changeCause` is set, and
   * cdk8s-node-agents.dev/image-platforms when `imagePlatforms` is)
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Annotations of the pods (e.g. scrape settings or a config checksum).
   *
   * @default - none
   * (the core's default; LogAgent, SecurityAgent, CiliumAgent change it: see each "Defaults it changes" table)
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * The `app.kubernetes.io/component` label (the presets set it, e.g. "metrics" or "logging").
   *
   * @default - no component label
   * (the core's default; LogAgent, NodeExporter, GpuDriverInstaller, SecurityAgent, NetworkAgent, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly component?: string;

  /**
   * Arguments added after the main container's `args`: the preset's args or yours. The one way
   * to add a flag to a preset's arguments without restating them (see docs/merge-rule.md).
   *
   * @default - none
   */
  readonly extraArgs?: string[];

  /**
   * The main container's name.
   *
   * @default - the DaemonSet's name
   * (the core's default; GpuDriverInstaller, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, DatadogAgent change it: see each "Defaults it changes" table)
   */
  readonly containerName?: string;

  /**
   * The taints the agent tolerates. The default, every taint, is what kube-prometheus's node
   * exporter, kube-proxy, Calico, Cilium and the EBS CSI node plugin do: an agent that is missing
   * from a tainted node fails silently (no logs, no metrics). Pass `[]` to tolerate none, or a
   * narrower list such as `Toleration.controlPlane()`.
   *
   * @default [Toleration.all()]
   * (the core's default; GpuDriverInstaller, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter change it: see each "Defaults it changes" table)
   */
  readonly tolerations?: Toleration[];

  /**
   * Node labels a node must have to run the agent. Replaces the default entirely.
   *
   * @default { 'kubernetes.io/os': 'linux' }
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Required node affinity: a node runs the agent when it matches any of the terms
   * (and the node selector).
   *
   * @default - no term of your own; with `excludeVirtualNodes` (the default) one required term
   * keeps the agent off virtual nodes
   * (the core's default; GpuDriverInstaller, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter change it: see each "Defaults it changes" table)
   */
  readonly requiredNodeAffinity?: NodeAffinityTerm[];

  /**
   * Keep the agent off nodes that cannot run DaemonSet pods: EKS Fargate nodes
   * (`eks.amazonaws.com/compute-type: fargate`) and virtual-kubelet nodes (`type:
   * virtual-kubelet`: AKS virtual nodes, ACI). An agent tolerating every taint would otherwise be
   * bound there and stay Pending forever, holding a rolling update's `maxUnavailable`. The
   * requirements are added to every required node affinity term (NotIn also matches nodes
   * without the label), as the prometheus-node-exporter and EBS CSI charts do.
   *
   * @default true
   */
  readonly excludeVirtualNodes?: boolean;

  /**
   * The platforms the image is published for, as `os/arch[/variant]` (e.g. "linux/amd64",
   * "linux/arm64"). Written to the DaemonSet's `cdk8s-node-agents.dev/image-platforms`
   * annotation, which the placement preview reads to report nodes of another architecture
   * (where the agent would crash-loop with "exec format error").
   *
   * @default - not declared (the preview assumes the image runs everywhere)
   * (the core's default; LogAgent, NodeExporter, GpuDriverInstaller, SecurityAgent, NetworkAgent, StorageDaemon change it: see each "Defaults it changes" table)
   */
  readonly imagePlatforms?: string[];

  /**
   * How a new version replaces the old one.
   *
   * @default UpdateStrategy.rollingUpdate() (maxUnavailable 1, maxSurge 0)
   * (the core's default; GpuDriverInstaller, NetworkAgent, StorageDaemon, DatadogAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly updateStrategy?: UpdateStrategy;

  /**
   * Seconds a new pod must be ready before the rollout moves on to the next node.
   *
   * @default 0
   */
  readonly minReadySeconds?: number;

  /**
   * Old revisions kept for `kubectl rollout undo`.
   *
   * @default 10
   */
  readonly revisionHistoryLimit?: number;

  /**
   * The pods' priority class, e.g. "system-node-critical" for agents the node needs.
   *
   * @default - none (the cluster's default priority)
   * (the core's default; GpuDriverInstaller, NetworkAgent, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly priorityClassName?: string;

  /**
   * Use the node's network namespace. Also sets `dnsPolicy: ClusterFirstWithHostNet` so that
   * cluster DNS still resolves.
   *
   * @default false
   * (the core's default; NodeExporter, GpuDriverInstaller, NetworkAgent, StorageDaemon, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly hostNetwork?: boolean;

  /**
   * Share the node's process namespace (the agent sees every process on the node).
   *
   * @default false
   * (the core's default; NodeExporter, GpuDriverInstaller, GpuContainerToolkit, DatadogAgent, StorageDaemon change it: see each "Defaults it changes" table)
   */
  readonly hostPid?: boolean;

  /**
   * Share the node's IPC namespace.
   *
   * @default false
   */
  readonly hostIpc?: boolean;

  /**
   * The DNS policy.
   *
   * @default - ClusterFirstWithHostNet with hostNetwork, else ClusterFirst
   * (the core's default; NodeExporter, NetworkAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly dnsPolicy?: kplus.DnsPolicy;

  /**
   * Seconds the agent gets to shut down (flush buffers) before it is killed.
   *
   * @default 30
   * (the core's default; NetworkAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Containers that run to completion before the agent starts: the place for privileged setup
   * work, so that the long-running container stays unprivileged. Same safe defaults as the main
   * container.
   *
   * @default - none
   * (the core's default; GpuDriverInstaller, SecurityAgent, NetworkAgent, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly initContainers?: AgentContainer[];

  /**
   * More long-running containers next to the agent (e.g. a registrar or a config reloader).
   * Same safe defaults as the main container.
   *
   * @default - none
   * (the core's default; StorageDaemon, GpuContainerToolkit, DatadogAgent change it: see each "Defaults it changes" table)
   */
  readonly sidecars?: AgentContainer[];

  /**
   * ConfigMap, Secret, emptyDir, projected and CSI volumes, each mounted by name through the
   * `volumeMounts` of at least one container (an unmounted volume is an error).
   *
   * @default - none
   * (the core's default; LogAgent, GpuDevicePlugin, DcgmExporter, DatadogAgent, StorageDaemon, CiliumAgent change it: see each "Defaults it changes" table)
   */
  readonly volumes?: AgentVolume[];

  /**
   * Kubernetes API permissions of the agent. When given, a ClusterRole with exactly these rules
   * and a ClusterRoleBinding to the agent's ServiceAccount are created, and the token is mounted.
   *
   * @default - no permissions, no ClusterRole, no token mounted
   * (the core's default; LogAgent, NetworkAgent, StorageDaemon, DatadogAgent, CiliumAgent, CalicoNode change it: see each "Defaults it changes" table)
   */
  readonly rbacRules?: RbacRule[];

  /**
   * Use an existing ServiceAccount instead of creating one.
   *
   * @default - a ServiceAccount named after the DaemonSet is created
   */
  readonly serviceAccountName?: string;

  /**
   * Mount the service-account token into the pods.
   *
   * @default - true when `rbacRules` or `namespacedRbacRules` are given, false otherwise
   * (the core's default; LogAgent changes it: see its "Defaults it changes" table)
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * The pod's `fsGroup`: the group that owns the files of its Secret, ConfigMap and emptyDir
   * volumes, added to every container's groups, so that a non-root agent can read its own
   * Secrets (mode 0440). The kubelet never applies it to host paths.
   *
   * @default - the `runAsGroup` of the first non-root container (the main container, then the
   * sidecars, then the init containers) when `volumes` has a Secret, ConfigMap or projected
   * volume; none otherwise
   * (the core's default; LogAgent changes it: see its "Defaults it changes" table)
   */
  readonly fsGroup?: number;

  /**
   * Why this version is rolled out, shown by `kubectl rollout history`
   * (the `kubernetes.io/change-cause` annotation).
   *
   * @default - none
   */
  readonly changeCause?: string;

  // ---- Pod fields platform teams set (issue 13) ----

  /**
   * Names of Secrets (of type `kubernetes.io/dockerconfigjson`, in the agent's namespace) the
   * kubelet uses to pull the images of a private registry.
   *
   * @default - none (public images, or credentials the node already has)
   */
  readonly imagePullSecrets?: string[];

  /**
   * Entries added to the pods' /etc/hosts (IP addresses and host names).
   *
   * @default - none
   */
  readonly hostAliases?: kplus.HostAlias[];

  /**
   * Nameservers, search domains and resolver options added to the pods' resolv.conf (with
   * `dnsPolicy: NONE` they are the whole of it, and at least one nameserver is required).
   *
   * @default - none (the DNS policy's own resolv.conf)
   */
  readonly dnsConfig?: PodDnsConfig;

  /**
   * The RuntimeClass the pods run with, e.g. "nvidia" for GPU nodes or a sandboxed runtime such
   * as gVisor or Kata. The RuntimeClass must exist, or the pods are rejected.
   *
   * @default - the cluster's default container runtime handler
   * (the core's default; GpuDevicePlugin, DcgmExporter change it: see each "Defaults it changes" table)
   */
  readonly runtimeClassName?: string;

  /**
   * Extra group IDs every container's processes get, e.g. to read files of a group on the node.
   *
   * @default - none
   */
  readonly supplementalGroups?: number[];

  /**
   * The SELinux context of every container (the pod's `securityContext.seLinuxOptions`). On
   * SELinux nodes, an agent that reads host files often needs `type: 'spc_t'`; that and any
   * `user` or `role` make the pods `privileged` under the Pod Security Standards (only the
   * container_t family of types and `level` are allowed by baseline).
   *
   * @default - the runtime's default context
   * (the core's default; CiliumAgent changes it: see its "Defaults it changes" table)
   */
  readonly seLinuxOptions?: SeLinuxOptions;

  /**
   * Weighted node affinity terms (`preferredDuringSchedulingIgnoredDuringExecution`). They never
   * change which nodes run the agent: the DaemonSet controller pins each pod to its node with a
   * required affinity term, so the scheduler has one node to choose from. Emitted for tools and
   * policies that read the pod template.
   *
   * @default - none
   */
  readonly preferredNodeAffinity?: WeightedNodeAffinityTerm[];

  /**
   * `false` runs the pods in a user namespace: root in the container is an unprivileged user on
   * the node. Needs Kubernetes 1.30 or later with the UserNamespacesSupport feature on (beta:
   * off by default in 1.30-1.32, on from 1.33) and a runtime that supports it; an API server
   * with the feature off drops the field. Not possible with `hostNetwork`, `hostPid` or
   * `hostIpc`. Allowed at every Pod Security level; `PodSecurity.evaluate` does not apply the
   * relaxation of runAsNonRoot and runAsUser for such pods (a feature gate before 1.35).
   *
   * @default - the node's user namespace (the field is not emitted)
   */
  readonly hostUsers?: boolean;

  /**
   * Annotations of the ServiceAccount created for the agent, e.g.
   * `eks.amazonaws.com/role-arn` (IRSA) or `iam.gke.io/gcp-service-account` (GKE Workload
   * Identity). Only with the created ServiceAccount, not with `serviceAccountName`.
   *
   * @default - none
   */
  readonly serviceAccountAnnotations?: { [key: string]: string };

  /**
   * Labels on the pods only (not on the DaemonSet or the other objects), after `labels`. They
   * never enter the selector, and may not set its keys (`app.kubernetes.io/name`, `instance`).
   *
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Kubernetes API permissions in the agent's own namespace: a Role with these rules and a
   * RoleBinding to the agent's ServiceAccount (the token is mounted then). Use it instead of
   * `rbacRules` when the agent only reads its own namespace (e.g. ConfigMaps or leases), so
   * that it gets no cluster-wide access. Non-resource URLs are cluster-scoped and not allowed.
   *
   * @default - no Role
   * (the core's default; CiliumAgent changes it: see its "Defaults it changes" table)
   */
  readonly namespacedRbacRules?: RbacRule[];

  /**
   * A prometheus-operator `PodMonitor` or `ServiceMonitor` (with its headless Service) so that
   * Prometheus scrapes the agent: `AgentMetrics.podMonitor({ interval: Duration.seconds(30) })`.
   * Needs the prometheus-operator CRDs in the cluster.
   *
   * @default - no monitor
   * (the core's default; DcgmExporter changes it: see its "Defaults it changes" table)
   */
  readonly metrics?: AgentMetrics;
}

/** Props of the core `DaemonSet`. */
export interface DaemonSetProps extends DaemonSetOptions {
  /**
   * The agent's image, pinned with a tag or digest. `:latest` and untagged images are rejected:
   * they would roll whatever was pushed last to every node.
   */
  readonly image: string;
}

/** DNS settings added to the pods' resolv.conf (`spec.dnsConfig`). */
export interface PodDnsConfig {
  /**
   * Nameserver IP addresses, at most 3.
   *
   * @default - none
   */
  readonly nameservers?: string[];

  /**
   * Search domains, at most 32.
   *
   * @default - none
   */
  readonly searches?: string[];

  /**
   * Resolver options, e.g. `{ name: 'ndots', value: '2' }`.
   *
   * @default - none
   */
  readonly options?: kplus.DnsOption[];
}

/** An SELinux context (`seLinuxOptions`). */
export interface SeLinuxOptions {
  /**
   * The SELinux type, e.g. "spc_t" (super-privileged container) or "container_t".
   *
   * @default - the runtime's default
   */
  readonly type?: string;

  /**
   * The SELinux level (MCS label), e.g. "s0:c123,c456".
   *
   * @default - the runtime's default
   */
  readonly level?: string;

  /**
   * The SELinux user.
   *
   * @default - the runtime's default
   */
  readonly user?: string;

  /**
   * The SELinux role.
   *
   * @default - the runtime's default
   */
  readonly role?: string;
}

const SELECTOR_KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'];

/** The pod annotation that rolls the pods when the configuration ConfigMap changes. */
const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

const IMAGE_PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** Nodes that accept no DaemonSet pods (as the prometheus-node-exporter and EBS CSI charts exclude them). */
const VIRTUAL_NODE_EXCLUSION: k8s.NodeSelectorRequirement[] = [
  { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
  { key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] },
];

/**
 * A DaemonSet for an agent that runs on every node (or a chosen set of nodes), with defaults a
 * security review signs off: a pinned image, non-root, no capabilities, read-only root
 * filesystem, RuntimeDefault seccomp, read-only host mounts, no service-account token unless it
 * calls the API, small resources, an explicit one-node-at-a-time rolling update, Linux nodes and
 * every taint tolerated.
 *
 * Built on the cdk8s-plus-28 DaemonSet (`workload`); the fields cdk8s-plus lacks are set on its
 * L1 object (`apiObject`). The pods also carry cdk8s-plus's `cdk8s.io/metadata.addr` label,
 * derived from the construct path (stable while the construct tree is), which cdk8s-plus's
 * `workload.connections` network-policy API selects by; the DaemonSet's own selector does not
 * use it.
 *
 * @example
 * new DaemonSet(chart, 'agent', { image: 'registry.example.com/agent:1.2.3' });
 */
export class DaemonSet extends Construct {
  /**
   * The library's merge rule, for presets of your own: the props for the core from your preset's
   * defaults and your users' options. Lists of what the agent needs (`hostMounts`, `volumes`,
   * `volumeMounts`, `initContainers`, `sidecars`, `ports`) are extended with the user's entries;
   * maps (`env`, `labels`, `annotations`, `podAnnotations`) are merged, the user's keys winning;
   * `resources` is merged per resource (a CPU-only override keeps your memory sizing); any other
   * option the user sets replaces your default. See docs/writing-a-preset.md.
   *
   * @param presetDefaults your preset's props for the core (image included)
   * @param userOptions the options your users gave
   */
  public static mergeOptions(presetDefaults: DaemonSetProps, userOptions: DaemonSetOptions = {}): DaemonSetProps {
    checkArgs('DaemonSet.mergeOptions', [presetDefaults, userOptions]);
    return withDefaults<DaemonSetProps>(presetDefaults, userOptions);
  }

  /**
   * The name a DaemonSet takes when its props give none: the construct's id as a DNS-1123 label
   * ("NodeExporter" becomes "nodeexporter"); an id of "Default" or "Resource" takes the nearest
   * enclosing construct's id. A preset that names objects after its agent before it creates the
   * core (a ConfigMap the pods mount) calls it with itself, and passes the name to the core.
   *
   * @param construct the construct the agent is named after
   */
  public static defaultName(construct: IConstruct): string {
    checkArgs('DaemonSet.defaultName', [construct]);
    return defaultName(construct);
  }

  /**
   * The namespace a DaemonSet takes when its props give none: its chart's, or "default".
   *
   * @param construct any construct in the agent's chart
   */
  public static defaultNamespace(construct: IConstruct): string {
    checkArgs('DaemonSet.defaultNamespace', [construct]);
    return Chart.of(construct).namespace ?? 'default';
  }

  /** The DaemonSet's name. */
  public readonly name: string;
  /** The namespace of the DaemonSet and its ServiceAccount. */
  public readonly namespace: string;
  /** The labels of every object and pod. */
  public readonly labels: { [key: string]: string };
  /** The labels the DaemonSet selects its pods by (use them for Services and NetworkPolicies). */
  public readonly selectorLabels: { [key: string]: string };
  /** The main container's name. */
  public readonly containerName: string;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccountName: string;
  /** The tolerations chosen. */
  public readonly tolerations: Toleration[];
  /** The node selector chosen. */
  public readonly nodeSelector: { [key: string]: string };
  /** The update strategy chosen. */
  public readonly updateStrategy: UpdateStrategy;
  /** Whether the pods use the node's network. */
  public readonly hostNetwork: boolean;
  /** Whether the pods share the node's process namespace. */
  public readonly hostPid: boolean;
  /** Whether the pods share the node's IPC namespace. */
  public readonly hostIpc: boolean;
  /** The cdk8s-plus DaemonSet (escape hatch). */
  public readonly workload: kplus.DaemonSet;
  /** The L1 API object of the DaemonSet (escape hatch for JSON patches). */
  public readonly apiObject: ApiObject;
  /** The ServiceAccount created for the agent, unless `serviceAccountName` was given. */
  public readonly serviceAccount?: kplus.ServiceAccount;
  /** The name of the ClusterRole and its binding, `<namespace>:<name>`, when `rbacRules` were given. */
  public readonly clusterRoleName?: string;
  /** The ClusterRole, when `rbacRules` were given. */
  public readonly clusterRole?: k8s.KubeClusterRole;
  /** The ClusterRoleBinding, when `rbacRules` were given. */
  public readonly clusterRoleBinding?: k8s.KubeClusterRoleBinding;
  /** The Role, when `namespacedRbacRules` were given. */
  public readonly role?: k8s.KubeRole;
  /** The RoleBinding, when `namespacedRbacRules` were given. */
  public readonly roleBinding?: k8s.KubeRoleBinding;
  /** The PodMonitor or ServiceMonitor, when `metrics` was given. */
  public readonly monitor?: ApiObject;
  /** The headless Service a ServiceMonitor scrapes through, when `metrics` is a ServiceMonitor. */
  public readonly metricsService?: k8s.KubeService;
  /** The path of the construct the user created (the preset's, or this one's). @internal */
  public readonly _ownerPath: string;
  /** The name of the agent's configuration ConfigMap (see `addConfigFiles`): `<name>-config`. */
  public readonly configMapName: string;
  private configMapObject?: kplus.ConfigMap;
  /** Whether `podAnnotations` sets the configuration checksum itself. */
  private readonly checksumGiven: boolean;

  constructor(scope: Construct, id: string, props: DaemonSetProps) {
    super(scope, id);
    // Inside a construct that collects its props' problems (a preset, ours or a platform
    // team's): report into its collector, so the user gets one error for the construct they
    // made, with the preset's problems and the core's in one round.
    const problems = ValidationProblems._existing(scope) ?? ValidationProblems.of(this);
    this._ownerPath = problems.constructPath || this.node.path;
    if (props === undefined || props === null || typeof props !== 'object') {
      problems.add('props', props, 'expected an object with at least `image`');
      problems.throwIfAny();
    }
    props = withoutNulls(props);
    // Wrong types (from untyped callers) stop here, before any check could trip over them.
    if (!checkProps('DaemonSetProps', props, problems)) {
      problems.throwIfAny();
    }

    this.name = props.name ?? DaemonSet.defaultName(this);
    // The main container takes the name unless containerName is given; its check reports it.
    if (props.containerName !== undefined) {
      problems.check('name', this.name, rules.dns1123Label(this.name));
    }
    this.namespace = props.namespace ?? DaemonSet.defaultNamespace(this);
    problems.check('namespace', this.namespace, rules.dns1123Label(this.namespace));
    this.containerName = props.containerName ?? this.name;
    this.hostNetwork = props.hostNetwork ?? false;
    this.hostPid = props.hostPid ?? false;
    this.hostIpc = props.hostIpc ?? false;
    // Public values are frozen copies: changing them after construction cannot change the
    // manifest, so it must not look as if it could.
    this.tolerations = Object.freeze([...(props.tolerations ?? [Toleration.all()])]) as Toleration[];
    this.nodeSelector = Object.freeze({ ...(props.nodeSelector ?? { 'kubernetes.io/os': 'linux' }) });
    this.updateStrategy = props.updateStrategy ?? UpdateStrategy.rollingUpdate();

    this.labels = Object.freeze(this.resolveLabels(props, problems));
    this.selectorLabels = Object.freeze(props.selectorLabels !== undefined
      ? { ...props.selectorLabels }
      : Object.fromEntries(SELECTOR_KEYS.map((k) => [k, this.labels[k]])));
    checkKeyValueMap(props.annotations, 'annotations', problems, 'annotations');
    checkKeyValueMap(props.podAnnotations, 'podAnnotations', problems, 'annotations');

    // Containers: one cdk8s-plus volume per name, shared by every container that mounts it.
    const volumes = new PodVolumes(this, props.volumes ?? [], problems);
    const common = { problems, volumes, hostNetwork: this.hostNetwork };
    // extraArgs come after args (the preset's or the user's): one rule for every preset.
    const mainSettings = props.extraArgs === undefined ? props : { ...props, args: [...(props.args ?? []), ...props.extraArgs] };
    const main = buildContainer({ ...common, prefix: '', name: this.containerName, nameProp: props.containerName !== undefined ? 'containerName' : 'name', image: props.image, settings: mainSettings, nodeNameEnv: true, probesAllowed: true });
    const sidecars = (props.sidecars ?? []).map((c, i) => buildContainer({ ...common, prefix: `sidecars[${i}]`, name: c.name, nameProp: `sidecars[${i}].name`, image: c.image, settings: c, nodeNameEnv: false, probesAllowed: true }));
    const inits = (props.initContainers ?? []).map((c, i) => buildContainer({ ...common, prefix: `initContainers[${i}]`, name: c.name, nameProp: `initContainers[${i}].name`, image: c.image, settings: c, nodeNameEnv: false, probesAllowed: isNativeSidecar(c), restartPolicy: c.restartPolicy }));
    const all = [main, ...sidecars, ...inits];
    volumes.checkMounted(problems);
    checkUnique(all.map((c) => c.props.name!), 'containerName/sidecars/initContainers', 'container name', problems);
    this.checkPod(props, [main, ...sidecars], problems);
    checkHostPathOwners([
      { settings: props, built: main, prefix: '' },
      ...(props.sidecars ?? []).map((c, i) => ({ settings: c, built: sidecars[i], prefix: `sidecars[${i}]` })),
      ...(props.initContainers ?? []).map((c, i) => ({ settings: c, built: inits[i], prefix: `initContainers[${i}]`, init: true })),
    ], problems);
    // The kubelet writes Secret and ConfigMap files as root: a non-root agent reads them through
    // the pod's fsGroup (group-readable modes), or not at all.
    const nonRoot = all.find((c) => c.security.runAsUser !== 0);
    const fsGroup = props.fsGroup ?? (nonRoot !== undefined && volumes.hasKeyed ? nonRoot.security.runAsGroup : undefined);
    if (props.fsGroup !== undefined && (!Number.isInteger(props.fsGroup) || props.fsGroup < 0 || props.fsGroup > 2147483647)) {
      problems.add('fsGroup', props.fsGroup, 'expected an integer group ID from 0 to 2147483647');
    }
    this.checkPodFields(props, [main, ...sidecars, ...inits.filter((_, i) => isNativeSidecar(props.initContainers![i]))], problems);
    problems.throwIfAny();

    // RBAC: a dedicated ServiceAccount; a token and a ClusterRole only when the agent calls the API.
    const rbacRules = props.rbacRules ?? [];
    if (props.serviceAccountName === undefined) {
      this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.labels, annotations: props.serviceAccountAnnotations },
        automountToken: false,
      });
    }
    this.serviceAccountName = props.serviceAccountName ?? this.name;
    if (rbacRules.length > 0) {
      // Cluster-scoped: the namespace is part of the name, or a same-named agent in another
      // namespace would replace this one's permissions ("system:kube-proxy" style; ":" cannot
      // appear in a namespace or a DaemonSet name, so no two agents share one).
      this.clusterRoleName = `${this.namespace}:${this.name}`;
      this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
        metadata: { name: this.clusterRoleName, labels: this.labels },
        rules: rbacRules.map(toPolicyRule),
      });
      this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: this.clusterRoleName, labels: this.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRoleName },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
      });
      clusterScoped(this.clusterRole);
      clusterScoped(this.clusterRoleBinding);
    }

    // Namespaced permissions: a Role and RoleBinding in the agent's namespace, no cluster-wide access.
    const namespacedRules = props.namespacedRbacRules ?? [];
    if (namespacedRules.length > 0) {
      this.role = new k8s.KubeRole(this, 'Role', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
        rules: namespacedRules.map(toPolicyRule),
      });
      this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
        metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
      });
    }

    const annotations = { ...props.annotations };
    if (props.changeCause !== undefined) {
      annotations['kubernetes.io/change-cause'] = props.changeCause;
    }
    if ((props.imagePlatforms ?? []).length > 0) {
      annotations[IMAGE_PLATFORMS_ANNOTATION] = props.imagePlatforms!.join(',');
    }
    // The selector's labels last: the pods must carry them whatever else is given.
    const podLabels = { ...this.labels, ...props.podLabels, ...this.selectorLabels };
    this.workload = new kplus.DaemonSet(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels, annotations },
      podMetadata: { labels: podLabels, annotations: props.podAnnotations },
      select: false,
      minReadySeconds: props.minReadySeconds ?? 0,
      containers: [main.props, ...sidecars.map((s) => s.props)],
      initContainers: inits.map((c) => c.props),
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccountRef', this.serviceAccountName),
      automountServiceAccountToken: props.automountServiceAccountToken ?? (rbacRules.length > 0 || namespacedRules.length > 0),
      // Pod-level runAsNonRoot only when every container is non-root (each also sets its own).
      securityContext: { ensureNonRoot: all.every((c) => c.security.runAsNonRoot), fsGroup },
      hostNetwork: this.hostNetwork,
      // cdk8s-plus refuses dnsPolicy NONE without nameservers; dnsConfig itself is patched below.
      dns: {
        policy: props.dnsPolicy ?? (this.hostNetwork ? kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET : kplus.DnsPolicy.CLUSTER_FIRST),
        nameservers: props.dnsConfig?.nameservers,
      },
      terminationGracePeriod: Duration.seconds(props.terminationGracePeriodSeconds ?? 30),
      isolate: false,
    });
    this.workload.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    this.apiObject = ApiObject.of(this.workload);

    // Fields cdk8s-plus-28 does not model. The L1 re-serializes after patching, so paths use
    // its property names (hostPid, not hostPID) and int-or-string values its IntOrString class.
    const patch = (path: string, value: unknown) => this.apiObject.addJsonPatch(JsonPatch.add(path, value));
    patch('/spec/updateStrategy', this.updateStrategy._toKube());
    patch('/spec/revisionHistoryLimit', props.revisionHistoryLimit ?? 10);
    patch('/spec/template/spec/hostPid', this.hostPid);
    patch('/spec/template/spec/hostIpc', this.hostIpc);
    if (Object.keys(this.nodeSelector).length > 0) {
      patch('/spec/template/spec/nodeSelector', { ...this.nodeSelector });
    }
    // Tolerations and node affinity go through cdk8s-plus's own scheduling API, so that the
    // escape hatch (`workload.scheduling.tolerate(...)`, `.attract(...)`) adds to them instead of
    // being overwritten by a patch.
    this.workload.scheduling.tolerate(kplus.Node.tainted(...this.tolerations.map(taintQuery)));
    for (const term of this.affinityTerms(props)) {
      this.workload.scheduling.attract(kplus.Node.labeled(...term.map(labelQuery)));
    }
    if (props.priorityClassName !== undefined) {
      patch('/spec/template/spec/priorityClassName', props.priorityClassName);
    }

    // Pod fields of issue 13, on the L1 (property names as the L1 spells them).
    for (const [path, value] of podFieldPatches(props)) {
      patch(path, value);
    }
    // Weighted terms through cdk8s-plus's scheduling API too, next to the required ones.
    for (const w of props.preferredNodeAffinity ?? []) {
      this.workload.scheduling.attract(kplus.Node.labeled(...w.term.requirements.map((r) => labelQuery(r._toKube()))), { weight: w.weight });
    }
    // Container fields cdk8s-plus lacks: ephemeral-storage (it renders resources in whole GiB
    // only, so the container's whole resources) and terminationMessagePolicy.
    for (const [list, built] of [['containers', [main, ...sidecars]], ['initContainers', inits]] as const) {
      built.forEach((c, i) => {
        if (c.resourcesPatch) {
          patch(`/spec/template/spec/${list}/${i}/resources`, c.resourcesPatch);
        }
        if (c.terminationMessagePolicy) {
          patch(`/spec/template/spec/${list}/${i}/terminationMessagePolicy`, c.terminationMessagePolicy);
        }
      });
    }
    if (props.metrics !== undefined) {
      const bound: BoundMetrics = props.metrics._bind(this, {
        name: this.name,
        namespace: this.namespace,
        labels: this.labels,
        selectorLabels: this.selectorLabels,
        // The containers that keep running (a plain init container's port is gone when scraped).
        ports: [main, ...sidecars, ...inits.filter((_, i) => isNativeSidecar(props.initContainers![i]))]
          .flatMap((c) => c.props.ports ?? []).map((p) => ({ name: p.name, number: p.number })),
      });
      this.monitor = bound.monitor;
      this.metricsService = bound.service;
    }

    registerAgent(this, this.claims(props, [main, ...sidecars]));
    const propOf = new Map<string, string>([
      [this.containerName, ''],
      ...(props.sidecars ?? []).map((c, i) => [c.name, `sidecars[${i}]`] as [string, string]),
      ...(props.initContainers ?? []).map((c, i) => [c.name, `initContainers[${i}]`] as [string, string]),
    ]);
    const probed = [props, ...props.sidecars ?? [], ...props.initContainers ?? []]
      .some((c) => (c.liveness ?? c.readiness ?? c.startup ?? c.lifecycle) !== undefined);
    if (probed) {
      this.node.addValidation({ validate: () => { this.checkRenderedProbes(problems, propOf); return []; } });
    }
    this.configMapName = `${this.name}-config`;
    this.checksumGiven = props.podAnnotations?.[CONFIG_CHECKSUM_ANNOTATION] !== undefined;
  }

  /**
   * Adds files to the agent's configuration ConfigMap, `configMapName` (`<name>-config`) in the
   * agent's namespace, made on the first call; later calls add to it. The pods get a
   * `checksum/config` annotation, the SHA-256 of the ConfigMap as synthesized, so that any change
   * to it (here, with `configMap.addData`, or through a JSON patch of the ConfigMap) rolls the
   * pods; unless `podAnnotations` sets `checksum/config` itself. Mount it with
   * `AgentVolume.fromConfigMap(volumeName, daemonSet.configMapName)` in `volumes` (the presets'
   * own way: one ConfigMap, one name, one checksum for every preset).
   *
   * @param files file name (a ConfigMap key) to content
   */
  public addConfigFiles(files: { [fileName: string]: string }): kplus.ConfigMap {
    if (this.configMapObject === undefined) {
      this.configMapObject = new kplus.ConfigMap(this, 'ConfigMap', {
        metadata: { name: this.configMapName, namespace: this.namespace, labels: this.labels },
      });
      if (!this.checksumGiven) {
        // Computed at synth, from the ConfigMap as it is rendered then.
        this.workload.podMetadata.addAnnotation(CONFIG_CHECKSUM_ANNOTATION, Lazy.any({ produce: () => this.configChecksum }));
      }
    }
    for (const name of Object.keys(files).sort()) {
      this.configMapObject.addData(name, files[name]);
    }
    return this.configMapObject;
  }

  /** The configuration ConfigMap, once `addConfigFiles` made it. */
  public get configMap(): kplus.ConfigMap | undefined {
    return this.configMapObject;
  }

  /**
   * The SHA-256 of the configuration ConfigMap's rendered `data` (and `binaryData`, if any), as
   * hex: the pods' `checksum/config` annotation. Read at synth, it includes changes made after
   * construction. Undefined without a configuration ConfigMap.
   */
  public get configChecksum(): string | undefined {
    if (this.configMapObject === undefined) {
      return undefined;
    }
    const rendered = ApiObject.of(this.configMapObject).toJson();
    const sorted = (m: { [key: string]: string } = {}) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
    const content = rendered.binaryData === undefined ? sorted(rendered.data)
      : { binaryData: sorted(rendered.binaryData), data: sorted(rendered.data) };
    return createHash('sha256').update(JSON.stringify(content)).digest('hex');
  }

  /**
   * The Pod Security Standards level the pods meet (restricted, baseline or privileged), with
   * every reason they meet no stricter one, computed from the synthesized pod template.
   */
  public podSecurity(): PodSecurityReport {
    const template = this.apiObject.toJson().spec.template;
    return PodSecurity.evaluate(template.spec, template.metadata?.annotations);
  }

  /**
   * Which nodes of `inventory` will run a pod of this DaemonSet, and for each other node every
   * reason why not, decided as the Kubernetes DaemonSet controller decides (a selector label, an
   * affinity expression, an untolerated taint) and then the scheduler (free resources and host
   * ports, given `options.pods` already running; preemption by priority).
   *
   * @param inventory the nodes
   * @param options pods already running and priority classes
   */
  public previewPlacement(inventory: NodeInventory, options: PreviewOptions = {}): PlacementPreview {
    return PlacementPreview.forManifest(this.apiObject.toJson(), inventory, options);
  }

  /**
   * How an update of this DaemonSet rolls out over the nodes of `inventory` that run it: pods
   * unavailable and surged at once, waves, and the minimum duration.
   */
  public rolloutPlan(inventory: NodeInventory): RolloutPlan {
    return RolloutPlan.forInventory(this.apiObject.toJson(), inventory);
  }

  /**
   * The required node affinity terms (ORed), each with the virtual-node exclusion added (an
   * AND inside every term), as Kubernetes requirement objects.
   */
  private affinityTerms(props: DaemonSetProps): k8s.NodeSelectorRequirement[][] {
    const exclusion: k8s.NodeSelectorRequirement[] = (props.excludeVirtualNodes ?? true) ? VIRTUAL_NODE_EXCLUSION : [];
    const terms = (props.requiredNodeAffinity ?? []).map((t) => t.requirements.map((r) => r._toKube()));
    if (terms.length === 0) {
      return exclusion.length > 0 ? [[...exclusion]] : [];
    }
    return terms.map((t) => [...t, ...exclusion]);
  }

  /** What this agent holds on its nodes, for the app-wide conflict check. */
  private claims(props: DaemonSetProps, running: BuiltContainer[]): AgentClaims {
    const hostPorts = running.flatMap((c) => (c.props.ports ?? [])
      .filter((p) => this.hostNetwork || p.hostPort !== undefined)
      .map((p) => `${this.hostNetwork ? p.number : p.hostPort}/${p.protocol ?? 'TCP'}`));
    const allMounts = [props, ...(props.sidecars ?? []), ...(props.initContainers ?? [])].flatMap((c) => c.hostMounts ?? []);
    const exclusiveHostPaths = [...new Set(allMounts.filter((m) => !m.isReadOnly && !m.isShared).map((m) => m.path))];
    // The node selector in every term (the scheduler requires both), the terms as rendered.
    const selector = Object.entries(this.nodeSelector).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    const terms = this.affinityTerms(props);
    const nodeTerms = (terms.length > 0 ? terms : [[]]).map((t) => [...selector, ...t]);
    return { ownerPath: this._ownerPath, id: `${this.namespace}/${this.name}`, hostPorts: [...new Set(hostPorts)], exclusiveHostPaths, nodeTerms };
  }

  private resolveLabels(props: DaemonSetProps, problems: ValidationProblems): { [key: string]: string } {
    const labels: { [key: string]: string } = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': this.name,
    };
    if (props.component !== undefined) {
      labels['app.kubernetes.io/component'] = props.component;
    }
    const tag = typeof props.image === 'string' ? rules.imageTag(props.image) : undefined;
    if (tag !== undefined && rules.labelValue(tag) === undefined) {
      labels['app.kubernetes.io/version'] = tag;
    }
    labels['app.kubernetes.io/managed-by'] = 'cdk8s';
    checkKeyValueMap(props.labels, 'labels', problems, 'labels');
    return { ...labels, ...props.labels };
  }

  /** The pod fields of issue 13 (pkg/apis/core/validation: ValidatePodSpec and friends). */
  private checkPodFields(props: DaemonSetProps, running: BuiltContainer[], problems: ValidationProblems): void {
    (props.imagePullSecrets ?? []).forEach((name, i) => problems.check(`imagePullSecrets[${i}]`, name, rules.dns1123Subdomain(name)));
    checkUnique(props.imagePullSecrets ?? [], 'imagePullSecrets', 'Secret name', problems);
    // validateHostAliases: an IP address and DNS-1123 subdomain host names.
    (props.hostAliases ?? []).forEach((alias, i) => {
      problems.check(`hostAliases[${i}].ip`, alias?.ip, rules.ipAddress(alias?.ip));
      if (!Array.isArray(alias?.hostnames) || alias.hostnames.length === 0) {
        problems.add(`hostAliases[${i}].hostnames`, alias?.hostnames, 'expected at least one host name');
      }
      if (Array.isArray(alias?.hostnames)) {
        alias.hostnames.forEach((h, j) => problems.check(`hostAliases[${i}].hostnames[${j}]`, h, rules.dns1123Subdomain(h)));
      }
    });
    // validatePodDNSConfig: at most 3 nameservers (IPs), 32 search domains, named options.
    const dns = props.dnsConfig;
    const dnsListsOk = dns === undefined || ['nameservers', 'searches'].map((f) => isStringList((dns as any)[f], `dnsConfig.${f}`, problems)).every(Boolean);
    if (dns?.options !== undefined && !Array.isArray(dns.options)) {
      problems.add('dnsConfig.options', dns.options, 'expected a list of { name, value? }');
    } else if (dns !== undefined && dnsListsOk) {
      const nameservers = dns.nameservers ?? [];
      if (nameservers.length > 3) {
        problems.add('dnsConfig.nameservers', nameservers, 'expected at most 3 nameservers (the resolver reads no more)');
      }
      nameservers.forEach((ip, i) => problems.check(`dnsConfig.nameservers[${i}]`, ip, rules.ipAddress(ip)));
      const searches = dns.searches ?? [];
      if (searches.length > 32) {
        problems.add('dnsConfig.searches', `${searches.length} domains`, 'expected at most 32 search domains');
      }
      searches.forEach((domain, i) => problems.check(`dnsConfig.searches[${i}]`, domain, rules.dns1123Subdomain(domain.replace(/\.$/, ''))));
      (dns.options ?? []).forEach((o, i) => {
        if (typeof o?.name !== 'string' || o.name.length === 0) {
          problems.add(`dnsConfig.options[${i}].name`, o?.name, 'expected the option name, e.g. "ndots"');
        }
      });
    }
    if (props.dnsPolicy === kplus.DnsPolicy.NONE && (dns?.nameservers ?? []).length === 0) {
      problems.add('dnsConfig.nameservers', dns?.nameservers, 'dnsPolicy NONE takes resolv.conf from dnsConfig alone, which needs at least one nameserver');
    }
    if (props.runtimeClassName !== undefined) {
      problems.check('runtimeClassName', props.runtimeClassName, rules.dns1123Subdomain(props.runtimeClassName));
    }
    (props.supplementalGroups ?? []).forEach((gid, i) => {
      if (!Number.isInteger(gid) || gid < 0 || gid > 2147483647) {
        problems.add(`supplementalGroups[${i}]`, gid, 'expected an integer group ID from 0 to 2147483647');
      }
    });
    for (const [field, value] of Object.entries(props.seLinuxOptions ?? {})) {
      if (!['type', 'level', 'user', 'role'].includes(field)) {
        problems.add(`seLinuxOptions.${field}`, value, 'expected only type, level, user and role');
      } else if (typeof value !== 'string' || value.length === 0) {
        problems.add(`seLinuxOptions.${field}`, value, 'expected a non-empty string, or leave it out');
      }
    }
    (props.preferredNodeAffinity ?? []).forEach((w, i) => {
      const prop = `preferredNodeAffinity[${i}]`;
      if (!Number.isInteger(w?.weight) || w.weight < 1 || w.weight > 100) {
        problems.add(`${prop}.weight`, w?.weight, 'expected an integer weight from 1 to 100');
      }
      if (!isBranded<NodeAffinityTerm>(w?.term, 'NodeAffinityTerm')) {
        problems.add(`${prop}.term`, w?.term, 'expected a NodeAffinityTerm, e.g. NodeAffinityTerm.allOf(NodeRequirement.in(...))');
        return;
      }
      if (w.term.requirements.length === 0) {
        problems.add(`${prop}.term`, 'an empty term', 'an empty term gives every node the same weight; give at least one NodeRequirement');
      }
      w.term.requirements.forEach((r, j) => {
        problems.check(`${prop}.term.requirements[${j}].key`, r.key, rules.qualifiedName(r.key));
        problems.check(`${prop}.term.requirements[${j}]`, r.values, r._problem());
        // As for required terms: In/NotIn values are label values, Gt/Lt values integers.
        if (r.operator === 'In' || r.operator === 'NotIn') {
          r.values.forEach((v) => problems.check(`${prop}.term.requirements[${j}].values`, v, rules.labelValue(v)));
        }
      });
    });
    // validateHostUsers: a user namespace cannot be combined with the node's namespaces.
    if (props.hostUsers === false) {
      for (const [prop, on] of [['hostNetwork', this.hostNetwork], ['hostPid', this.hostPid], ['hostIpc', this.hostIpc]] as const) {
        if (on) {
          problems.add('hostUsers', false, `a user namespace (hostUsers: false) cannot be combined with ${prop}: true; remove one of them`);
        }
      }
    }
    if (props.serviceAccountAnnotations !== undefined && props.serviceAccountName !== undefined) {
      problems.add('serviceAccountAnnotations', props.serviceAccountAnnotations, 'annotations apply to the ServiceAccount this construct creates, and none is created with serviceAccountName; annotate that ServiceAccount where it is defined');
    }
    checkKeyValueMap(props.serviceAccountAnnotations, 'serviceAccountAnnotations', problems, 'annotations');
    checkKeyValueMap(props.podLabels, 'podLabels', problems, 'labels');
    for (const key of props.selectorLabels !== undefined ? Object.keys(props.selectorLabels) : SELECTOR_KEYS) {
      if (props.podLabels?.[key] !== undefined && props.podLabels[key] !== props.selectorLabels?.[key]) {
        problems.add(`podLabels.${key}`, props.podLabels[key], props.selectorLabels !== undefined
          ? 'the selector\'s labels cannot be changed on the pods alone (the DaemonSet would no longer select them); change `selectorLabels` instead'
          : 'the selector\'s labels cannot be changed on the pods alone (the DaemonSet would no longer select them); set `name` instead');
      }
    }
    if (props.selectorLabels !== undefined) {
      // LabelSelector validation: matchLabels are label keys and values; an empty selector is refused.
      if (Object.keys(props.selectorLabels).length === 0) {
        problems.add('selectorLabels', '{}', 'an empty selector would select every pod of the namespace, and the API server refuses it for a DaemonSet; give the existing DaemonSet\'s selector labels, or remove selectorLabels');
      }
      checkKeyValueMap(props.selectorLabels, 'selectorLabels', problems, 'labels');
      for (const [key, value] of Object.entries(props.selectorLabels)) {
        if (props.labels?.[key] !== undefined && props.labels[key] !== value) {
          problems.add(`labels.${key}`, props.labels[key], `differs from selectorLabels.${key} ("${value}"): the pods must carry the selector's value; remove one of them`);
        }
      }
    }
    const namespacedRules = props.namespacedRbacRules ?? [];
    if (props.automountServiceAccountToken === false && namespacedRules.length > 0) {
      problems.add('automountServiceAccountToken', false, 'namespacedRbacRules grant API access that the agent could not use without its token; remove one of them');
    }
    checkRbacRules(namespacedRules, 'namespacedRbacRules', true, problems);
    (props.sidecars ?? []).forEach((c, i) => {
      if (c?.restartPolicy !== undefined) {
        problems.add(`sidecars[${i}].restartPolicy`, c.restartPolicy, 'only an init container takes a restartPolicy (ContainerRestartPolicy.ALWAYS makes it a native sidecar); remove it, or move the container to initContainers');
      }
    });
    (props.initContainers ?? []).forEach((c, i) => {
      if (c?.restartPolicy !== undefined && c.restartPolicy !== kplus.ContainerRestartPolicy.ALWAYS) {
        problems.add(`initContainers[${i}].restartPolicy`, c.restartPolicy, 'expected ContainerRestartPolicy.ALWAYS (the only value Kubernetes allows), or leave it out');
      }
    });
    if (props.metrics !== undefined) {
      if (!isBranded<AgentMetrics>(props.metrics, 'AgentMetrics')) {
        problems.add('metrics', props.metrics, 'expected AgentMetrics.podMonitor(...) or AgentMetrics.serviceMonitor(...)');
      } else {
        props.metrics._check(this.name, running.flatMap((c) => c.portNames), problems);
      }
    }
  }

  /**
   * Every container's HTTP and TCP probes and hooks target a port the container declares (the
   * kubelet probes the pod's IP, so a probe on a port nobody listens on fails forever). Checked
   * at synth on the pod as rendered, escape-hatch edits included; only when the props give a
   * container a probe or a hook (the render costs a second resolution of the DaemonSet).
   */
  private checkRenderedProbes(problems: ValidationProblems, propOf: Map<string, string>): void {
    const pod = this.apiObject.toJson()?.spec?.template?.spec ?? {};
    for (const [prop, value, allowed] of renderedProbeProblems(pod, (name) => propOf.get(name))) {
      problems.add(prop, value, allowed);
    }
    problems.throwIfAny();
  }

  private checkPod(props: DaemonSetProps, running: BuiltContainer[], problems: ValidationProblems): void {
    for (const [prop, value] of [
      ['minReadySeconds', props.minReadySeconds],
      ['revisionHistoryLimit', props.revisionHistoryLimit],
      ['terminationGracePeriodSeconds', props.terminationGracePeriodSeconds],
    ] as const) {
      if (value !== undefined) {
        problems.check(prop, value, rules.nonNegativeInteger(value));
      }
    }
    (props.imagePlatforms ?? []).forEach((p, i) => {
      if (typeof p !== 'string' || !IMAGE_PLATFORM.test(p)) {
        problems.add(`imagePlatforms[${i}]`, p, 'expected os/arch[/variant] as in an image index, e.g. "linux/amd64", "linux/arm64" or "linux/arm/v7"');
      }
    });
    if (props.priorityClassName !== undefined) {
      problems.check('priorityClassName', props.priorityClassName, rules.dns1123Subdomain(props.priorityClassName));
    }
    if (props.serviceAccountName !== undefined) {
      problems.check('serviceAccountName', props.serviceAccountName, rules.dns1123Subdomain(props.serviceAccountName));
    }
    if (props.automountServiceAccountToken === false && (props.rbacRules ?? []).length > 0) {
      problems.add('automountServiceAccountToken', false, 'rbacRules grant API access that the agent could not use without its token; remove one of them');
    }
    checkRbacRules(props.rbacRules ?? [], 'rbacRules', false, problems);
    for (const [key, value] of Object.entries(this.nodeSelector)) {
      problems.check(`nodeSelector.${key}`, key, rules.qualifiedName(key));
      problems.check(`nodeSelector.${key}`, value, rules.labelValue(value));
    }
    (props.requiredNodeAffinity ?? []).forEach((term, i) => {
      if (term.requirements.length === 0) {
        problems.add(`requiredNodeAffinity[${i}]`, 'an empty term', 'an empty term matches no node; give at least one NodeRequirement');
      }
      term.requirements.forEach((r, j) => {
        const prop = `requiredNodeAffinity[${i}].requirements[${j}]`;
        problems.check(`${prop}.key`, r.key, rules.qualifiedName(r.key));
        problems.check(prop, r.values, r._problem());
        // In/NotIn values are compared with label values (a non-label value never matches: our
        // own rule, it catches typos); Gt/Lt values are integers, negative ones included.
        if (r.operator === 'In' || r.operator === 'NotIn') {
          r.values.forEach((v) => problems.check(`${prop}.values`, v, rules.labelValue(v)));
        }
      });
    });
    this.tolerations.forEach((t, i) => {
      problems.check(`tolerations[${i}]`, t._toKube(), t._problem());
      if (t.key) {
        problems.check(`tolerations[${i}].key`, t.key, rules.qualifiedName(t.key));
      }
      if (t.value !== undefined) {
        problems.check(`tolerations[${i}].value`, t.value, rules.labelValue(t.value));
      }
    });
    for (const [field, value, allowed] of this.updateStrategy._problems()) {
      problems.add(`updateStrategy.${field}`, value, allowed);
    }
    // A surge pod cannot start next to the old one when both need the same host port.
    // With hostNetwork every port the agent opens is the node's, declared or not.
    const surge = this.updateStrategy.maxSurge;
    if (surge && !surge.isZero()) {
      const hostPorts = running.flatMap((c) => (c.props.ports ?? []).filter((p) => p.hostPort !== undefined));
      if (this.hostNetwork || hostPorts.length > 0) {
        problems.add('updateStrategy.maxSurge', surge.toString(), `a surge rollout starts the new pod beside the old one, which cannot bind the same ${this.hostNetwork ? 'node ports (hostNetwork: every port the agent opens, declared or not)' : 'host port'}; use maxSurge 0 (roll with maxUnavailable)`);
      }
    }
  }
}
brand(DaemonSet, 'DaemonSet');

/** The pod's volumes, one per name: host paths from the mounts, and the `volumes` prop. */
class PodVolumes implements VolumeResolver {
  private readonly byName = new Map<string, { key: string; volume: kplus.Volume }>();
  private readonly declared = new Map<string, AgentVolume>();

  /** Whether any Secret, ConfigMap or projected volume is declared (their files are root's and the fsGroup's). */
  public readonly hasKeyed: boolean;

  constructor(private readonly scope: Construct, private readonly volumes: AgentVolume[], problems: ValidationProblems) {
    this.hasKeyed = volumes.some((v) => v._keyed);
    volumes.forEach((v, i) => {
      problems.check(`volumes[${i}].name`, v.name, rules.dns1123Label(v.name));
      v._check(`volumes[${i}]`, problems);
      for (const [field, value, allowed] of v._problems()) {
        problems.add(`volumes[${i}].${field}`, value, allowed);
      }
      if (this.declared.has(v.name)) {
        problems.add(`volumes[${i}].name`, v.name, 'each volume name may appear only once');
      }
      this.declared.set(v.name, v);
    });
  }

  public hostVolume(mount: HostMount, prop: string, problems: ValidationProblems): kplus.Volume | undefined {
    const key = `hostPath:${mount.path}:${mount.type}`;
    const existing = this.byName.get(mount.volumeName);
    if (existing) {
      if (existing.key !== key) {
        problems.add(`${prop}.volumeName`, mount.volumeName, 'already names another volume; give this mount its own volumeName');
        return undefined;
      }
      return existing.volume;
    }
    if (this.declared.has(mount.volumeName)) {
      problems.add(`${prop}.volumeName`, mount.volumeName, 'already names a volume in `volumes`; give this mount its own volumeName');
      return undefined;
    }
    const volume = kplus.Volume.fromHostPath(this.scope, `HostPath-${mount.volumeName}`, mount.volumeName, { path: mount.path, type: mount.type });
    this.byName.set(mount.volumeName, { key, volume });
    return volume;
  }

  /**
   * Records each declared volume no container mounts: only mounted volumes reach the pod spec,
   * so it would be left out of the manifest without a word.
   */
  public checkMounted(problems: ValidationProblems): void {
    this.volumes.forEach((v, i) => {
      if (!this.byName.has(v.name)) {
        problems.add(`volumes[${i}]`, v.name, 'no container mounts this volume (it would not be in the pod); mount it through `volumeMounts`, or remove it');
      }
    });
  }

  public namedVolume(name: string, prop: string, problems: ValidationProblems): kplus.Volume | undefined {
    const existing = this.byName.get(name);
    if (existing) {
      return existing.volume;
    }
    const declared = this.declared.get(name);
    if (!declared) {
      problems.add(prop, name, `expected the name of a volume in \`volumes\` (${[...this.declared.keys()].join(', ') || 'none declared'})`);
      return undefined;
    }
    const volume = declared._bind(this.scope, `Volume-${name}`);
    this.byName.set(name, { key: `volume:${name}`, volume });
    return volume;
  }
}

/**
 * The RBAC rules of a ClusterRole (`rbacRules`) or a Role (`namespaced`), as the API server
 * validates a PolicyRule: lists of strings, at least one verb, resources with their API groups,
 * or (cluster-wide only) non-resource URLs. The one check of both kinds.
 */
function checkRbacRules(policyRules: RbacRule[], prop: string, namespaced: boolean, problems: ValidationProblems): void {
  policyRules.forEach((rule, i) => {
    const at = `${prop}[${i}]`;
    if (!['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceUrls'].map((f) => isStringList((rule as any)?.[f], `${at}.${f}`, problems)).every(Boolean)) {
      return;
    }
    if (!rule || !Array.isArray(rule.verbs) || rule.verbs.length === 0) {
      problems.add(`${at}.verbs`, rule?.verbs, 'expected at least one verb, e.g. ["get", "list", "watch"]');
    }
    if (!rule) {
      return;
    }
    const resources = (rule.resources ?? []).length > 0;
    if (namespaced && (rule.nonResourceUrls ?? []).length > 0) {
      problems.add(`${at}.nonResourceUrls`, rule.nonResourceUrls, 'non-resource URLs are cluster-scoped (a Role cannot grant them); put this rule in rbacRules');
    }
    if (!resources) {
      if (namespaced) {
        problems.add(`${at}.resources`, rule.resources, 'expected the resources (with apiGroups) the rule grants');
      } else if ((rule.nonResourceUrls ?? []).length === 0) {
        problems.add(at, rule, 'expected resources (with apiGroups) or nonResourceUrls');
      }
    } else if (rule.apiGroups === undefined) {
      problems.add(`${at}.apiGroups`, undefined, 'expected the API groups of the resources ("" is the core group)');
    }
  });
}

/** A rule as the L1 PolicyRule of the Role or ClusterRole (its field for URLs is `nonResourceUrLs`). */
function toPolicyRule(rule: RbacRule): k8s.PolicyRule {
  return {
    apiGroups: rule.apiGroups,
    resources: rule.resources,
    resourceNames: rule.resourceNames,
    nonResourceUrLs: rule.nonResourceUrls,
    verbs: rule.verbs,
  };
}

/** Whether `value` is absent or a list of strings; records a problem if it is neither. */
function isStringList(value: unknown, prop: string, problems: ValidationProblems): boolean {
  if (value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    return true;
  }
  problems.add(prop, value, 'expected a list of strings');
  return false;
}

/** A toleration as cdk8s-plus's public taint query. */
function taintQuery(t: Toleration): kplus.NodeTaintQuery {
  // Kubernetes treats a negative tolerationSeconds as 0 (evict at once); a Duration cannot be negative.
  const evictAfter = t.tolerationSeconds === undefined ? undefined : Duration.seconds(Math.max(0, t.tolerationSeconds));
  const options = { effect: t.effect, evictAfter };
  if (t.operator === 'Equal') {
    return kplus.NodeTaintQuery.is(t.key!, t.value!, options);
  }
  if (t.key === undefined && t.effect === undefined) {
    return kplus.NodeTaintQuery.any();
  }
  // allWithEffect: Exists with an empty key matches every key (ValidateTolerations allows it).
  return kplus.NodeTaintQuery.exists(t.key ?? '', options);
}

/** A node requirement as cdk8s-plus's public label query. */
function labelQuery(r: k8s.NodeSelectorRequirement): kplus.NodeLabelQuery {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return kplus.NodeLabelQuery.in(r.key, values);
    case 'NotIn': return kplus.NodeLabelQuery.notIn(r.key, values);
    case 'Exists': return kplus.NodeLabelQuery.exists(r.key);
    case 'DoesNotExist': return kplus.NodeLabelQuery.doesNotExist(r.key);
    case 'Gt': return kplus.NodeLabelQuery.gt(r.key, values);
    default: return kplus.NodeLabelQuery.lt(r.key, values);
  }
}

function isNativeSidecar(c: AgentContainer | undefined): boolean {
  return c?.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS;
}

/** The JSON patches of the pod fields cdk8s-plus-28 does not model (L1 property names). */
function podFieldPatches(props: DaemonSetProps): Array<[string, unknown]> {
  const spec = '/spec/template/spec';
  const patches: Array<[string, unknown]> = [];
  if ((props.imagePullSecrets ?? []).length > 0) {
    patches.push([`${spec}/imagePullSecrets`, props.imagePullSecrets!.map((name) => ({ name }))]);
  }
  if ((props.hostAliases ?? []).length > 0) {
    patches.push([`${spec}/hostAliases`, props.hostAliases!.map((a) => ({ ip: a.ip, hostnames: [...a.hostnames] }))]);
  }
  if (props.dnsConfig !== undefined) {
    patches.push([`${spec}/dnsConfig`, {
      nameservers: props.dnsConfig.nameservers,
      searches: props.dnsConfig.searches,
      options: props.dnsConfig.options?.map((o) => ({ name: o.name, value: o.value })),
    }]);
  }
  if (props.runtimeClassName !== undefined) {
    patches.push([`${spec}/runtimeClassName`, props.runtimeClassName]);
  }
  if ((props.supplementalGroups ?? []).length > 0) {
    patches.push([`${spec}/securityContext/supplementalGroups`, [...props.supplementalGroups!]]);
  }
  if (props.seLinuxOptions !== undefined) {
    const { type, level, user, role } = props.seLinuxOptions;
    patches.push([`${spec}/securityContext/seLinuxOptions`, { type, level, user, role }]);
  }
  if (props.hostUsers !== undefined) {
    patches.push([`${spec}/hostUsers`, props.hostUsers]);
  }
  return patches;
}

/**
 * A non-root container that writes a host path: the kubelet creates a missing
 * DirectoryOrCreate/FileOrCreate path as root (0755/0644), and a Directory or File that exists
 * on the node belongs to root (the node's own, or what the kubelet created for another pod), so
 * the agent's writes fail with EACCES at run time. Accepted when an init container of the pod
 * running as root mounts the same host path writable: the documented way to prepare it (create
 * it and chown it to the agent's user). Sockets, char and block devices are left alone: their
 * owners are the runtime's and the kernel's.
 */
function checkHostPathOwners(
  containers: Array<{ settings: ContainerSettings; built: BuiltContainer; prefix: string; init?: boolean }>, problems: ValidationProblems,
): void {
  const preparedByRoot = new Set(containers
    .filter((c) => c.init && !isNativeSidecar(c.settings as AgentContainer) && c.built.security.runAsUser === 0)
    .flatMap((c) => (c.settings.hostMounts ?? []).filter((m) => m && !m.isReadOnly).map((m) => m.path)));
  const created = [kplus.HostPathVolumeType.DIRECTORY_OR_CREATE, kplus.HostPathVolumeType.FILE_OR_CREATE];
  const existing = [kplus.HostPathVolumeType.DIRECTORY, kplus.HostPathVolumeType.FILE];
  for (const c of containers) {
    const { runAsUser, runAsGroup } = c.built.security;
    if (runAsUser === 0) {
      continue;
    }
    (c.settings.hostMounts ?? []).forEach((m, i) => {
      if (!m || m.isReadOnly || preparedByRoot.has(m.path) || ![...created, ...existing].includes(m.type)) {
        return;
      }
      const prop = c.prefix ? `${c.prefix}.hostMounts[${i}]` : `hostMounts[${i}]`;
      const prepare = `prepare it in an init container that runs as root (runAsUser: 0) and mounts the same host path writable (e.g. \`chown ${runAsUser}:${runAsGroup} <its mountPath>\`), or run this container as root (runAsUser: 0) with no capabilities`;
      if (created.includes(m.type)) {
        problems.add(`${prop}.type`, m.type, `the kubelet creates ${m.path} owned by root, which user ${runAsUser} cannot write; ${prepare}`);
      } else {
        problems.add(`${prop}.path`, m.path, `user ${runAsUser} writes it, but a ${m.type === kplus.HostPathVolumeType.FILE ? 'file' : 'directory'} that exists on the node belongs to root, so the writes fail at run time; ${prepare}`);
      }
    });
  }
}
