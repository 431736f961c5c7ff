import { createHash } from 'crypto';
import { ApiObject, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Capability, ContainerLifecycle, ContainerResources, EnvFrom, EnvValue, HostPathVolumeType, ImagePullPolicy, k8s, Probe, SeccompProfile } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { API_KEY_ENV, BEARER_TOKEN_ENV, CA_DIRECTORY, customTextProblem, PASSWORD_ENV, renderLogConfig, TOKEN_DIRECTORY, USERNAME_ENV } from './log-agent-config';
import { defaultImage, profileOf } from './log-agent-profile';
import { LogFilter, LogFilterType } from './log-filter';
import { LogFlavor } from './log-flavor';
import { LogOutput, LogOutputType, LogSecretKey } from './log-output';
import { AgentContainer, AgentPort, AgentVolumeMount } from '../agent-container';
import { AgentMetrics } from '../agent-metrics';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetProps, PodDnsConfig, SeLinuxOptions } from '../daemon-set';
import { HostMount } from '../host-mount';
import { NodeAffinityTerm, WeightedNodeAffinityTerm } from '../node-affinity';
import { PresetScope } from '../private/preset-base';
import { Problems } from '../private/problems';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { Toleration } from '../toleration';
import { UpdateStrategy } from '../update-strategy';

/**
 * Props of the `LogAgent` preset: the preset's own, then every prop of the core `DaemonSet`
 * (`DaemonSetOptions`), declared here so that each shows the default this preset applies (jsii
 * does not allow an interface to re-declare an inherited prop). A test keeps the two in step:
 * the same names and types as `DaemonSetOptions`.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's; `env`, `labels`,
 * `annotations` and `podAnnotations` are merged (your keys win); `resources` are merged per
 * resource (a CPU-only value keeps the preset's memory); any other prop replaces the preset's
 * value.
 */
export interface LogAgentProps {
  /**
   * The collector to run.
   *
   * @default LogFlavor.FLUENT_BIT
   */
  readonly flavor?: LogFlavor;

  /**
   * The agent's image, pinned with a tag or digest.
   *
   * @default - per flavor: cr.fluentbit.io/fluent/fluent-bit:4.0.8;
   * fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1 (or
   * -debian-opensearch-1.1 for OpenSearch; Loki needs your own image);
   * docker.elastic.co/beats/filebeat:8.17.4
   */
  readonly image?: string;

  /**
   * Where the logs go. Not allowed together with `configOverride` (which replaces the
   * generated configuration, output included).
   *
   * @default LogOutput.stdout() - the agent's own stdout, for trying it out
   */
  readonly output?: LogOutput;

  /**
   * For experts: the agent's configuration files (file name to content), replacing the
   * generated ones. Must contain the file the agent is started with: `fluent-bit.conf`
   * (Fluent Bit, mounted in /fluent-bit/etc/conf), `fluent.conf` (Fluentd, in /fluentd/etc) or
   * `filebeat.yml` (Filebeat, in /etc/filebeat). The mounts stay the same: host logs under
   * /var/log (read-only), state in /fluent-bit/state, /fluentd/state or
   * /usr/share/filebeat/data (read-write), scratch space in /tmp. The checksum annotation
   * follows the files, so a change rolls the pods.
   *
   * @default - the generated configuration of the flavor and output
   */
  readonly configOverride?: { [fileName: string]: string };

  /**
   * The host directory that keeps the read positions (Fluent Bit's tail DB, Fluentd's pos file,
   * Filebeat's registry) across restarts and upgrades. Created if missing (DirectoryOrCreate).
   *
   * @default - /var/lib/<flavor>-state/<namespace>/<name>
   */
  readonly stateHostPath?: string;

  /**
   * Also mount /var/lib/docker/containers (read-only): only for nodes that run Docker Engine
   * through cri-dockerd, whose files in /var/log/pods are symlinks into that directory.
   * containerd and CRI-O write the logs into /var/log/pods itself.
   *
   * @default false
   */
  readonly mountDockerLogs?: boolean;

  /**
   * Namespaces whose container logs are never read (e.g. a noisy load test, or the namespace of
   * the log backend itself). Excluded by file name, so the agent does not even open the files.
   *
   * @default - every namespace is shipped (the agent's own log files are always skipped)
   */
  readonly excludeNamespaces?: string[];

  /**
   * Processing steps added to the generated configuration after the Kubernetes metadata and
   * before the output (`LogFilter.addFields`, `LogFilter.custom`), in order. Not allowed
   * together with `configOverride`.
   *
   * @default - none
   */
  readonly filters?: LogFilter[];

