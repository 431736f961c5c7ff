import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, Probe, Protocol } from 'cdk8s-plus-28';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer, AgentPort, AgentVolumeMount } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';
import { DatadogRuntimeSocket } from './datadog-runtime-socket';
import { DatadogSite } from './datadog-site';

/**
 * The agent image of the Datadog chart datadog-3.240.0 (`agents.image.tag` 7.81.1), from the
 * registry the chart picks for its default site (`registry.datadoghq.com`, `registryMigrationMode:
 * auto`).
 */
const DEFAULT_IMAGE = 'registry.datadoghq.com/agent:7.81.1';

/** Where the agent's configuration lives in its containers (the chart's `datadog.confPath`). */
const CONF_PATH = '/etc/datadog-agent';
/** The agent's own log directory (the chart's `datadog.logDirectoryPath`), an emptyDir. */
const LOG_PATH = '/var/log/datadog';
/** The logs agent's pointer directory (registry of read offsets) inside the containers. */
const RUN_PATH = '/opt/datadog-agent/run';
/** Where the logs pointer directory lives on the node (the chart's `datadog.hostMountRoot` + /logs). */
const HOST_POINTER_DIR = '/var/lib/datadog-agent/logs';

const DOGSTATSD_PORT = 8125;
const APM_PORT = 8126;

const AGENT_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(200) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};
const TRACE_AGENT_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(100) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};
const INIT_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(10) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
};

/** The chart's probe settings for the agent (`agents.containers.agent.livenessProbe` etc.). */
const AGENT_PROBE = {
  initialDelaySeconds: Duration.seconds(15),
  periodSeconds: Duration.seconds(15),
  timeoutSeconds: Duration.seconds(5),
  successThreshold: 1,
  failureThreshold: 6,
};

/** A Datadog Cluster Agent the node agents join (deployed apart: it is not part of this preset). */
export interface DatadogClusterAgent {
  /** The cluster agent's Service, in the agent's namespace (`DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME`). */
  readonly serviceName: string;

  /** The Secret holding the token the node agents and the cluster agent share. */
  readonly tokenSecretName: string;

  /**
   * The key of the token in that Secret.
   *
   * @default "token"
   */
  readonly tokenSecretKey?: string;
}

/**
 * Props of a `DatadogAgent`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/datadog-agent.md). Props you give follow
 * the library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value. They reach the `agent`
 * container; the trace-agent and the init containers keep the preset's settings.
 */
export interface DatadogAgentProps extends DaemonSetOptions {
  /**
   * The Secret in the agent's namespace that holds the Datadog API key (`DD_API_KEY`), as the
   * chart's `datadog.apiKeyExistingSecret`. The key itself is never written into the manifest.
   */
  readonly apiKeySecretName: string;

  /**
   * The key of the API key in that Secret.
   *
   * @default "api-key" (the chart's)
   */
  readonly apiKeySecretKey?: string;

  /**
   * The Datadog site the agent sends its data to (`DD_SITE`).
   *
   * @default - DatadogSite.US1 (datadoghq.com, the agent's own default)
   */
  readonly site?: DatadogSite;

  /**
   * The cluster's name in Datadog (`DD_CLUSTER_NAME`): dot-separated tokens of lowercase letters,
   * digits and hyphens, starting with a letter, ending with a letter or digit, at most 80
   * characters (the chart's rule).
   *
   * @default - none (the agent detects it on GKE, EKS and AKS from the cloud's metadata)
   */
  readonly clusterName?: string;

  /**
   * The agent's image, pinned. The trace-agent and the init containers run the same image.
   *
   * @default "registry.datadoghq.com/agent:7.81.1"
   */
  readonly image?: string;

  /**
   * Run the trace-agent container (APM): traces on the Unix socket `apm.socket` in `socketDir`,
   * and on port 8126.
   *
   * @default true (the chart's `datadog.apm.socketEnabled`)
   */
  readonly apm?: boolean;

