import { Duration, Size } from 'cdk8s';
import { Capability, ConfigMap, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { falcoConfigYaml } from './security-agent-config';
import { SecurityAgentDriver } from './security-agent-driver';
import { SecurityAgentPriority } from './security-agent-priority';
import { SecurityAgentRuntimeSocket } from './security-agent-runtime-socket';
import { isBranded } from '../private/brand';
import { imagePlatformsOf } from '../private/image-platforms';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { yamlParser } from '../private/yaml';
import { ValidationProblems } from '../validation-problems';

/**
 * Props of a `SecurityAgent`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/security-agent.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface SecurityAgentProps extends DaemonSetOptions {
  /**
   * The Falco image, pinned.
   *
   * @default "docker.io/falcosecurity/falco:0.44.1" (`SecurityAgent.DEFAULT_IMAGE`)
   */
  readonly image?: string;

  /**
   * How Falco gets kernel events: the modern eBPF probe, or the kernel module (an explicit
   * opt-in that adds a privileged init container).
   *
   * @default SecurityAgentDriver.MODERN_EBPF
   */
  readonly driver?: SecurityAgentDriver;

  /**
   * The falco-driver-loader image of the privileged init container that loads the kernel
   * module (only with `SecurityAgentDriver.KERNEL_MODULE`).
   *
   * @default "docker.io/falcosecurity/falco-driver-loader:0.44.1"
   * (`SecurityAgent.DEFAULT_DRIVER_LOADER_IMAGE`)
   */
  readonly driverLoaderImage?: string;

  /**
   * The container-runtime sockets Falco reads container and pod metadata from, each mounted
   * read-only. Pass `[]` for none (alerts then lack image, pod and namespace names).
   *
   * @default [SecurityAgentRuntimeSocket.containerd(), SecurityAgentRuntimeSocket.crio()]
   */
  readonly runtimeSockets?: SecurityAgentRuntimeSocket[];

  /**
   * Rules files added to the ConfigMap and loaded after the image's rules, by file name
   * (e.g. `{ 'my-rules.yaml': '- rule: ...' }`). Mounted at /etc/falco/rules.d.
   *
   * @default - only the rules shipped in the Falco image
   */
  readonly customRules?: { [fileName: string]: string };

  /**
   * The least severe priority of the rules Falco loads and runs (falco.yaml's `priority`).
   *
   * @default SecurityAgentPriority.DEBUG (every rule, Falco's default)
   */
  readonly minimumPriority?: SecurityAgentPriority;

  /**
   * Also POST every alert, as JSON, to an HTTP endpoint: typically falcosidekick
   * (`{ url: 'http://falcosidekick.falco.svc:2801' }`), which forwards them to chat, SIEM and
   * other sinks. Alerts always go to stdout too.
   *
   * @default - stdout only
   */
  readonly httpOutput?: SecurityAgentHttpOutput;
}

/** Where the security agent POSTs its alerts (Falco's `http_output`). */
export interface SecurityAgentHttpOutput {
  /**
   * The endpoint's URL, http or https (https is verified against the image's CA certificates).
   */
  readonly url: string;
}

const WEB_PORT = 8765;
const HEALTHZ = '/healthz';
const CONFIG_VOLUME = 'falco-config';
const RULES_VOLUME = 'falco-rules';
const STATE_VOLUME = 'falco-state';
/** The least-privileged mode's capabilities, as the Falco chart's `leastPrivileged`. */
/**
 * The least-privileged mode's capabilities: the Falco chart's `leastPrivileged` set, plus
 * DAC_READ_SEARCH. The chart adds its four to the runtime's default set, which it keeps
 * (DAC_OVERRIDE among them); the core drops ALL first, and then root can open neither another
 * user's `/proc/<pid>/fd` (mode 0500, fs/proc/fd.c proc_fd_permission -> generic_permission) nor
 * `/proc/<pid>/environ` (0400): Falco's initial scan of running processes would miss them.
 * DAC_READ_SEARCH is the read-only part of what the chart keeps (no write anywhere).
 */