  /**
   * Serve the agent's Prometheus metrics on a container port named `metrics`: Fluent Bit's HTTP
   * server (2020, `/api/v2/metrics/prometheus`, the same server as the probes), Fluentd's
   * `prometheus` input (24231, `/metrics`; the image must have fluent-plugin-prometheus, as both
   * default images do: a Fluentd image of your own needs it too, or `serveMetrics: false`).
   * Filebeat serves its metrics as JSON at `/stats` on its HTTP endpoint (port `http`, 5066),
   * not in the Prometheus format, so `true` is rejected for Filebeat. To have Prometheus scrape
   * the port, add `metrics: AgentMetrics.podMonitor(...)`.
   *
   * @default - true for Fluent Bit and Fluentd, false for Filebeat
   */
  readonly serveMetrics?: boolean;

  // ---- The core DaemonSet's props (DaemonSetOptions), with this preset's defaults.

  /**
   * The name of the DaemonSet and of the objects made for it (ServiceAccount, ClusterRole,
   * ClusterRoleBinding). A DNS-1123 label, stable across runs.
   *
   * @default - the construct id as a DNS-1123 label ("NodeExporter" becomes "nodeexporter")
   */
  readonly name?: string;

  /**
   * The namespace of the DaemonSet and its ServiceAccount. Always written out, so that RBAC
   * subjects are complete and the manifest means the same whatever kubectl's context.
   *
   * @default - the chart's namespace, or "default"
   */
  readonly namespace?: string;

  /**
   * Labels added to every object and to the pods (they win over the defaults). The selector is
   * always `app.kubernetes.io/name` and `app.kubernetes.io/instance`, so that it never changes
   * when other labels do (a DaemonSet's selector is immutable).
   *
   * @default - app.kubernetes.io/name and instance (the name), component (if set),
   * version (the image tag) and managed-by (cdk8s)
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the DaemonSet object.
   *
   * @default - none (plus kubernetes.io/change-cause when `changeCause` is set)
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Pod annotations, merged over the preset's (your keys win).
   *
   * @default - checksum/config: the SHA-256 of the ConfigMap as synthesized, so a configuration
   * change rolls the pods
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * The `app.kubernetes.io/component` label.
   *
   * @default "logging"
   */
  readonly component?: string;

  /**
   * The main container's name.
   *
   * @default - the DaemonSet's name
   */
  readonly containerName?: string;

  /**
   * The taints the agent tolerates. The default, every taint, is what kube-prometheus's node
   * exporter, kube-proxy, Calico, Cilium and the EBS CSI node plugin do: an agent that is missing
   * from a tainted node fails silently (no logs, no metrics). Pass `[]` to tolerate none, or a
   * narrower list such as `Toleration.controlPlane()`.
   *
   * @default [Toleration.all()]
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
   * @default - no affinity
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
   * @default - with the default image: Fluent Bit linux/amd64, linux/arm64, linux/arm/v7 (the
   * project's build matrix); Fluentd linux/amd64, linux/arm64 (the multi-arch tags of
   * fluentd-kubernetes-daemonset). Not declared for Filebeat or an image of your own.
   */
  readonly imagePlatforms?: string[];

  /**
   * The update strategy. A surge is rejected: a second agent on the node would tail the same
   * files with the same read positions (and Fluent Bit's DB is locked by the first one).
   *
   * @default UpdateStrategy.rollingUpdate() (maxUnavailable 1, maxSurge 0)
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
   */
  readonly priorityClassName?: string;

  /**
   * Use the node's network namespace. Also sets `dnsPolicy: ClusterFirstWithHostNet` so that
   * cluster DNS still resolves.
   *
   * @default false
   */
  readonly hostNetwork?: boolean;

  /**
   * Share the node's process namespace (the agent sees every process on the node).
   *
   * @default false
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
   */
  readonly dnsPolicy?: kplus.DnsPolicy;

  /**
   * Seconds between SIGTERM and SIGKILL. The agent is told to finish flushing 5 s earlier
   * (Fluent Bit `Grace`, Filebeat `filebeat.shutdown_timeout`; Fluentd flushes its buffers at
   * shutdown with `flush_at_shutdown`).
   *
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Containers that run to completion before the agent starts: the place for privileged setup
   * work, so that the long-running container stays unprivileged. Same safe defaults as the main
   * container.
   *
   * @default - none
   */
  readonly initContainers?: AgentContainer[];

  /**
   * More long-running containers next to the agent (e.g. a registrar or a config reloader).
   * Same safe defaults as the main container.
   *
   * @default - none
   */
  readonly sidecars?: AgentContainer[];

  /**
   * Pod volumes, added after the preset's.
   *
   * @default - the preset's only: the ConfigMap "config", an emptyDir "tmp" (64Mi), and the
   * output's Secrets with files ("output-ca", "output-token") when it has them
   */
  readonly volumes?: AgentVolume[];