  /**
   * Also open DogStatsD's UDP port 8125 on the node's address (`hostPort`), for applications
   * that send to the node's IP rather than to the socket. Every host on the network that can
   * reach the node can then send metrics.
   *
   * @default false (the chart's `datadog.dogstatsd.useHostPort`: applications use the socket)
   */
  readonly dogstatsdHostPort?: boolean;

  /**
   * Also open the trace-agent's TCP port 8126 on the node's address (`hostPort`).
   *
   * @default false (the chart's `datadog.apm.portEnabled`: applications use the socket)
   */
  readonly apmHostPort?: boolean;

  /**
   * The node's directory of the DogStatsD socket (`dsd.socket`) and the APM socket
   * (`apm.socket`), mounted at the same path in the pod. Applications mount it to send to the
   * agent; it is the agent's own (one Datadog agent a node).
   *
   * @default "/var/run/datadog" (the chart's `hostSocketPath`)
   */
  readonly socketDir?: string;

  /**
   * Collect the logs of the node's containers (`DD_LOGS_ENABLED`): mounts `/var/log/pods` and
   * `/var/log/containers` read-only, and keeps the read offsets in
   * `/var/lib/datadog-agent/logs` on the node so that a restarted agent neither loses nor resends
   * lines.
   *
   * @default false (the chart's `datadog.logs.enabled`)
   */
  readonly logs?: boolean;

  /**
   * With `logs`, collect every container's logs (`DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL`), not only
   * those of containers with Autodiscovery log annotations.
   *
   * @default false (the chart's `datadog.logs.containerCollectAll`)
   */
  readonly logsCollectAll?: boolean;

  /**
   * The container runtime's socket, mounted read-only under /host.
   *
   * @default - DatadogRuntimeSocket.containerd()
   */
  readonly runtimeSocket?: DatadogRuntimeSocket;

  /**
   * Verify the kubelet's serving certificate (`DD_KUBELET_TLS_VERIFY`). Set false only on
   * clusters whose kubelets serve self-signed certificates (kind, some kubeadm setups).
   *
   * @default - not set: the agent verifies (the chart's `datadog.kubelet.tlsVerify` is unset)
   */
  readonly kubeletTlsVerify?: boolean;

  /**
   * The port of the agent's health endpoints `/live`, `/ready` and `/startup` (`DD_HEALTH_PORT`).
   *
   * @default 5555 (the chart's)
   */
  readonly healthPort?: number;

  /**
   * A Datadog Cluster Agent to join. The node agent starts and reports without one; the cluster
   * agent adds cluster-level checks, the orchestrator explorer and kube_service tags without
   * each node calling the API server.
   *
   * @default - none: the node agent runs on its own
   */
  readonly clusterAgent?: DatadogClusterAgent;
}