const LEAST_PRIVILEGED_CAPABILITIES = [
  Capability.BPF, Capability.SYS_RESOURCE, Capability.PERFMON, Capability.SYS_PTRACE, Capability.DAC_READ_SEARCH,
];
const RULES_FILE = /^[A-Za-z0-9][-._A-Za-z0-9]*\.ya?ml$/;

/**
 * Falco, the runtime security agent, on every node: a DaemonSet, its ConfigMap (falco.yaml
 * and custom rules) and a ServiceAccount without any permission.
 *
 * The default is Falco's modern eBPF probe in a privileged container, as the Falco chart's
 * default: it starts on every common node image. Its least-privileged mode (four capabilities
 * instead of privileged) is an explicit opt-in, `privileged: false`, for nodes whose
 * `kernel.perf_event_paranoid` is 2 or lower (not Debian's or Ubuntu's kernels: see
 * `SecurityAgentProps`). The kernel module is another opt-in
 * (`driver: SecurityAgentDriver.KERNEL_MODULE`) and is the only mode with an init container.
 *
 * Host access it needs, and why:
 * - **root** (UID 0) in every mode: Linux grants a container's capabilities (or a privileged
 *   container's) to its root user only (Kubernetes has no ambient capabilities).
 * - **privileged** (default): loading eBPF programs and attaching them, on every kernel the
 *   chart supports. With `privileged: false`, the capabilities BPF and PERFMON (load the probe,
 *   open its ring buffers and perf events), SYS_RESOURCE (raise the locked-memory limit on
 *   kernels before 5.11), SYS_PTRACE (read other processes' /proc entries), DAC_READ_SEARCH
 *   (open other users' /proc/<pid>/fd and environ, with every other capability dropped), and AppArmor
 *   `unconfined` (the runtime's default profile forbids reading other processes; a privileged
 *   container is not confined by it anyway).
 * - **`/proc` at /host/proc, `/etc` at /host/etc, `/sys/kernel`** read-only: the process table, the
 *   host's identity, and the kernel's BTF and tracing files (the chart's `sysfsMountPath`).
 *   With the kernel module, **`/dev`** (at /host/dev, the module's devices) and **`/sys/module`**
 *   read-only; the driver loader also reads /boot, /usr and /etc and may install the module
 *   under /lib/modules (its only writable host path).
 * - **runtime sockets** read-only (see `SecurityAgentRuntimeSocket`), for container metadata.
 *
 * No host PID namespace and no host network, like the chart: Falco reads the host's processes
 * through /host/proc, and the probe sees every process from the kernel.
 *
 * No RBAC: the default configuration asks the Kubernetes API for nothing (pod and namespace
 * names come from the runtime's CRI labels). The chart's only Role (configmaps get, list,
 * update) is for its "auto" driver mode, where the driver loader records the driver it chose;
 * this preset has no such mode. The token is not mounted.
 *
 * Other choices: every taint tolerated (the chart tolerates only the control-plane taints; a
 * node without the agent is a node without detection), the chart's requests (100m CPU, 512Mi)
 * and memory limit (1024Mi) but no CPU limit (a throttled Falco drops events), the chart's
 * probes on the webserver's /healthz (port 8765, named "metrics": the same port serves Falco's
 * Prometheus metrics, turned on), JSON alerts on stdout (and to `httpOutput`), a read-only root
 * filesystem with an emptyDir for /root/.falco, and the rules shipped in the image (no
 * falcoctl fetching rules at run time, so what runs is what was pinned). No priority class
 * (the chart sets none): set `priorityClassName` to keep the agent on full nodes. A
 * `checksum/config` pod annotation, computed from the ConfigMap as synthesized, rolls the pods
 * whenever the configuration changes.
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
 * | `privileged` | `true` | as the Falco chart's default. `false` selects the least-privileged mode of the modern eBPF probe: the BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE capabilities (the chart's), DAC_READ_SEARCH (to read other users' /proc/<pid>/fd and environ with ALL dropped) and AppArmor `unconfined`. It needs `kernel.perf_event_paranoid` at 2 or lower on every node (`sysctl kernel.perf_event_paranoid`): Falco attaches some programs with `perf_event_open`, which Debian's and Ubuntu's kernels refuse without CAP_SYS_ADMIN above 2 (Debian sets 3, Ubuntu 4, and so do node images built on them, such as AKS's Ubuntu nodes); the upstream kernel's default is 2 (Bottlerocket keeps it). Not possible with the kernel module. |
 * | `runAsUser` | `0` | Only root works: a container's capabilities, and a privileged container's, apply to root only; a non-root user is rejected. |
 * | `runAsGroup` | `0` |  |
 * | `runAsNonRoot` | `false` |  |
 * | `addCapabilities` | none when privileged; BPF, SYS_RESOURCE, PERFMON, SYS_PTRACE and DAC_READ_SEARCH with `privileged: false` |  |
 * | `resources` | requests 100m CPU and 512Mi memory, memory limit 1024Mi (the chart's), no CPU limit (a throttled Falco drops events) |  |
 * | `component` | `"security"` |  |
 * | `args` | `["/usr/bin/falco"]` |  |
 * | `env` | NODE_NAME, HOST_ROOT=/host and FALCO_HOSTNAME (the node's name) |  |
 * | `ports` | "metrics" on 8765 (Falco's webserver: /healthz and Prometheus' /metrics) |  |
 * | `podAnnotations` | "checksum/config" (the SHA-256 of the ConfigMap `<name>-config` as synthesized), and the AppArmor annotation `unconfined` with `privileged: false` |  |
 * | `hostMounts` | /proc and /etc read-only at /host/proc and /host/etc, /sys/kernel read-only (the kernel module: /dev at /host/dev and /sys/module instead), and the runtime sockets' directories read-only under /host |  |
 * | `startup` | HTTP GET /healthz on 8765 after 3 s, every 5 s, up to 20 failures (the chart's timings) |  |
 * | `liveness` | HTTP GET /healthz on 8765 every 15 s, 3 failures |  |
 * | `readiness` | HTTP GET /healthz on 8765 every 15 s, 3 failures |  |
 * | `initContainers` | the falco-driver-loader with the kernel module; none otherwise |  |
 * | `imagePlatforms` | with the default images (Falco, and the driver loader with the kernel module): linux/amd64, linux/arm64 (Falco's release manifests). Not declared when a container runs an image of your own (`image`, `driverLoaderImage` or a container you add). |  |
 *
 * @example
 * new SecurityAgent(chart, 'falco', { namespace: 'falco' });
 */