  /**
   * API permissions of the agent's ServiceAccount (a ClusterRole). They replace the preset's.
   *
   * @default - exactly what the flavor's metadata enrichment reads: Fluent Bit pods get;
   * Fluentd pods and namespaces get, list, watch; Filebeat pods, nodes and namespaces get, list,
   * watch
   */
  readonly rbacRules?: k8s.PolicyRule[];

  /**
   * Use an existing ServiceAccount instead of creating one.
   *
   * @default - a ServiceAccount named after the DaemonSet is created
   */
  readonly serviceAccountName?: string;

  /**
   * Mount the service-account token into the pods. The agent reads pod (and namespace, node)
   * metadata from the API server with it.
   *
   * @default true
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * The pod's `fsGroup`: the group that owns the files of its Secret, ConfigMap and emptyDir
   * volumes, added to every container's groups. The kubelet never applies it to host paths.
   *
   * @default - none: the agent runs as root, which reads its ConfigMap and Secrets as their owner
   * (a non-root sidecar that mounts them gets its own group, as in the core)
   */
  readonly fsGroup?: number;

  /**
   * Why this version is rolled out, shown by `kubectl rollout history`
   * (the `kubernetes.io/change-cause` annotation).
   *
   * @default - none
   */
  readonly changeCause?: string;

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
   */
  readonly namespacedRbacRules?: k8s.PolicyRule[];

  /**
   * A prometheus-operator `PodMonitor` or `ServiceMonitor` (with its headless Service) so that
   * Prometheus scrapes the agent's `metrics` port (see `serveMetrics`). Fluent Bit serves the
   * Prometheus format at `/api/v2/metrics/prometheus`, so pass that `path`
   * (`AgentMetrics.podMonitor({ path: '/api/v2/metrics/prometheus' })`); Fluentd's default
   * `/metrics` fits. Not for Filebeat (no Prometheus endpoint). Needs the prometheus-operator CRDs.
   *
   * @default - no monitor
   */
  readonly metrics?: AgentMetrics;

  /**
   * When the kubelet pulls the image. A pinned tag or digest does not change, so it need not
   * be pulled again on every start (which would make every node depend on the registry).
   *
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * The entrypoint.
   *
   * @default - Fluent Bit: ["/fluent-bit/bin/fluent-bit"]; Fluentd and Filebeat: the image's
   * ENTRYPOINT (Fluentd's /fluentd/entrypoint.sh reads FLUENTD_CONF)
   */
  readonly command?: string[];

  /**
   * Arguments to the entrypoint. They name the generated configuration file: replace them only
   * together with the configuration.
   *
   * @default - Fluent Bit: ["--workdir=/fluent-bit/etc", "--config=/fluent-bit/etc/conf/fluent-bit.conf"];
   * Fluentd: none (the image's); Filebeat: ["-c", "/etc/filebeat/filebeat.yml", "-e"]
   */
  readonly args?: string[];

  /**
   * Environment variables, merged over the preset's (your names win).
   *
   * @default - NODE_NAME; Fluentd FLUENTD_CONF and K8S_NODE_NAME; the output's secrets
   * (LOG_OUTPUT_USERNAME, LOG_OUTPUT_PASSWORD, LOG_OUTPUT_API_KEY, LOG_OUTPUT_BEARER_TOKEN, and
   * a custom output's `secretEnv`) from their Secrets
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Ports the agent listens on, added after the preset's.
   *
   * @default - Fluent Bit: 2020 named "metrics" ("http" with `serveMetrics: false`); Fluentd: 24220
   * "http" (monitor_agent) and 24231 "metrics"; Filebeat: 5066 "http"
   */
  readonly ports?: AgentPort[];

  /**
   * Host paths mounted into the agent, added after the preset's.
   *
   * @default - the preset's only: /var/log read-only, `stateHostPath` read-write (and
   * /var/lib/docker/containers read-only with `mountDockerLogs`)
   */
  readonly hostMounts?: HostMount[];

  /**
   * Volume mounts, added after the preset's.
   *
   * @default - the preset's only: the configuration read-only (/fluent-bit/etc/conf,
   * /fluentd/etc or /etc/filebeat), /tmp, and /etc/log-output/ca and /etc/log-output/token
   * read-only when the output has them
   */
  readonly volumeMounts?: AgentVolumeMount[];

  /**
   * CPU and memory of the agent. Merged per resource: a CPU-only value keeps the preset's memory
   * request and limit. No CPU limit (throttling delays shipping; the request reserves the share).
   *
   * @default - per flavor: Fluent Bit cpu 50m, memory 64Mi (limit 128Mi); Fluentd cpu 100m,
   * memory 256Mi (limit 512Mi: Ruby plus plugins and buffers); Filebeat cpu 100m, memory 128Mi
   * (limit 256Mi)
   */
  readonly resources?: ContainerResources;

