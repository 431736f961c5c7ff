import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EnvValue, HostPathVolumeType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { API_KEY_ENV, BEARER_TOKEN_ENV, CA_DIRECTORY, customTextProblem, PASSWORD_ENV, renderLogConfig, TOKEN_DIRECTORY, USERNAME_ENV } from './log-agent-config';
import { CustomTextKey, defaultImage, LOGSTASH_MIN_HEAP_MIB, LogFlavorProfile, otherFlavorOfImage, profileOf } from './log-agent-profile';
import { LogFilter, LogFilterType } from './log-filter';
import { LogFlavor } from './log-flavor';
import { LogOutput, LogOutputType, LogSecretKey } from './log-output';
import { AgentVolumeMount } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { imagePlatformsOf } from '../private/image-platforms';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { Toleration } from '../toleration';
import { ValidationProblems } from '../validation-problems';

/**
 * Props of a `LogAgent`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/log-agent.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface LogAgentProps extends DaemonSetOptions {
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
   * docker.elastic.co/beats/filebeat:8.17.4; docker.elastic.co/logstash/logstash:8.17.4;
   * otel/opentelemetry-collector-contrib:0.158.0
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
   * (Fluent Bit, mounted in /fluent-bit/etc/conf), `fluent.conf` (Fluentd, in /fluentd/etc),
   * `filebeat.yml` (Filebeat, in /etc/filebeat), `logstash.conf` and `logstash.yml` (Logstash:
   * the pipeline alone in /usr/share/logstash/pipeline, the settings at
   * /usr/share/logstash/config/logstash.yml) or `relay.yaml` (the OpenTelemetry Collector, in /conf). The mounts stay the same: host logs under
   * /var/log (read-only), state in /fluent-bit/state, /fluentd/state or
   * /usr/share/filebeat/data (read-write), scratch space in /tmp. The checksum annotation
   * follows the files, so a change rolls the pods.
   *
   * @default - the generated configuration of the flavor and output
   */
  readonly configOverride?: { [fileName: string]: string };

  /**
   * The host directory that keeps the read positions (Fluent Bit's tail DB, Fluentd's pos file,
   * Filebeat's registry, Logstash's sincedb and path.data, the collector's file_storage) across
   * restarts and upgrades. Created if missing (DirectoryOrCreate).
   *
   * @default - /var/lib/<flavor>-state/<namespace>/<name>
   */
  readonly stateHostPath?: string;

  /**
   * Also mount /var/lib/docker/containers (read-only): only for nodes that run Docker Engine
   * through cri-dockerd, whose files in /var/log/pods are symlinks into that directory.
   * containerd and CRI-O write the logs into /var/log/pods itself. Mounted as
   * `DirectoryOrCreate`, so that the pod also starts on the containerd nodes of a mixed fleet.
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
   * @default - true for Fluent Bit, Fluentd and the OpenTelemetry Collector, false for Filebeat and Logstash
   */
  readonly serveMetrics?: boolean;

  /**
   * Logstash only: the JVM heap, passed as `-Xms` and `-Xmx` in `LS_JAVA_OPTS`. The container's
   * memory request and limit are twice the heap (direct buffers, metaspace, JRuby's code and
   * thread stacks live beside it), unless `resources` says otherwise. Whole MiB, at least 256Mi.
   *
   * @default Size.mebibytes(512) - a 1Gi container
   */
  readonly jvmHeap?: Size;

  /**
   * OpenTelemetry Collector only: also collect the node's, pods' and containers' metrics from the
   * kubelet (the `kubeletstats` receiver on the node's port 10250, with `nodes/stats` read access),
   * into a metrics pipeline to the same output.
   *
   * @default false
   */
  readonly kubeletMetrics?: boolean;

  /**
   * OpenTelemetry Collector only: also collect the node's CPU, load, memory, disk, filesystem and
   * network metrics (the `hostmetrics` receiver), with the node's `/` mounted read-only at /hostfs
   * (HostToContainer), into a metrics pipeline to the same output.
   *
   * @default false
   */
  readonly hostMetrics?: boolean;
}