/**
 * The Datadog agent on every node, as the Datadog Helm chart (datadog-3.240.0, agent 7.81.1)
 * renders its DaemonSet: the core `agent` container (metrics, checks, DogStatsD, logs, and the
 * process and container checks, which run inside it since agent 7.60: the chart starts no
 * process-agent container at this version), the `trace-agent` container (APM) and the
 * `init-volume` and `init-config` init containers, which copy the image's configuration into an
 * emptyDir and run the image's `cont-init.d` scripts.
 *
 * - **API key from a Secret** you name (`apiKeySecretName`, key `api-key`): never a literal.
 * - **DogStatsD and APM over Unix sockets** in `/var/run/datadog` on the node (`dsd.socket`,
 *   `apm.socket`), as the chart's defaults; the UDP port 8125 and TCP port 8126 are container
 *   ports, opened on the node's address only with `dogstatsdHostPort` and `apmHostPort`.
 * - **Root, no capabilities**: the agent runs as root (the chart's pod `runAsUser: 0`) to read
 *   the node's `/proc`, cgroups and runtime socket; every container drops ALL capabilities,
 *   cannot escalate, has a read-only root filesystem and the RuntimeDefault seccomp profile (the
 *   chart leaves the runtime's default capabilities).
 * - **Host PID namespace** (the chart's `datadog.useHostPID`): DogStatsD and APM origin
 *   detection map a socket peer's PID to its container.
 * - **Host mounts, read-only** except the socket directory and the logs pointer directory:
 *   `/proc`, `/sys/fs/cgroup`, `/etc/passwd`, `/etc/os-release`, the runtime socket's directory
 *   (only it, not all of `/var/run` as the chart), and with `logs` `/var/log/pods` and
 *   `/var/log/containers`.
 * - **Probes as the chart**: HTTP `/live`, `/ready` and `/startup` on the health port 5555;
 *   the trace-agent a TCP probe on 8126.
 * - **No cluster agent**: the node agent does not need it to start; `clusterAgent` joins one.
 * - **RBAC**: the kubelet's read endpoints and metrics (as the chart); without a cluster agent,
 *   read-only access to services, endpoints, pods, nodes and namespaces (as the chart's
 *   standalone mode, without its event collection and leader election, which write).
 * - **No Prometheus monitor**: the agent reports its own telemetry to Datadog; its
 *   OpenMetrics `/telemetry` endpoint listens on 127.0.0.1 only, where no Prometheus reaches.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's; `env`, `labels`,
 * `annotations` and `podAnnotations` are merged (your keys win); any other prop replaces the
 * preset's value. They reach the `agent` container.
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
 * | `component` | `"agent"` | the chart's `app.kubernetes.io/component` |
 * | `containerName` | "agent" | the chart's container name |
 * | `command` | `["agent", "run"]` | the chart's |
 * | `runAsUser` | `0` | the agent reads the node's /proc, cgroups and runtime socket as root, as the chart runs it |
 * | `hostPid` | `true` | origin detection for DogStatsD and APM (the chart's `datadog.useHostPID`) |
 * | `updateStrategy` | RollingUpdate, maxUnavailable 10%, maxSurge 0 | the chart's |
 * | `env` | the chart's agent environment: `DD_API_KEY` from the Secret, `DD_SITE`, DogStatsD, APM and logs settings, the kubelet's host |  |
 * | `ports` | "dogstatsdport" (8125/UDP, host port with `dogstatsdHostPort`) and "healthport" (5555) |  |
 * | `hostMounts` | `/proc`, `/sys/fs/cgroup`, `/etc/passwd`, `/etc/os-release`, the runtime socket's directory (read-only), the socket directory (read-write); with `logs` the pod log directories and the pointer directory |  |
 * | `volumes` | emptyDirs for the configuration, the auth token, logs, /tmp and the run directory |  |
 * | `volumeMounts` | the configuration, auth token, log, /tmp and run emptyDirs |  |
 * | `initContainers` | init-volume and init-config (the chart's) |  |
 * | `sidecars` | trace-agent (with `apm`) |  |
 * | `liveness` | HTTP GET /live on the health port after 15 s, every 15 s, timeout 5 s, 6 failures | the chart's |
 * | `readiness` | HTTP GET /ready on the health port, the same timings | the chart's |
 * | `startup` | HTTP GET /startup on the health port, the same timings | the chart's |
 * | `resources` | requests 200m CPU and 256Mi memory, memory limit 512Mi | the chart sets none |
 * | `rbacRules` | the kubelet's nodes/metrics, spec, proxy and stats; /metrics; endpoints and leases get; without a cluster agent, read-only services, endpoints, pods, nodes, namespaces and endpointslices |  |
 */