  /**
   * Liveness probe.
   *
   * @default - Fluent Bit: GET / on 2020; Fluentd: GET /api/plugins.json on 24220; Filebeat:
   * GET / on 5066 (every 10 s, timeout 5 s, 3 failures)
   */
  readonly liveness?: Probe;

  /**
   * Readiness probe (a rolling update waits for it).
   *
   * @default - Fluent Bit: GET /api/v1/health on 2020 (fails after repeated output errors);
   * Fluentd: GET /api/plugins.json on 24220; Filebeat: GET / on 5066
   */
  readonly readiness?: Probe;

  /**
   * Startup probe.
   *
   * @default - Fluentd: GET /api/plugins.json on 24220, every 5 s, up to 24 failures (2 min for
   * Ruby and its plugins); none for Fluent Bit and Filebeat
   */
  readonly startup?: Probe;

  /**
   * Run the container privileged: every capability and every host device. Prefer
   * `addCapabilities`; put privileged setup work in an init container.
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Linux capabilities added after dropping ALL.
   *
   * @default - none
   */
  readonly addCapabilities?: Capability[];

  /**
   * The user ID the agent runs as. The container runtimes write the log files as root with mode
   * 0640 (0600 on CRI-O) and the kubelet creates the state directory as root 0755, so only root
   * (without any capability) can read the logs and keep the read positions; a non-root user
   * cannot be given CAP_DAC_READ_SEARCH (added capabilities are not ambient).
   *
   * @default 0
   */
  readonly runAsUser?: number;

  /**
   * The group ID the agent runs as.
   *
   * @default 0
   */
  readonly runAsGroup?: number;

  /**
   * Make the kubelet refuse to start the container as root. The agent runs as root (see
   * `runAsUser`).
   *
   * @default false
   */
  readonly runAsNonRoot?: boolean;

  /**
   * Mount the container's root filesystem read-only (write to volumes instead).
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Whether a process may gain more privileges than its parent (setuid binaries).
   *
   * @default - false, unless `privileged` or CAP_SYS_ADMIN make it impossible
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * The seccomp profile.
   *
   * @default - RuntimeDefault
   */
  readonly seccompProfile?: SeccompProfile;

  /**
   * The working directory.
   *
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;

  /**
   * Every key of a ConfigMap or Secret as environment variables
   * (`Env.fromConfigMap(ConfigMap.fromConfigMapName(...), 'PREFIX_')`, `Env.fromSecret(...)`).
   * A key in `env` wins over the same key here; a later source wins over an earlier one.
   *
   * @default - none
   */
  readonly envFrom?: EnvFrom[];

  /**
   * Commands or requests the kubelet runs right after the container starts (`postStart`) and
   * before it stops (`preStop`, e.g. to drain or flush before SIGTERM; it counts against
   * `terminationGracePeriodSeconds`). An HTTP or TCP handler must name one of the container's
   * `ports` (cdk8s-plus would otherwise aim it at port 80). Not allowed in an init container
   * unless it is a native sidecar (`restartPolicy: ContainerRestartPolicy.ALWAYS`).
   *
   * @default - no lifecycle hooks
   */
  readonly lifecycle?: ContainerLifecycle;
}

/** The pod annotation holding the checksum of the configuration. */
const CHECKSUM_ANNOTATION = 'checksum/config';