/**
 * A log collector on every node: Fluent Bit (default), Fluentd, Filebeat, Logstash or the
 * OpenTelemetry Collector (contrib, optionally also a node metrics agent), with a working
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
 * **Defaults it changes**
 *
 * The core's props (`DaemonSetOptions`) this preset gives a default of its own; every other core
 * prop keeps the core's default. Your props win by the merge rule (`DaemonSet.mergeOptions`,
 * docs/merge-rule.md): lists are added to the preset's, maps and `resources` merged, anything else
 * replaces the preset's value.
 *
 * | Prop | Default in this preset | Why |
 * |---|---|---|
 * | `component` | `"logging"` |  |
 * | `podAnnotations` | "checksum/config": the SHA-256 of the ConfigMap as synthesized, so that a configuration change rolls the pods |  |
 * | `imagePlatforms` | with the default image: Fluent Bit linux/amd64, linux/arm64, linux/arm/v7 (the project's build matrix); Fluentd linux/amd64, linux/arm64 (the multi-arch tags of fluentd-kubernetes-daemonset). Not declared for Filebeat, Logstash and the OpenTelemetry Collector (not verified here), nor when a container runs an image of your own. |  |
 * | `updateStrategy` | the core's (see why) | A surge is rejected: a second agent on the node would tail the same files with the same read positions (and Fluent Bit's DB is locked by the first one). |
 * | `terminationGracePeriodSeconds` | the core's (see why) | The agent is told to finish flushing 5 s before SIGKILL (Fluent Bit `Grace`, Filebeat `filebeat.shutdown_timeout`; Fluentd flushes its buffers at shutdown with `flush_at_shutdown`; Logstash and the collector drain their pipelines on SIGTERM, their positions in the state directory). |
 * | `volumes` | the preset's: the ConfigMap "config" (Logstash: its pipeline only, and "settings" with logstash.yml), an emptyDir "tmp" (64Mi), and the output's Secrets with files ("output-ca", "output-token") when it has them |  |
 * | `rbacRules` | exactly what the flavor's metadata enrichment reads: Fluent Bit pods get; Fluentd pods and namespaces get, list, watch; Filebeat pods, nodes and namespaces get, list, watch; Logstash none (metadata from the file names); the OpenTelemetry Collector pods, namespaces and apps/replicasets get, list, watch (and nodes/stats with `kubeletMetrics`) |  |
 * | `automountServiceAccountToken` | `true` | The agent reads pod (and namespace, node) metadata from the API server with it (Logstash: `false`, it has no API access). |
 * | `fsGroup` | none: the agent runs as root, which reads its ConfigMap and Secrets as their owner (a non-root sidecar that mounts them gets its own group, as in the core) |  |
 * | `metrics` | the core's (see why) | Fluent Bit serves the Prometheus format at `/api/v2/metrics/prometheus`, so pass that `path` (`AgentMetrics.podMonitor({ path: '/api/v2/metrics/prometheus' })`); Fluentd's and the OpenTelemetry Collector's default `/metrics` fits. Not for Filebeat and Logstash (no Prometheus endpoint). See `serveMetrics`. |
 * | `command` | Fluent Bit: ["/fluent-bit/bin/fluent-bit"]; Logstash: ["/usr/share/logstash/bin/logstash"] (not the image's entrypoint, whose env2yaml would rewrite the read-only logstash.yml); Fluentd, Filebeat and the OpenTelemetry Collector: the image's ENTRYPOINT (Fluentd's /fluentd/entrypoint.sh reads FLUENTD_CONF) |  |
 * | `args` | Fluent Bit: ["--workdir=/fluent-bit/etc", "--config=/fluent-bit/etc/conf/fluent-bit.conf"]; Fluentd: none (the image's); Filebeat: ["-c", "/etc/filebeat/filebeat.yml", "-e"]; Logstash: none; OpenTelemetry Collector: ["--config=/conf/relay.yaml"] | They name the generated configuration file: replace them only together with the configuration. |
 * | `env` | NODE_NAME; Fluentd FLUENTD_CONF and K8S_NODE_NAME; Logstash LS_JAVA_OPTS (the heap); the OpenTelemetry Collector MY_POD_IP, K8S_NODE_NAME, GOMEMLIMIT (and K8S_NODE_IP with `kubeletMetrics`); the output's secrets (LOG_OUTPUT_USERNAME, LOG_OUTPUT_PASSWORD, LOG_OUTPUT_API_KEY, LOG_OUTPUT_BEARER_TOKEN, and a custom output's `secretEnv`) from their Secrets |  |
 * | `ports` | Fluent Bit: 2020 named "metrics" ("http" with `serveMetrics: false`); Fluentd: 24220 "http" (monitor_agent) and 24231 "metrics"; Filebeat: 5066 "http"; Logstash: 9600 "http" (the monitoring API); OpenTelemetry Collector: 13133 "http" (health_check) and 8888 "metrics" |  |
 * | `hostMounts` | /var/log read-only, `stateHostPath` read-write (and /var/lib/docker/containers read-only with `mountDockerLogs`; the node's / read-only at /hostfs, HostToContainer, with `hostMetrics`) |  |
 * | `volumeMounts` | the configuration read-only (/fluent-bit/etc/conf, /fluentd/etc, /etc/filebeat, /usr/share/logstash/pipeline with /usr/share/logstash/config/logstash.yml by subPath, or /conf), /tmp, and /etc/log-output/ca and /etc/log-output/token read-only when the output has them |  |
 * | `resources` | per flavor: Fluent Bit cpu 50m, memory 64Mi (limit 128Mi); Fluentd cpu 100m, memory 256Mi (limit 512Mi: Ruby plus plugins and buffers); Filebeat cpu 100m, memory 128Mi (limit 256Mi); Logstash cpu 250m, memory twice `jvmHeap` as request and limit (1Gi); OpenTelemetry Collector cpu 100m, memory 128Mi (limit 256Mi) |  |
 * | `liveness` | Fluent Bit: GET / on 2020; Fluentd: GET /api/plugins.json on 24220; Filebeat: GET / on 5066; Logstash: GET / on 9600; OpenTelemetry Collector: GET / on 13133 (every 10 s, timeout 5 s, 3 failures) |  |
 * | `readiness` | Fluent Bit: GET /api/v1/health on 2020 (fails after repeated output errors); Fluentd: GET /api/plugins.json on 24220; Filebeat: GET / on 5066; Logstash: GET / on 9600; OpenTelemetry Collector: GET / on 13133 |  |
 * | `startup` | Fluentd: GET /api/plugins.json on 24220, every 5 s, up to 24 failures (2 min for Ruby and its plugins); Logstash: GET / on 9600, every 10 s, up to 30 failures (5 min for the JVM); none for Fluent Bit, Filebeat and the OpenTelemetry Collector |  |
 * | `runAsUser` | `0` | The container runtimes write the log files as root with mode 0640 (0600 on CRI-O) and the kubelet creates the state directory as root 0755, so only root (without any capability) can read the logs and keep the read positions; a non-root user cannot be given CAP_DAC_READ_SEARCH (added capabilities are not ambient). |
 * | `runAsGroup` | `0` |  |
 * | `runAsNonRoot` | `false` | the agent runs as root (see `runAsUser`) |
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
    props = checkConstructProps('LogAgentProps', this, props);
    const {
      flavor, image, output, configOverride, stateHostPath, mountDockerLogs, excludeNamespaces, filters, serveMetrics,
      jvmHeap, kubeletMetrics, hostMetrics, ...coreProps
    } = props;
    const problems = ValidationProblems.of(this);

    this.flavor = flavor ?? LogFlavor.FLUENT_BIT;
    if (!Object.values(LogFlavor).includes(this.flavor)) {
      problems.add('flavor', this.flavor, `expected one of ${Object.values(LogFlavor).join(', ')} (LogFlavor)`);
      problems.throwIfAny();
    }
    // The flavor-specific props: each is refused for the flavors it does not apply to.
    let jvmHeapMiB: number | undefined;
    if (jvmHeap !== undefined) {
      if (this.flavor !== LogFlavor.LOGSTASH) {
        problems.add('jvmHeap', jvmHeap.toMebibytes({ rounding: SizeRoundingBehavior.NONE }), 'only Logstash runs on a JVM; remove jvmHeap or use LogFlavor.LOGSTASH');
      } else {
        const mib = jvmHeap.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
        if (!Number.isInteger(mib) || mib < LOGSTASH_MIN_HEAP_MIB) {
          problems.add('jvmHeap', `${mib}Mi`, `expected whole MiB, at least ${LOGSTASH_MIN_HEAP_MIB}Mi (e.g. Size.mebibytes(512))`);
        } else {
          jvmHeapMiB = mib;
        }
      }
    }
    for (const [prop, value] of [['kubeletMetrics', kubeletMetrics], ['hostMetrics', hostMetrics]] as const) {
      if (value === true && this.flavor !== LogFlavor.OTEL_COLLECTOR) {
        problems.add(prop, value, `node metrics are collected by the OpenTelemetry Collector only; use LogFlavor.OTEL_COLLECTOR, or the NodeExporter preset for ${this.flavor}`);
      }
    }
    const profile = profileOf(this.flavor, { jvmHeapMiB, kubeletMetrics, hostMetrics });

    if (configOverride !== undefined) {
      if (output !== undefined) {
        problems.add('output', output.type, 'configOverride replaces the generated configuration, output included; remove one of them');
      }
      checkOverride(configOverride, profile.requiredFiles, problems);
    } else {
      this.output = output ?? LogOutput.stdout();
      for (const [field, value, allowed] of this.output._problems()) {
        problems.add(`output.${field}`, value, allowed);
      }
      // Each flavor's profile says which outputs it cannot ship to, and why.
      const refusal = profile.refuseOutput(this.output.type);
      if (refusal !== undefined) {
        problems.add('output', this.output.type, refusal);
      }
      if (this.output.type === LogOutputType.CUSTOM) {
        checkCustom(profile, this.output._custom ?? {}, 'output', problems);
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
        checkCustom(profile, f._custom, `filters[${i}]`, problems);
      }
    });
    (excludeNamespaces ?? []).forEach((ns, i) => problems.check(`excludeNamespaces[${i}]`, ns, rules.dns1123Label(ns)));
    if (configOverride !== undefined && (excludeNamespaces ?? []).length > 0) {
      problems.add('excludeNamespaces', excludeNamespaces, 'configOverride replaces the generated configuration; exclude the namespaces in it');
    }
    const profileMetrics = profile.metricsPort !== undefined;
    if (serveMetrics === true && !profileMetrics) {
      problems.add('serveMetrics', serveMetrics, profile.noMetrics!);
    }
    this.serveMetrics = serveMetrics ?? profileMetrics;
    // The core's monitor scrapes a port by name and a path: check them against this agent.
    const monitor = coreProps.metrics;
    if (monitor !== undefined && !this.serveMetrics) {
      problems.add('metrics', monitor.kind, this.flavor === LogFlavor.FILEBEAT
        ? 'Filebeat has no Prometheus endpoint (its HTTP endpoint serves JSON at /stats); scrape it with an exporter, or use LogFlavor.FLUENT_BIT'
        : (!profileMetrics ? profile.noMetrics! : 'the agent serves no metrics with `serveMetrics: false`; remove one of them'));
    } else if (monitor !== undefined && monitor.port === 'metrics' && monitor.path !== profile.metricsPath) {
      problems.add('metrics.path', monitor.path, `${this.flavor} serves Prometheus metrics at ${profile.metricsPath}; pass \`path: '${profile.metricsPath}'\``);
    }
    this.image = image ?? defaultImage(this.flavor, this.output?.type) ?? '';
    const imageFlavor = typeof image === 'string' ? otherFlavorOfImage(this.flavor, image) : undefined;
    if (imageFlavor !== undefined) {
      problems.add('image', image, `is an image of ${imageFlavor}, and flavor ${this.flavor} configures and starts ${this.flavor}: set flavor to the image's (LogFlavor.${(Object.keys(LogFlavor) as Array<keyof typeof LogFlavor>).find((k) => LogFlavor[k] === imageFlavor)}), or give an image of ${this.flavor}`);
    }
    if (image === undefined && this.image === '') {
      problems.add('image', undefined, 'no published fluentd-kubernetes-daemonset image has the Loki plugin; pass an image with fluent-plugin-grafana-loki and fluent-plugin-kubernetes_metadata_filter, or use LogFlavor.FLUENT_BIT');
    }

    // The names the core will use, resolved once here and given to it: the agent's state
    // directory is named after them, and the agent skips its own log files by pod and container.
    const name = coreProps.name ?? DaemonSet.defaultName(this);
    const namespace = coreProps.namespace ?? DaemonSet.defaultNamespace(this);
    const containerName = coreProps.containerName ?? name;
    const grace = coreProps.terminationGracePeriodSeconds ?? 30;

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
      kubeletMetrics,
      hostMetrics,
    });
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
    if (this.serveMetrics && profile.metricsPort !== undefined && profile.metricsPort !== profile.httpPort) {
      ports.push({ containerPort: profile.metricsPort, name: 'metrics' });
    }

    const presetDefaults: DaemonSetProps = {
      name,
      namespace,
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
        // DirectoryOrCreate, not Directory: on a containerd node of a mixed fleet the directory
        // does not exist, and a Directory mount would keep the pod in ContainerCreating there.
        ...(mountDockerLogs ? [HostMount.readOnly('/var/lib/docker/containers', { type: HostPathVolumeType.DIRECTORY_OR_CREATE })] : []),
        ...profile.hostMounts,
      ],
      volumes: [
        // All files, or the flavor's own (Logstash reads every file of its pipeline directory).
        AgentVolume.fromConfigMap('config', configMapName, profile.configItems === undefined
          ? {} : { items: Object.fromEntries(profile.configItems.map((f) => [f, f])) }),
        ...(profile.settingsFile === undefined ? [] : [AgentVolume.fromConfigMap('settings', configMapName, { items: { [profile.settingsFile.file]: profile.settingsFile.file } })]),
        AgentVolume.fromEmptyDir('tmp', { sizeLimit: Size.mebibytes(64) }),
        ...secretVolumes,
      ],
      volumeMounts: [
        { volumeName: 'config', mountPath: profile.configDirectory, readOnly: true },
        // A settings file beside the image's own files in its directory (Logstash's logstash.yml).
        ...(profile.settingsFile === undefined ? [] : [{ volumeName: 'settings', mountPath: profile.settingsFile.mountPath, readOnly: true, subPath: profile.settingsFile.file }]),
        { volumeName: 'tmp', mountPath: '/tmp', readOnly: false },
        ...secretMounts,
      ],
      rbacRules: profile.rbacRules,
      tolerations: [Toleration.all()],
      // Only for images whose platforms were verified (the defaults); yours may differ.
      imagePlatforms: imagePlatformsOf([this.image], coreProps),
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(presetDefaults, coreProps));
    // The core's configuration ConfigMap (`<name>-config`) and the checksum that rolls the pods.
    this.configMap = this.daemonSet.addConfigFiles(files);
  }

  /**
   * The SHA-256 of the ConfigMap's rendered `data` (and `binaryData`, if any), as hex: the pods'
   * `checksum/config` annotation. Read at synth, it includes changes made after construction.
   */
  public get configChecksum(): string {
    return this.daemonSet.configChecksum!;
  }
}

/** A custom output or filter must have text for the flavor, in a shape that stays inside its section. */
function checkCustom(
  profile: LogFlavorProfile, custom: { [key in CustomTextKey]?: string }, prop: string, problems: ValidationProblems,
): void {
  const flavor = profile.flavor;
  const key = profile.customKey;
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
function checkOverride(files: { [fileName: string]: string }, requiredFiles: string[], problems: ValidationProblems): void {
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
  const missing = requiredFiles.filter((f) => !(f in files));
  if (missing.length > 0) {
    problems.add('configOverride', Object.keys(files), `expected the file${requiredFiles.length > 1 ? 's' : ''} the agent is started with, ${requiredFiles.map((f) => `"${f}"`).join(' and ')}`);
  }
}