export class SecurityAgent extends Construct {
  /** The Falco image used unless `image` is given. */
  public static readonly DEFAULT_IMAGE = 'docker.io/falcosecurity/falco:0.44.1';
  /** The driver loader image used unless `driverLoaderImage` is given. */
  public static readonly DEFAULT_DRIVER_LOADER_IMAGE = 'docker.io/falcosecurity/falco-driver-loader:0.44.1';

  /** The DaemonSet (and its ServiceAccount). */
  public readonly daemonSet: DaemonSet;
  /** The ConfigMap with falco.yaml and the custom rules. */
  public readonly configMap: ConfigMap;
  /** The Falco image chosen. */
  public readonly image: string;
  /** The driver chosen. */
  public readonly driver: SecurityAgentDriver;
  /** Whether Falco runs privileged (false: the least-privileged mode, with four capabilities). */
  public readonly privileged: boolean;
  /** The least severe priority of the rules Falco runs. */
  public readonly minimumPriority: SecurityAgentPriority;
  /** The runtime sockets mounted. */
  public readonly runtimeSockets: SecurityAgentRuntimeSocket[];
  /** The generated falco.yaml. */
  public readonly falcoConfig: string;

  constructor(scope: Construct, id: string, props: SecurityAgentProps = {}) {
    super(scope, id);
    props = checkConstructProps('SecurityAgentProps', this, props);
    const { image, driver, driverLoaderImage, runtimeSockets, customRules, minimumPriority, httpOutput, ...options } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? SecurityAgent.DEFAULT_IMAGE;
    this.driver = driver ?? SecurityAgentDriver.MODERN_EBPF;
    if (!Object.values(SecurityAgentDriver).includes(this.driver)) {
      problems.add('driver', this.driver, `expected one of ${Object.values(SecurityAgentDriver).join(', ')}`);
    }
    const kmod = this.driver === SecurityAgentDriver.KERNEL_MODULE;
    this.privileged = options.privileged ?? true;
    if (!this.privileged && kmod) {
      problems.add('privileged', false, 'the kernel module runs only in a privileged container; use driver: SecurityAgentDriver.MODERN_EBPF for the least-privileged mode');
    }
    const nonRoot = options.runAsUser !== undefined && options.runAsUser !== 0;
    if (nonRoot) {
      problems.add('runAsUser', options.runAsUser, 'Falco must run as root (0): Linux gives a container\'s capabilities, and a privileged container\'s, to its root user only, and Falco cannot load its probe without them');
    }
    if (driverLoaderImage !== undefined && !kmod) {
      problems.add('driverLoaderImage', driverLoaderImage, 'only the kernel module is loaded by an init container; remove it or use driver: SecurityAgentDriver.KERNEL_MODULE');
    }
    this.runtimeSockets = [...(runtimeSockets ?? [SecurityAgentRuntimeSocket.containerd(), SecurityAgentRuntimeSocket.crio()])];
    checkSockets(this.runtimeSockets, problems);
    const rulesFiles = customRules ?? {};
    checkRules(rulesFiles, problems);
    this.minimumPriority = minimumPriority ?? SecurityAgentPriority.DEBUG;
    if (!Object.values(SecurityAgentPriority).includes(this.minimumPriority)) {
      problems.add('minimumPriority', this.minimumPriority, `expected one of ${Object.values(SecurityAgentPriority).join(', ')}`);
    }
    const httpOutputUrl = checkHttpOutput(httpOutput, problems);

    // Resolved once and given to the core: the ConfigMap and the AppArmor annotation name them.
    const name = options.name ?? DaemonSet.defaultName(this);
    const configMapName = `${name}-config`;
    const appArmorKey = `container.apparmor.security.beta.kubernetes.io/${options.containerName ?? name}`;

    this.falcoConfig = falcoConfigYaml({
      driver: this.driver,
      sockets: this.runtimeSockets,
      webserverPort: WEB_PORT,
      healthzPath: HEALTHZ,
      priority: this.minimumPriority,
      httpOutputUrl,
    });
    const configData: { [key: string]: string } = { 'falco.yaml': this.falcoConfig, ...rulesFiles };
    const ruleNames = Object.keys(rulesFiles).sort();

    const hostProc = HostMount.readOnly('/proc', { mountPath: '/host/proc' });
    const hostEtc = HostMount.readOnly('/etc', { mountPath: '/host/etc' });
    const hostMounts = [
      hostProc,
      hostEtc,
      ...(kmod
        ? [HostMount.readOnly('/dev', { mountPath: '/host/dev' }), HostMount.readOnly('/sys/module', { mountPath: '/sys/module' })]
        : [HostMount.readOnly('/sys/kernel', { mountPath: '/sys/kernel' })]),
      // One mount per directory: two sockets may share one.
      ...[...new Map(this.runtimeSockets.map((s) => [s.hostPath, s])).values()]
        .map((s) => HostMount.readOnly(s.hostPath, { mountPath: s.mountPath, type: s.hostPathType })),
    ];
    const volumes = [
      AgentVolume.fromConfigMap(CONFIG_VOLUME, configMapName, { items: { 'falco.yaml': 'falco.yaml' } }),
      AgentVolume.fromEmptyDir(STATE_VOLUME),
      ...(ruleNames.length > 0
        ? [AgentVolume.fromConfigMap(RULES_VOLUME, configMapName, { items: Object.fromEntries(ruleNames.map((r) => [r, r])) })]
        : []),
    ];
    const volumeMounts = [
      { volumeName: CONFIG_VOLUME, mountPath: '/etc/falco/falco.yaml', subPath: 'falco.yaml' },
      { volumeName: STATE_VOLUME, mountPath: '/root/.falco', readOnly: false },
      ...(ruleNames.length > 0 ? [{ volumeName: RULES_VOLUME, mountPath: '/etc/falco/rules.d' }] : []),
    ];

    // The annotation, not the appArmorProfile field (Kubernetes 1.30+): cdk8s-plus-28's 1.28
    // types drop the field, and the API server copies the annotation into it (see the docs).
    const podAnnotations: { [key: string]: string } = this.privileged ? {} : { [appArmorKey]: 'unconfined' };

    const httpProbe = (timing: { initialDelay?: number; period: number; failureThreshold: number }) => Probe.fromHttpGet(HEALTHZ, {
      port: WEB_PORT,
      initialDelaySeconds: timing.initialDelay !== undefined ? Duration.seconds(timing.initialDelay) : undefined,
      periodSeconds: Duration.seconds(timing.period),
      timeoutSeconds: Duration.seconds(5),
      failureThreshold: timing.failureThreshold,
    });

    const initContainers = kmod ? [driverLoader(driverLoaderImage ?? SecurityAgent.DEFAULT_DRIVER_LOADER_IMAGE, hostProc, hostEtc)] : [];
    const defaults: DaemonSetProps = {
      name,
      image: this.image,
      component: 'security',
      args: ['/usr/bin/falco'],
      env: {
        HOST_ROOT: EnvValue.fromValue('/host'),
        FALCO_HOSTNAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
      },
      // The webserver serves /healthz and Prometheus' /metrics on one port (the chart names it
      // "web"): named "metrics" so that monitors find it by name.
      ports: [{ containerPort: WEB_PORT, name: 'metrics' }],
      hostMounts,
      volumes,
      volumeMounts,
      podAnnotations,
      // Relaxed from the core's defaults: Falco must be root (see the class doc), and is either
      // privileged or, when asked for, holds the four capabilities of the least-privileged mode.
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      // (With a non-root runAsUser, already reported above, no capabilities: the core would
      // report them too, as capabilities the user never set.)
      ...(this.privileged
        ? { privileged: true }
        : { privileged: false, addCapabilities: nonRoot ? [] : LEAST_PRIVILEGED_CAPABILITIES }),
      initContainers,
      resources: {
        cpu: { request: Cpu.millis(100) },
        memory: { request: Size.mebibytes(512), limit: Size.mebibytes(1024) },
      },
      startup: httpProbe({ initialDelay: 3, period: 5, failureThreshold: 20 }),
      liveness: httpProbe({ period: 15, failureThreshold: 3 }),
      readiness: httpProbe({ period: 15, failureThreshold: 3 }),
      // Declared only while every image in the pod is one whose platforms were verified.
      imagePlatforms: imagePlatformsOf([this.image, ...initContainers.map((c) => c.image)], options),
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
    // The core's configuration ConfigMap (`<name>-config`) and the checksum that rolls the pods.
    this.configMap = this.daemonSet.addConfigFiles(configData);
  }
}

/**
 * The privileged init container that downloads (or builds) and loads the kernel module, as the
 * chart's falco-driver-loader. Privileged because it calls init_module; /lib/modules is its only
 * writable host path (DKMS installs a built module there).
 */
function driverLoader(image: string, hostProc: HostMount, hostEtc: HostMount): AgentContainer {
  return {
    name: 'falco-driver-loader',
    image,
    args: ['kmod'],
    env: {
      HOST_ROOT: EnvValue.fromValue('/host'),
      FALCOCTL_DRIVER_CONFIG_UPDATE_FALCO: EnvValue.fromValue('false'),
    },
    privileged: true,
    // It writes its download or build under /root/.falco, /tmp and /var/lib/dkms.
    readOnlyRootFilesystem: false,
    hostMounts: [
      hostProc,
      HostMount.readOnly('/boot', { mountPath: '/host/boot' }),
      HostMount.readWrite('/lib/modules', { mountPath: '/host/lib/modules', shared: true }),
      HostMount.readOnly('/usr', { mountPath: '/host/usr' }),
      hostEtc,
    ],
    volumeMounts: [{ volumeName: STATE_VOLUME, mountPath: '/root/.falco', readOnly: false }],
    resources: {
      cpu: { request: Cpu.millis(100) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
    },
  };
}

const BROAD_DIRECTORIES = new Set(['/', '/run', '/var/run', '/var']);

function checkSockets(sockets: SecurityAgentRuntimeSocket[], problems: ValidationProblems): void {
  const seen = new Set<string>();
  sockets.forEach((s, i) => {
    const prop = `runtimeSockets[${i}]`;
    if (!isBranded<SecurityAgentRuntimeSocket>(s, 'SecurityAgentRuntimeSocket')) {
      problems.add(prop, s, 'expected a SecurityAgentRuntimeSocket, e.g. SecurityAgentRuntimeSocket.containerd()');
      return;
    }
    const pathProblem = rules.absoluteHostPath(s.socketPath);
    if (pathProblem !== undefined || s.socketPath.endsWith('/')) {
      problems.add(`${prop}.socketPath`, s.socketPath, pathProblem ?? 'expected the path of the socket file, not a directory');
      return;
    }
    if (s.hostPathType === HostPathVolumeType.DIRECTORY_OR_CREATE && BROAD_DIRECTORIES.has(s.hostPath)) {
      problems.add(`${prop}.socketPath`, s.socketPath, `its directory ${s.hostPath} would be mounted, exposing every other socket there (systemd, D-Bus); use a socket in a directory of its own, or SecurityAgentRuntimeSocket.docker()`);
    }
    if (seen.has(s.socketPath)) {
      problems.add(`${prop}.socketPath`, s.socketPath, 'each socket may appear only once');
    }
    seen.add(s.socketPath);
  });
}

function checkHttpOutput(output: SecurityAgentHttpOutput | undefined, problems: ValidationProblems): string | undefined {
  if (output === undefined) {
    return undefined;
  }
  const url = output?.url;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol) || parsed.hostname === '' || /\s/.test(url)) {
    problems.add('httpOutput.url', url, 'expected an absolute http:// or https:// URL, e.g. "http://falcosidekick.falco.svc:2801"');
    return undefined;
  }
  return url;
}