/**
 * A log collector on every node: Fluent Bit (default), Fluentd or Filebeat, with a working
 * configuration that tails the node's container logs, adds Kubernetes metadata and ships them to
 * a typed `LogOutput`.
 *
 * Creates a `DaemonSet` (with its ServiceAccount, a ClusterRole with exactly the read access the
 * flavor's metadata enrichment uses, and the binding) and a ConfigMap `<name>-config` with the
 * configuration. A checksum of the ConfigMap's data is the pod annotation `checksum/config`, so
 * any configuration change rolls the pods (as the fluent-bit chart does); it is computed at synth
 * from the rendered ConfigMap, so data added or patched after construction counts too.
 *
 * Host access, and why:
 * - `/var/log` read-only (hostPath Directory): `/var/log/containers/*.log` are symlinks into
 *   `/var/log/pods`, where containerd and CRI-O write the logs. The anchors mount `/var/log`
 *   read-write (fluent-bit chart, fluentd-kubernetes-daemonset) because they keep their state
 *   there; this preset keeps state apart, so the agent cannot change any log file.
 * - `/var/lib/docker/containers` read-only only with `mountDockerLogs` (Docker Engine through
 *   cri-dockerd). The anchors mount it always, which blocks pods where it does not exist
 *   (type Directory) or creates it (no type).
 * - a read-write state directory, `stateHostPath` (DirectoryOrCreate, like Filebeat's
 *   `/var/lib/filebeat-data`), so read positions survive restarts: no re-shipping, no gaps.
 *   Its default path is `/var/lib/<flavor>-state/<namespace>/<name>`, so two agents never share
 *   it. (Earlier versions used `<namespace>-<name>`, which collided; agents upgraded from it start
 *   with no read positions and ship the logs still on the node once more.)
 * - the ConfigMap read-only, and an emptyDir at /tmp (64Mi) as the only other writable place:
 *   the root filesystem is read-only.
 *
 * Security: runs as root (UID 0) with every capability dropped, no privilege escalation, not
 * privileged, read-only root filesystem, RuntimeDefault seccomp. Root because the container
 * runtimes write the log files as root with mode 0640 (0600 on CRI-O) and the kubelet creates
 * the state directory as root 0755: UID 0 reads and writes them as their owner, so no
 * capability is needed. A non-root user would need CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE,
 * which Kubernetes cannot give a non-root process (added capabilities are not ambient). The
 * anchors run as root too, but with the runtime's default capabilities (DAC_OVERRIDE, CHOWN,
 * SETUID ...) and a writable root filesystem (the fluent-bit chart sets no securityContext).
 * On SELinux-enforcing nodes the container additionally needs a label that may read host logs.
 *
 * Scheduling: tolerates every taint (`Toleration.all()`, the core default), so no node is left
 * without logs: tainted GPU, spot or control-plane nodes included. fluentd-kubernetes-daemonset
 * tolerates only the control-plane taints, the fluent-bit chart and Filebeat none, so all three
 * miss every tainted node. `all()` also covers NoExecute, so the agent stays on a node that is
 * being drained by taints and ships the last logs of the evicted pods; the only other effect it
 * adds over NoSchedule + NoExecute is PreferNoSchedule, which does not affect a DaemonSet pod.
 * No priority class by default (like the fluent-bit chart): a log agent is not needed for the
 * node to work, and some providers limit `system-node-critical` outside kube-system by quota;
 * set `priorityClassName` so that the agent can preempt pods on full nodes.
 *
 * Pod: a 30 s termination grace period, and the agent is told to finish flushing 5 s before it
 * (Fluent Bit `Grace`, Filebeat `shutdown_timeout`; Fluentd flushes its buffers at shutdown).
 * HTTP probes: Fluent Bit's HTTP server on 2020 (liveness `/`, readiness `/api/v1/health`, which
 * fails after repeated output errors, so a rollout with a broken output stops at the first
 * node), Fluentd's monitor_agent on 24220 (`/api/plugins.json`, with a startup probe for Ruby's
 * slow start), Filebeat's HTTP endpoint on 5066 (`/`). Metrics for Prometheus on the container
 * port named `metrics`: Fluent Bit's 2020 (`/api/v2/metrics/prometheus`), Fluentd's prometheus
 * input on 24231 (`/metrics`); Filebeat has none (JSON at `/stats`). Resources per flavor: Fluent Bit 50m /
 * 64Mi (limit 128Mi), Fluentd 100m / 256Mi (limit 512Mi), Filebeat 100m / 128Mi (limit 256Mi);
 * no CPU limit. The agent reaches the API server with its token (for the metadata) and needs
 * no host network. Rollouts replace one node at a time (the core default); a surge is rejected,
 * because two agents on one node would share the read positions.
 *
 * Overrides: props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's; `env`, `labels`,
 * `annotations` and `podAnnotations` are merged (your keys win, e.g. over the output's
 * LOG_OUTPUT_* variables, Fluentd's FLUENTD_CONF and K8S_NODE_NAME, or `checksum/config`);
 * `resources` are merged per resource; any other prop replaces the preset's value.
 *
 * Every default with its reason, the Pod Security level and the upstream source of every flag,
 * key, mount, port and permission: docs/presets/log-agent.md.
 *
 * @example
 * new LogAgent(chart, 'logs', {
 *   output: LogOutput.elasticsearch({ host: 'elasticsearch-master.logging.svc', tls: true }),
 * });
 */
export class LogAgent extends Construct {
  /** The collector running. */
  public readonly flavor: LogFlavor;
  /** The output the generated configuration ships to (undefined with `configOverride`). */
  public readonly output?: LogOutput;
  /** The image chosen. */
  public readonly image: string;
  /** The host directory with the read positions. */
  public readonly stateHostPath: string;
  /** Whether the agent serves Prometheus metrics on the container port named `metrics`. */
  public readonly serveMetrics: boolean;
  /** The ConfigMap with the configuration files. */
  public readonly configMap: kplus.ConfigMap;
  /** The agent's DaemonSet (with its ServiceAccount and RBAC). */
  public readonly daemonSet: DaemonSet;