export class DatadogAgent extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The agent's image (all containers run it). */
  public readonly image: string;
  /** The Datadog site. */
  public readonly site: DatadogSite;
  /** The cluster's name in Datadog, if set. */
  public readonly clusterName?: string;
  /** Whether the trace-agent runs. */
  public readonly apm: boolean;
  /** Whether DogStatsD's port is opened on the node's address. */
  public readonly dogstatsdHostPort: boolean;
  /** Whether the trace-agent's port is opened on the node's address. */
  public readonly apmHostPort: boolean;
  /** The node's directory of the DogStatsD and APM sockets. */
  public readonly socketDir: string;
  /** The DogStatsD socket's path (on the node and in the pod). */
  public readonly dogstatsdSocket: string;
  /** The APM socket's path (on the node and in the pod). */
  public readonly apmSocket: string;
  /** Whether container logs are collected. */
  public readonly logs: boolean;
  /** The container runtime's socket. */
  public readonly runtimeSocket: DatadogRuntimeSocket;
  /** The health port. */
  public readonly healthPort: number;

  private readonly commonEnv: { [name: string]: EnvValue };
  private readonly clusterAgentEnv: { [name: string]: EnvValue };

  constructor(scope: Construct, id: string, props: DatadogAgentProps) {
    super(scope, id);
    props = checkConstructProps('DatadogAgentProps', this, props);
    const {
      apiKeySecretName, apiKeySecretKey, site, clusterName, image, apm, dogstatsdHostPort, apmHostPort, socketDir, logs,
      logsCollectAll, runtimeSocket, kubeletTlsVerify, healthPort, clusterAgent, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    problems.check('apiKeySecretName', apiKeySecretName, rules.dns1123Subdomain(apiKeySecretName));
    const keyName = apiKeySecretKey ?? 'api-key';
    problems.check('apiKeySecretKey', keyName, secretKeyProblem(keyName));
    this.image = image ?? DEFAULT_IMAGE;
    this.site = site ?? DatadogSite.US1;
    if (rules.dns1123Subdomain(this.site.site) !== undefined || !this.site.site.includes('.')) {
      problems.add('site', this.site.site, 'expected a Datadog site\'s domain, e.g. DatadogSite.EU1 or DatadogSite.custom("us5.datadoghq.com")');
    }
    this.clusterName = clusterName;
    if (clusterName !== undefined && !CLUSTER_NAME.test(clusterName)) {
      problems.add('clusterName', clusterName, 'expected dot-separated tokens of lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 80 characters (the Datadog chart\'s rule), e.g. "prod-eu-1"');
    }
    this.apm = apm ?? true;
    this.dogstatsdHostPort = dogstatsdHostPort ?? false;
    this.apmHostPort = apmHostPort ?? false;
    if (this.apmHostPort && !this.apm) {
      problems.add('apmHostPort', true, 'the APM port belongs to the trace-agent, which `apm: false` removes; set apm: true or remove apmHostPort');
    }
    this.socketDir = (socketDir ?? '/var/run/datadog').replace(/(.)\/+$/, '$1');
    if (rules.absoluteHostPath(this.socketDir) !== undefined || ['/', '/run', '/var/run', '/var', '/tmp'].includes(this.socketDir)) {
      problems.add('socketDir', socketDir, 'expected an absolute directory of the agent\'s own (not "/", "/run", "/var/run", "/var" or "/tmp"), e.g. "/var/run/datadog"');
    }
    this.dogstatsdSocket = `${this.socketDir}/dsd.socket`;
    this.apmSocket = `${this.socketDir}/apm.socket`;
    this.logs = logs ?? false;
    if (logsCollectAll && !this.logs) {
      problems.add('logsCollectAll', true, 'collects logs only with `logs: true`; set logs: true or remove logsCollectAll');
    }
    this.runtimeSocket = runtimeSocket ?? DatadogRuntimeSocket.containerd();
    const socketPathProblem = rules.absoluteHostPath(this.runtimeSocket.socketPath);
    if (socketPathProblem !== undefined || ['/', '/run', '/var/run', '/var'].includes(this.runtimeSocket.hostPath)) {
      problems.add('runtimeSocket', this.runtimeSocket.socketPath, 'expected an absolute socket path in a directory of the runtime\'s own (not directly in "/", "/run", "/var/run" or "/var"), e.g. DatadogRuntimeSocket.custom("/run/cri-dockerd/cri-dockerd.sock")');
    }
    this.healthPort = healthPort ?? 5555;
    problems.check('healthPort', this.healthPort, rules.portNumber(this.healthPort));
    if ([DOGSTATSD_PORT, APM_PORT].includes(this.healthPort)) {
      problems.add('healthPort', this.healthPort, `must differ from DogStatsD's ${DOGSTATSD_PORT} and APM's ${APM_PORT}: the containers share the pod's network`);
    }
    if (clusterAgent !== undefined) {
      problems.check('clusterAgent.serviceName', clusterAgent.serviceName, rules.dns1035Label(clusterAgent.serviceName));
      problems.check('clusterAgent.tokenSecretName', clusterAgent.tokenSecretName, rules.dns1123Subdomain(clusterAgent.tokenSecretName));
      if (clusterAgent.tokenSecretKey !== undefined) {
        problems.check('clusterAgent.tokenSecretKey', clusterAgent.tokenSecretKey, secretKeyProblem(clusterAgent.tokenSecretKey));
      }
    }

    // The chart's containers-common-env (every container), in the chart's order.
    const apiKey = kplus.Secret.fromSecretName(this, 'ApiKey', apiKeySecretName);
    const runtime = this.runtimeSocket;
    this.commonEnv = {
      DD_API_KEY: EnvValue.fromSecretValue({ secret: apiKey, key: keyName }),
      DD_REMOTE_CONFIGURATION_ENABLED: EnvValue.fromValue('true'),
      DD_AUTH_TOKEN_FILE_PATH: EnvValue.fromValue(`${CONF_PATH}/auth/token`),
      ...(clusterName !== undefined ? { DD_CLUSTER_NAME: EnvValue.fromValue(clusterName) } : {}),
      KUBERNETES: EnvValue.fromValue('yes'),
      DD_SITE: EnvValue.fromValue(this.site.site),
      DD_CSI_ENABLED: EnvValue.fromValue('false'),
      DD_LANGUAGE_DETECTION_ENABLED: EnvValue.fromValue('false'),
      DD_LANGUAGE_DETECTION_REPORTING_ENABLED: EnvValue.fromValue('false'),
      DD_KUBERNETES_KUBELET_HOST: EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP),
      ...(kubeletTlsVerify !== undefined ? { DD_KUBELET_TLS_VERIFY: EnvValue.fromValue(String(kubeletTlsVerify)) } : {}),
      DD_KUBELET_USE_API_SERVER: EnvValue.fromValue('false'),
      DD_KUBERNETES_USE_ENDPOINT_SLICES: EnvValue.fromValue('true'),
      DD_OTLP_CONFIG_LOGS_ENABLED: EnvValue.fromValue('false'),
      ...(runtime.dockerApi
        ? { DOCKER_HOST: EnvValue.fromValue(`unix://${runtime.containerSocketPath}`) }
        : { DD_CRI_SOCKET_PATH: EnvValue.fromValue(runtime.containerSocketPath) }),
    };
    // The chart's containers-cluster-agent-env (agent and trace-agent).
    this.clusterAgentEnv = {
      DD_CLUSTER_AGENT_ENABLED: EnvValue.fromValue(String(clusterAgent !== undefined)),
      ...(clusterAgent !== undefined ? {
        DD_CLUSTER_AGENT_KUBERNETES_SERVICE_NAME: EnvValue.fromValue(clusterAgent.serviceName),
        DD_CLUSTER_AGENT_AUTH_TOKEN: EnvValue.fromSecretValue({
          secret: kplus.Secret.fromSecretName(this, 'ClusterAgentToken', clusterAgent.tokenSecretName),
          key: clusterAgent.tokenSecretKey ?? 'token',
        }),
      } : {}),
    };

    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      component: 'agent',
      containerName: 'agent',
      image: this.image,
      command: ['agent', 'run'],
      // Root for the node's /proc, cgroups and runtime socket (the chart's pod runAsUser: 0); no capabilities.
      runAsUser: 0,
      // DogStatsD and APM origin detection (the chart's datadog.useHostPID).
      hostPid: true,
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }),
      env: this.agentEnv(clusterAgent !== undefined, logsCollectAll ?? false),
      ports: [
        { containerPort: DOGSTATSD_PORT, name: 'dogstatsdport', protocol: Protocol.UDP, hostPort: this.dogstatsdHostPort ? DOGSTATSD_PORT : undefined },
        { containerPort: this.healthPort, name: 'healthport' },
      ],
      volumes: [
        AgentVolume.fromEmptyDir('config'),
        AgentVolume.fromEmptyDir('auth-token'),
        AgentVolume.fromEmptyDir('logdatadog'),
        AgentVolume.fromEmptyDir('tmpdir'),
        ...(this.logs ? [] : [AgentVolume.fromEmptyDir('datadogrun')]),
      ],
      volumeMounts: [
        { volumeName: 'logdatadog', mountPath: LOG_PATH, readOnly: false },
        { volumeName: 'tmpdir', mountPath: '/tmp', readOnly: false },
        { volumeName: 'config', mountPath: CONF_PATH, readOnly: false },
        { volumeName: 'auth-token', mountPath: `${CONF_PATH}/auth`, readOnly: false },
        ...(this.logs ? [] : [{ volumeName: 'datadogrun', mountPath: RUN_PATH, readOnly: false }]),
      ],
      hostMounts: [
        HostMount.readOnly('/etc/os-release', { mountPath: '/host/etc/os-release', type: HostPathVolumeType.FILE, volumeName: 'os-release-file' }),
        this.runtimeMount(),
        this.socketMount(),
        this.procMount(),
        this.cgroupsMount(),
        // Process and container checks map UIDs to user names.
        HostMount.readOnly('/etc/passwd', { type: HostPathVolumeType.FILE, volumeName: 'passwd' }),
        ...(this.logs ? this.logMounts() : []),
      ],
      initContainers: [this.initVolume(), this.initConfig()],
      sidecars: this.apm ? [this.traceAgent()] : [],
      liveness: Probe.fromHttpGet('/live', { port: this.healthPort, ...AGENT_PROBE }),
      readiness: Probe.fromHttpGet('/ready', { port: this.healthPort, ...AGENT_PROBE }),
      startup: Probe.fromHttpGet('/startup', { port: this.healthPort, ...AGENT_PROBE }),
      resources: AGENT_RESOURCES,
      rbacRules: [
        // The kubelet's read endpoints (the kubelet check, pod list, stats); /metrics of the
        // control plane's autodiscovered checks (the chart's rbac.yaml, always).
        { nonResourceUrls: ['/metrics', '/metrics/slis'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes/metrics', 'nodes/spec', 'nodes/proxy', 'nodes/stats'], verbs: ['get'] },
        // The chart's "leader election check" rules (always).
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'] },
        // Standalone (no cluster agent): the metadata the cluster agent would otherwise serve
        // (kube_service tags, node and namespace labels), read-only, as the chart's standalone rules.
        ...(clusterAgent === undefined ? [
          { apiGroups: [''], resources: ['services', 'endpoints', 'pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        ] : [
          // Cluster checks the cluster agent dispatches to the node agents (EKS control plane metrics).
          { apiGroups: ['metrics.eks.amazonaws.com'], resources: ['kcm/metrics', 'ksh/metrics'], verbs: ['get'] },
        ]),
      ],
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
  }

  /** The agent container's environment: the chart's, in the chart's order. */
  private agentEnv(withClusterAgent: boolean, collectAll: boolean): { [name: string]: EnvValue } {
    const v = (value: string | number | boolean) => EnvValue.fromValue(String(value));
    return {
      ...this.commonEnv,
      // processes-common-envs: process checks run in the core agent (agent >= 7.60).
      DD_PROCESS_CONFIG_PROCESS_COLLECTION_ENABLED: v(false),
      DD_PROCESS_CONFIG_CONTAINER_COLLECTION_ENABLED: v(true),
      DD_PROCESS_AGENT_DISCOVERY_ENABLED: v(true),
      DD_STRIP_PROCESS_ARGS: v(false),
      DD_PROCESS_CONFIG_RUN_IN_CORE_AGENT_ENABLED: v(true),
      DD_LOG_LEVEL: v('INFO'),
      // containers-dogstatsd-env
      DD_DOGSTATSD_PORT: v(DOGSTATSD_PORT),
      DD_DOGSTATSD_NON_LOCAL_TRAFFIC: v(true),
      DD_DOGSTATSD_TAG_CARDINALITY: v('low'),
      DD_DOGSTATSD_SOCKET: v(this.dogstatsdSocket),
      ...this.clusterAgentEnv,
      DD_APM_ENABLED: v(this.apm),
      ...(this.apm ? {
        DD_APM_NON_LOCAL_TRAFFIC: v(true),
        DD_APM_RECEIVER_PORT: v(APM_PORT),
        DD_APM_RECEIVER_SOCKET: v(this.apmSocket),
      } : {}),
      DD_LOGS_ENABLED: v(this.logs),
      DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL: v(collectAll),
      ...(this.logs ? { DD_LOGS_CONFIG_K8S_CONTAINER_USE_FILE: v(true) } : {}),
      DD_LOGS_CONFIG_AUTO_MULTI_LINE_DETECTION: v(true),
      DD_HEALTH_PORT: v(this.healthPort),
      ...(withClusterAgent ? { DD_EXTRA_CONFIG_PROVIDERS: v('clusterchecks endpointschecks') } : {}),
      DD_IGNORE_AUTOCONF: v('kubernetes_state'),
      DD_CONTAINER_LIFECYCLE_ENABLED: v(true),
      DD_ORCHESTRATOR_EXPLORER_ENABLED: v(withClusterAgent),
      DD_EXPVAR_PORT: v(6000),
      DD_COMPLIANCE_CONFIG_ENABLED: v(false),
      DD_COMPLIANCE_CONFIG_RUN_IN_SYSTEM_PROBE: v(false),
      DD_CONTAINER_IMAGE_ENABLED: v(true),
      DD_KUBELET_CORE_CHECK_ENABLED: v(true),
      DD_KUBERNETES_KUBELET_PODRESOURCES_SOCKET: v('/var/lib/kubelet/pod-resources/kubelet.sock'),
      DD_KUBERNETES_KUBE_SERVICE_IGNORE_READINESS: v(false),
      DD_ORCHESTRATOR_EXPLORER_KUBELET_CONFIG_CHECK_ENABLED: v(true),
    };
  }

  private procMount(): HostMount {
    return HostMount.readOnly('/proc', { mountPath: '/host/proc', volumeName: 'procdir' });
  }

  private cgroupsMount(): HostMount {
    return HostMount.readOnly('/sys/fs/cgroup', { mountPath: '/host/sys/fs/cgroup', volumeName: 'cgroups' });
  }

  /** The runtime socket's directory (or Docker's socket file), read-only under /host. */
  private runtimeMount(): HostMount {
    const r = this.runtimeSocket;
    return HostMount.readOnly(r.hostPath, { mountPath: r.mountPath, type: r.hostPathType, volumeName: 'runtimesocketdir' });
  }

  /** The socket directory, the agent's own on the node (two Datadog agents on a node are refused). */
  private socketMount(): HostMount {
    return HostMount.readWrite(this.socketDir, { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'dsdsocket' });
  }

  private logMounts(): HostMount[] {
    return [
      // The logs agent's read offsets, kept on the node across restarts: the agent's own.
      HostMount.readWrite(HOST_POINTER_DIR, { mountPath: RUN_PATH, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'pointerdir' }),
      HostMount.readOnly('/var/log/pods', { volumeName: 'logpodpath' }),
      HostMount.readOnly('/var/log/containers', { volumeName: 'logscontainerspath' }),
      ...(this.runtimeSocket.dockerApi ? [HostMount.readOnly('/var/lib/docker/containers', { volumeName: 'logdockercontainerpath' })] : []),
    ];
  }

  /** The chart's init-volume: copies the image's configuration into the `config` emptyDir. */
  private initVolume(): AgentContainer {
    return {
      name: 'init-volume',
      image: this.image,
      command: ['bash', '-c'],
      args: ['cp -r /etc/datadog-agent /opt'],
      runAsUser: 0,
      volumeMounts: [{ volumeName: 'config', mountPath: '/opt/datadog-agent', readOnly: false }],
      resources: INIT_RESOURCES,
    };
  }

  /** The chart's init-config: runs the image's cont-init.d scripts, which write the configuration. */
  private initConfig(): AgentContainer {
    return {
      name: 'init-config',
      image: this.image,
      command: ['bash', '-c'],
      args: ['for script in $(find /etc/cont-init.d/ -type f -name \'*.sh\' | sort) ; do bash $script ; done'],
      runAsUser: 0,
      env: { ...this.commonEnv },
      volumeMounts: [
        { volumeName: 'config', mountPath: CONF_PATH, readOnly: false },
        { volumeName: 'logdatadog', mountPath: LOG_PATH, readOnly: false },
      ],
      hostMounts: [this.procMount(), this.runtimeMount()],
      resources: INIT_RESOURCES,
    };
  }

  /** The chart's trace-agent container (APM). */
  private traceAgent(): AgentContainer {
    const v = (value: string | number | boolean) => EnvValue.fromValue(String(value));
    const port: AgentPort = { containerPort: APM_PORT, name: 'traceport', protocol: Protocol.TCP, hostPort: this.apmHostPort ? APM_PORT : undefined };
    const mounts: AgentVolumeMount[] = [
      { volumeName: 'config', mountPath: CONF_PATH, readOnly: true },
      { volumeName: 'logdatadog', mountPath: LOG_PATH, readOnly: false },
      { volumeName: 'auth-token', mountPath: `${CONF_PATH}/auth`, readOnly: true },
      { volumeName: 'tmpdir', mountPath: '/tmp', readOnly: false },
    ];
    return {
      name: 'trace-agent',
      image: this.image,
      // trace-loader (agent >= 7.75, the chart's use-trace-loader) starts the trace-agent on the first trace.
      command: ['trace-loader', `${CONF_PATH}/datadog.yaml`, 'trace-agent', `-config=${CONF_PATH}/datadog.yaml`],
      runAsUser: 0,
      env: {
        ...this.commonEnv,
        ...this.clusterAgentEnv,
        DD_LOG_LEVEL: v('INFO'),
        DD_APM_ENABLED: v(true),
        DD_LOGS_ENABLED: v(this.logs),
        DD_APM_NON_LOCAL_TRAFFIC: v(true),
        DD_APM_RECEIVER_PORT: v(APM_PORT),
        DD_APM_RECEIVER_SOCKET: v(this.apmSocket),
        DD_DOGSTATSD_SOCKET: v(this.dogstatsdSocket),
      },
      ports: [port],
      volumeMounts: mounts,
      hostMounts: [this.procMount(), this.cgroupsMount(), this.socketMount(), this.runtimeMount()],
      liveness: Probe.fromTcpSocket({
        port: APM_PORT,
        initialDelaySeconds: Duration.seconds(15),
        periodSeconds: Duration.seconds(15),
        timeoutSeconds: Duration.seconds(5),
      }),
      resources: TRACE_AGENT_RESOURCES,
    };
  }
}

/** The chart's check-cluster-name: dot-separated tokens, lowercase, at most 80 characters. */
const CLUSTER_NAME = /^(?=.{1,80}$)[a-z]([a-z0-9-]*[a-z0-9])?(\.[a-z]([a-z0-9-]*[a-z0-9])?)*$/;

/** A Secret key: alphanumerics, "-", "_" and ".". */
function secretKeyProblem(key: string): string | undefined {
  return typeof key === 'string' && /^[-._a-zA-Z0-9]{1,253}$/.test(key) ? undefined : 'expected a Secret key: letters, digits, "-", "_" and "."';
}