function checkRules(files: { [fileName: string]: string }, problems: ValidationProblems): void {
  for (const [file, content] of Object.entries(files)) {
    if (!RULES_FILE.test(file) || file === 'falco.yaml') {
      problems.add(`customRules.${file}`, file, 'expected a file name ending in .yaml or .yml (letters, digits, "-", "_" and "."), other than "falco.yaml"');
    }
    if (typeof content !== 'string' || content.trim() === '') {
      problems.add(`customRules.${file}`, content, 'expected the rules as non-empty YAML text');
    } else {
      problems.check(`customRules.${file}`, content.length > 60 ? `${content.slice(0, 57)}...` : content, rulesFileProblem(content));
    }
  }
}

/** The items a Falco rules file holds (userspace/engine/rule_loader_reader.cpp `read_item`). */
const RULES_ITEM_KEYS = ['rule', 'macro', 'list', 'required_engine_version', 'required_plugin_versions'];

/**
 * What Falco's rule loader refuses in a rules file, which makes Falco exit at start on every node:
 * text that is not YAML, or YAML that is not a list of rule, macro and list items
 * (rule_loader_reader.cpp: "Rules content is not yaml array of objects").
 */
function rulesFileProblem(content: string): string | undefined {
  for (const doc of yamlParser().parseAllDocuments(content)) {
    if (doc.errors.length > 0) {
      return `expected YAML, as Falco loads it: ${doc.errors[0].message.split('\n')[0]}`;
    }
    const items: unknown = doc.toJS();
    if (items === null || items === undefined) {
      continue;
    }
    if (!Array.isArray(items) || items.some((i) => typeof i !== 'object' || i === null || !RULES_ITEM_KEYS.some((k) => k in i))) {
      return `expected a YAML list of Falco items, each a map with one of ${RULES_ITEM_KEYS.join(', ')} (Falco exits on "Rules content is not yaml array of objects")`;
    }
  }
  return undefined;
}