  constructor(scope: Construct, id: string, props: LogAgentProps = {}) {
    super(scope, id);
    props = checkConstructProps(this, props);
    const { flavor, image, output, configOverride, stateHostPath, mountDockerLogs, excludeNamespaces, filters, serveMetrics, ...coreProps } = props;
    const preset = new PresetScope(this, id, coreProps);
    const problems = preset.problems;

    this.flavor = flavor ?? LogFlavor.FLUENT_BIT;
    if (!Object.values(LogFlavor).includes(this.flavor)) {
      problems.add('flavor', this.flavor, `expected one of ${Object.values(LogFlavor).join(', ')} (LogFlavor)`);
      problems.throwIfAny();
    }
    const profile = profileOf(this.flavor);

    if (configOverride !== undefined) {
      if (output !== undefined) {
        problems.add('output', output.type, 'configOverride replaces the generated configuration, output included; remove one of them');
      }
      checkOverride(configOverride, profile.mainConfigFile, problems);
    } else {
      this.output = output ?? LogOutput.stdout();
      for (const [field, value, allowed] of this.output._problems()) {
        problems.add(`output.${field}`, value, allowed);
      }
      const supported = [LogOutputType.ELASTICSEARCH, LogOutputType.STDOUT, LogOutputType.CUSTOM];
      if (this.flavor === LogFlavor.FILEBEAT && !supported.includes(this.output.type)) {
        problems.add('output', this.output.type, 'Filebeat ships to Elasticsearch or stdout only (it has no Loki or OTLP output and refuses non-Elastic servers); use LogFlavor.FLUENT_BIT, or LogOutput.custom for another Filebeat output');
      }
      if (this.flavor === LogFlavor.FLUENTD && this.output.type === LogOutputType.OTLP) {
        problems.add('output', this.output.type, 'the fluentd-kubernetes-daemonset images have no OpenTelemetry output plugin; use LogFlavor.FLUENT_BIT, or LogOutput.custom with an image that has fluent-plugin-opentelemetry');
      }
      if (this.output.type === LogOutputType.CUSTOM) {
        checkCustom(this.flavor, this.output._custom ?? {}, 'output', problems);
      }
    }
    // Types (a LogOutput, a list of LogFilter, booleans ...) are checked by checkConstructProps.
    if (configOverride !== undefined && (filters ?? []).length > 0) {
      problems.add('filters', filters!.map((f) => f.type), 'configOverride replaces the generated configuration, filters included; write them into it');
    }
    (filters ?? []).forEach((f, i) => {
      for (const [field, value, allowed] of f._problems()) {
        problems.add(`filters[${i}].${field}`, value, allowed);
      }
      if (f._problems().length === 0 && f.type === LogFilterType.CUSTOM) {
        checkCustom(this.flavor, f._custom, `filters[${i}]`, problems);
      }
    });
    (excludeNamespaces ?? []).forEach((ns, i) => problems.check(`excludeNamespaces[${i}]`, ns, rules.dns1123Label(ns)));
    if (configOverride !== undefined && (excludeNamespaces ?? []).length > 0) {
      problems.add('excludeNamespaces', excludeNamespaces, 'configOverride replaces the generated configuration; exclude the namespaces in it');
    }
    const profileMetrics = profile.metricsPort !== undefined;
    if (serveMetrics === true && !profileMetrics) {
      problems.add('serveMetrics', serveMetrics, 'Filebeat serves its metrics as JSON at /stats on port 5066 (port "http"), not in the Prometheus format; scrape it with an exporter, or use LogFlavor.FLUENT_BIT');
    }
    this.serveMetrics = serveMetrics ?? profileMetrics;
    // The core's monitor scrapes a port by name and a path: check them against this agent.
    const monitor = coreProps.metrics;
    if (monitor !== undefined && !this.serveMetrics) {
      problems.add('metrics', monitor.kind, this.flavor === LogFlavor.FILEBEAT
        ? 'Filebeat has no Prometheus endpoint (its HTTP endpoint serves JSON at /stats); scrape it with an exporter, or use LogFlavor.FLUENT_BIT'
        : 'the agent serves no metrics with `serveMetrics: false`; remove one of them');
    } else if (monitor !== undefined && monitor.port === 'metrics' && monitor.path !== profile.metricsPath) {
      problems.add('metrics.path', monitor.path, `${this.flavor} serves Prometheus metrics at ${profile.metricsPath}; pass \`path: '${profile.metricsPath}'\``);
    }
    this.image = image ?? defaultImage(this.flavor, this.output?.type) ?? '';
    if (image === undefined && this.image === '') {
      problems.add('image', undefined, 'no published fluentd-kubernetes-daemonset image has the Loki plugin; pass an image with fluent-plugin-grafana-loki and fluent-plugin-kubernetes_metadata_filter, or use LogFlavor.FLUENT_BIT');
    }

    // The names the core will use: the ConfigMap's name goes into the pod's volumes, and the
    // agent skips its own log files by pod and container name.
    const { name, namespace, containerName } = preset;
    const grace = preset.terminationGracePeriodSeconds;

    // One directory per namespace, then per name: neither may contain "/", so two agents never
    // share one (with "<ns>-<name>", namespace c + name a-b and namespace c-a + name b did).
    this.stateHostPath = stateHostPath ?? `/var/lib/${this.flavor}-state/${namespace}/${name}`;
    problems.check('stateHostPath', this.stateHostPath, rules.absoluteHostPath(this.stateHostPath)
      ?? (this.stateHostPath.replace(/\/+$/, '') === '' ? 'expected a dedicated directory, not "/"' : undefined));
    // A surge pod would run beside the old one on the same node, both tailing the same files
    // with the same read positions (duplicates, and Fluent Bit's DB is locked by the old pod).
    const surge = coreProps.updateStrategy?.maxSurge;
    if (surge !== undefined && !surge.isZero()) {
      problems.add('updateStrategy.maxSurge', surge.toString(), 'two agents on one node would share the state directory (read positions); roll with maxUnavailable instead');
    }

    // With bad props there is nothing to render; the core adds its own problems and one error
    // lists them all (createDaemonSet throws).
    const files = problems.count > 0 ? {} : configOverride ?? renderLogConfig({
      profile,
      output: this.output!,
      name,
      namespace,
      containerName,
      flushSeconds: Number.isInteger(grace) && grace > 5 ? grace - 5 : 1,
      excludeNamespaces: [...new Set(excludeNamespaces ?? [])],
      filters: filters ?? [],
      metrics: this.serveMetrics,
    });
    const data = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
    const configMapName = `${name}-config`;

    // Environment the configuration relies on (the user's `env` is merged over it). Secrets
    // reach the agent only as environment variables or mounted files, never in the ConfigMap.
    const requiredEnv: { [name: string]: EnvValue } = { ...profile.env };
    const secrets = new Map<string, kplus.ISecret>();
    const fromSecret = (ref: LogSecretKey) => {
      if (!secrets.has(ref.name)) {
        secrets.set(ref.name, kplus.Secret.fromSecretName(this, secrets.size === 0 ? 'OutputCredentials' : `OutputSecret${secrets.size}`, ref.name));
      }
      return EnvValue.fromSecretValue({ secret: secrets.get(ref.name)!, key: ref.key });
    };
    const out = this.output;
    if (out?.credentialsSecret !== undefined) {
      requiredEnv[USERNAME_ENV] = fromSecret({ name: out.credentialsSecret, key: 'username' });
      requiredEnv[PASSWORD_ENV] = fromSecret({ name: out.credentialsSecret, key: 'password' });
    }
    if (out?.apiKey !== undefined) {
      requiredEnv[API_KEY_ENV] = fromSecret(out.apiKey);
    }
    // Fluentd's Loki plugin reads the token from a file only (bearer_token_file).
    const tokenAsFile = out?.bearerToken !== undefined && this.flavor === LogFlavor.FLUENTD;
    if (out?.bearerToken !== undefined && !tokenAsFile) {
      requiredEnv[BEARER_TOKEN_ENV] = fromSecret(out.bearerToken);
    }
    for (const [envName, ref] of Object.entries(out?.secretEnv ?? {})) {
      requiredEnv[envName] = fromSecret(ref);
    }
    const secretVolumes: AgentVolume[] = [];
    const secretMounts: AgentVolumeMount[] = [];
    if (out?.caBundle !== undefined) {
      secretVolumes.push(AgentVolume.fromSecret('output-ca', out.caBundle.name, { items: { [out.caBundle.key]: 'ca.crt' } }));
      secretMounts.push({ volumeName: 'output-ca', mountPath: CA_DIRECTORY, readOnly: true });
    }
    if (tokenAsFile) {
      secretVolumes.push(AgentVolume.fromSecret('output-token', out!.bearerToken!.name, { items: { [out!.bearerToken!.key]: 'token' } }));
      secretMounts.push({ volumeName: 'output-token', mountPath: TOKEN_DIRECTORY, readOnly: true });
    }
    const ports = [{ containerPort: profile.httpPort, name: this.serveMetrics && profile.metricsPort === profile.httpPort ? 'metrics' : 'http' }];
    if (this.serveMetrics && profile.metricsPort !== profile.httpPort) {
      ports.push({ containerPort: profile.metricsPort!, name: 'metrics' });
    }

    const presetDefaults: DaemonSetProps = {
      image: this.image,
      component: 'logging',
      command: profile.command,
      args: profile.args,
      env: requiredEnv,
      ports,
      liveness: profile.liveness,
      readiness: profile.readiness,
      startup: profile.startup,
      resources: profile.resources,
      // Root without capabilities: the log files and the state directory belong to root
      // (see the class doc). Everything else stays locked down.
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      hostMounts: [
        HostMount.readOnly('/var/log'),
        // Writable, but a dedicated directory: read positions only. Exclusive (not `shared`):
        // the core reports two agents of one app that could write it on one node.
        HostMount.readWrite(this.stateHostPath, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, mountPath: profile.stateDirectory, volumeName: 'state' }),
        ...(mountDockerLogs ? [HostMount.readOnly('/var/lib/docker/containers')] : []),
      ],
      volumes: [
        AgentVolume.fromConfigMap('config', configMapName),
        AgentVolume.fromEmptyDir('tmp', { sizeLimit: Size.mebibytes(64) }),
        ...secretVolumes,
      ],
      volumeMounts: [
        { volumeName: 'config', mountPath: profile.configDirectory, readOnly: true },
        { volumeName: 'tmp', mountPath: '/tmp', readOnly: false },
        ...secretMounts,
      ],
      rbacRules: profile.rbacRules,
      tolerations: [Toleration.all()],
      // Only for the image the preset chose; another image may be built for other platforms.
      imagePlatforms: image === undefined ? profile.imagePlatforms : undefined,
    };
    this.daemonSet = preset.createDaemonSet(preset.merge(presetDefaults, coreProps));

    this.configMap = new kplus.ConfigMap(this, 'ConfigMap', {
      metadata: { name: configMapName, namespace: this.daemonSet.namespace, labels: this.daemonSet.labels },
      data,
    });

    // Any configuration change rolls the pods: the checksum is computed at synth from the
    // ConfigMap as it is rendered, so data added later (`configMap.addData`) or patched into the
    // object (`ApiObject.of(configMap).addJsonPatch`) changes it too. A value the user sets in
    // `podAnnotations` wins.
    if (coreProps.podAnnotations?.[CHECKSUM_ANNOTATION] === undefined) {
      this.daemonSet.workload.podMetadata.addAnnotation(CHECKSUM_ANNOTATION, Lazy.any({ produce: () => this.configChecksum }));
    }
  }

  /**
   * The SHA-256 of the ConfigMap's rendered `data` (and `binaryData`, if any), as hex: the pods'
   * `checksum/config` annotation. Read at synth, it includes changes made after construction.
   */
  public get configChecksum(): string {
    const rendered = ApiObject.of(this.configMap).toJson();
    const sorted = (m: { [key: string]: string } = {}) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
    const content = rendered.binaryData === undefined ? sorted(rendered.data)
      : { binaryData: sorted(rendered.binaryData), data: sorted(rendered.data) };
    return createHash('sha256').update(JSON.stringify(content)).digest('hex');
  }
}

/** A custom output or filter must have text for the flavor, in a shape that stays inside its section. */
function checkCustom(flavor: LogFlavor, custom: { fluentBit?: string; fluentd?: string; filebeat?: string }, prop: string, problems: Problems): void {
  const key = ({ [LogFlavor.FLUENT_BIT]: 'fluentBit', [LogFlavor.FLUENTD]: 'fluentd', [LogFlavor.FILEBEAT]: 'filebeat' } as const)[flavor];
  const text = custom[key];
  if (text === undefined) {
    const given = Object.entries(custom).filter(([, t]) => t !== undefined).map(([k]) => k);
    problems.add(`${prop}.${key}`, undefined, `the agent runs ${flavor}, and the custom ${prop === 'output' ? 'output' : 'filter'} has text for ${given.join(', ') || 'no flavor'} only; add \`${key}\``);
    return;
  }
  if (typeof text === 'string') {
    problems.check(`${prop}.${key}`, text, customTextProblem(flavor, text, prop === 'output' ? 'output' : 'filter'));
  }
}

/** ConfigMap keys (IsConfigMapKey), and the file the agent is started with. */
function checkOverride(files: { [fileName: string]: string }, mainFile: string, problems: Problems): void {
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    problems.add('configOverride', files, 'expected an object of file name to content');
    return;
  }
  for (const [file, content] of Object.entries(files)) {
    if (file.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(file) || file === '.' || file === '..') {
      problems.add(`configOverride.${file}`, file, 'expected a file name of at most 253 letters, digits, "-", "_" and "." (a ConfigMap key)');
    }
    if (typeof content !== 'string') {
      problems.add(`configOverride.${file}`, content, 'expected the file content as a string');
    }
  }
  if (!(mainFile in files)) {
    problems.add('configOverride', Object.keys(files), `expected the file the agent is started with, "${mainFile}"`);
  }
}
