import { Chart, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CsiDriver, CsiDriverOptions, CsiDriverType } from './csi-driver';
import { CSI_SOCKET, CSI_SOCKET_DIR } from './csi-layout';
import { AgentContainer, AgentVolumeMount } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import { imagePlatformsOf } from '../private/image-platforms';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';

const DEFAULT_REGISTRAR_IMAGE = 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0';
const DEFAULT_LIVENESS_PROBE_IMAGE = 'registry.k8s.io/sig-storage/livenessprobe:v2.16.0';
/** The EBS driver's name and image: the legacy path (your `args` without `driver`) keeps them as defaults. */
const EBS_NAME = 'ebs.csi.aws.com';
const EBS_IMAGE = 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0';
/** How a plugin may name the socket the sidecars dial, in an `--endpoint` arg or `CSI_ENDPOINT`. */
const SOCKET_SPELLINGS = ['$(CSI_ENDPOINT)', `unix:${CSI_SOCKET}`, `unix://${CSI_SOCKET}`, CSI_SOCKET];

/** The CSI sidecars are small Go programs that only relay calls over a local socket. */
const SIDECAR_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(10) },
  memory: { request: Size.mebibytes(20), limit: Size.mebibytes(64) },
};

/**
 * Props of a `StorageDaemon`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/storage-daemon.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface StorageDaemonProps extends DaemonSetOptions {
  /**
   * The CSI driver whose node plugin runs: `CsiDriver.awsEbs()`, `CsiDriver.cephRbd({...})`,
   * `CsiDriver.cephFs({...})` or `CsiDriver.custom({...})`. It brings the plugin's image, args,
   * env, extra mounts, configuration, RBAC, lifecycle hook, metrics, node exclusions and
   * network; the socket directory, the registration path and every mount follow its name and
   * `kubeletDir`. Without it, your `args` make a driver of your own from `image` and
   * `driverName` (the behaviour before `driver` existed).
   *
   * @default - `CsiDriver.awsEbs()`, unless you give `args` (then a driver of your own)
   */
  readonly driver?: CsiDriver;

  /**
   * The CSI plugin's image, pinned: it replaces the driver's (a mirror of it, say). Without
   * `driver`, the default `args` and `driverName` are the EBS driver's: set them too when you
   * bring another driver (better: `driver: CsiDriver.custom({...})`).
   *
   * @default - the driver's image ("public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0" for EBS)
   */
  readonly image?: string;

  /**
   * The CSI driver's name, as the plugin reports it (GetPluginInfo) and as its CSIDriver object
   * is named. The socket directory and the registration path derive from it. With `driver`,
   * it must be the driver's name (or left out): name a driver of your own in
   * `CsiDriver.custom({ name })`.
   *
   * @default - the driver's name ("ebs.csi.aws.com" for EBS)
   */
  readonly driverName?: string;

  /**
   * The kubelet's root directory on the node (`--root-dir`).
   *
   * @default "/var/lib/kubelet"
   */
  readonly kubeletDir?: string;

  /**
   * The node-driver-registrar sidecar's image, pinned.
   *
   * @default "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0"
   */
  readonly nodeDriverRegistrarImage?: string;

  /**
   * The livenessprobe sidecar's image, pinned.
   *
   * @default "registry.k8s.io/sig-storage/livenessprobe:v2.16.0"
   */
  readonly livenessProbeImage?: string;

  /**
   * The port the livenessprobe sidecar serves `/healthz` on. The plugin container declares it
   * and its liveness probe requests it (the containers share the pod's network).
   *
   * @default - the driver's: 9808 (EBS), 9810 (Ceph RBD), 9812 (CephFS)
   */
  readonly healthPort?: number;

  /**
   * The port the node-driver-registrar serves `/healthz` on (`--http-endpoint`), which its
   * liveness probe requests: it fails while the registration socket is missing or does not
   * answer. Change it when two plugins on the host network would share it.
   *
   * @default - the driver's: 9809 (EBS, the CSI sidecars' convention), 9811 (Ceph RBD), 9813 (CephFS)
   */
  readonly registrarHealthPort?: number;

  /**
   * The port of the driver's Prometheus metrics, declared as `metrics`: the EBS plugin's
   * (`--http-endpoint=0.0.0.0:<port>`, as the EBS chart's `node.enableMetrics`), or ceph-csi's
   * liveness exporter's (`--metricsport`). When you give your own `args` without `driver`, no
   * metrics port is declared unless you set it, and your args must start the driver's metrics
   * server.
   *
   * @default - the driver's: 3302 (EBS), 8680 (Ceph RBD), 8681 (CephFS); none with your own `args`
   */
  readonly metricsPort?: number;
}

/**
 * A CSI node plugin on every node, for any CSI driver: the driver's plugin container, the
 * node-driver-registrar sidecar that registers it with the kubelet, and the livenessprobe sidecar
 * that turns the CSI Probe call into an HTTP health endpoint. The driver (`driver`) is a
 * `CsiDriver`: `CsiDriver.awsEbs()` (the default), `CsiDriver.cephRbd({...})`,
 * `CsiDriver.cephFs({...})`, or `CsiDriver.custom({...})` for any other, which takes exactly what
 * the built-in drivers are made of (image, args, env, extra host mounts and volumes, config files,
 * sidecars, RBAC, lifecycle hook, metrics port, node exclusions, verified platforms, host
 * network). What every driver gets:
 *
 * - **The plugin container is privileged**, because CSI mounting requires it: it mounts volumes
 *   into the kubelet's directory with Bidirectional propagation (which Kubernetes allows only in
 *   privileged containers) so that the mounts reach the node and the pods, it formats and
 *   resizes block devices that appear in /dev at attach time (no device list can be declared in
 *   advance), and it runs mount(8) and mkfs. It runs as root, with a read-only root filesystem
 *   unless the driver needs a writable one (Ceph's tools write run files in the image).
 * - **Host mounts of the plugin**: the kubelet directory (`kubeletDir`, type Directory,
 *   Bidirectional, read-write), its socket directory `<kubeletDir>/plugins/<driver name>` at
 *   /csi (DirectoryOrCreate) and `/dev` (Directory), then the driver's own (Ceph: `/sys`,
 *   `/run/mount`, `/etc/selinux`, `/lib/modules`, and `/var/log/ceph` for RBD).
 * - **The socket**: the plugin must listen on `unix:/csi/csi.sock` (`CSI_ENDPOINT`), the socket
 *   the sidecars dial; an `--endpoint` arg (or a `CSI_ENDPOINT`) that moves it is refused.
 * - **The sidecars are unprivileged**: drop ALL, no privilege escalation, read-only root
 *   filesystem, RuntimeDefault seccomp. They run as root because the plugin's socket and the
 *   kubelet's registration directory belong to root. They mount only the socket directory,
 *   read-only (connecting to a socket needs no write access to the mount); the registrar also
 *   gets the registration directory `<kubeletDir>/plugins_registry` (Directory) read-write to
 *   create its registration socket. A driver's own sidecars (Ceph's liveness exporter) get the
 *   same.
 * - **Health**: the livenessprobe sidecar serves `/healthz` on `healthPort` (9808 for EBS); the
 *   port is declared on the plugin container, whose liveness probe requests it (EBS's
 *   thresholds). The registrar serves its own `/healthz` on `registrarHealthPort` (9809), which
 *   fails while its registration socket is missing or does not answer, and its liveness probe
 *   requests it: the exec probe EBS uses (`--mode=kubelet-registration-probe`) exits 0 since
 *   node-driver-registrar v2.9.0 and so can never fail.
 * - **Metrics**: the driver's, on a port named `metrics`: EBS's plugin on 3302
 *   (`--http-endpoint`, the EBS chart's `node.enableMetrics`), ceph-csi's liveness exporter on
 *   8680 (RBD) or 8681 (CephFS).
 * - **Every taint tolerated** (EBS), **`system-node-critical`** (EBS, ceph-csi), **rolling update
 *   with at most 10% of the nodes unavailable and no surge** (EBS): volumes on a node cannot be mounted
 *   or unmounted while its plugin is down, so the rollout is bounded by share, not one node at a
 *   time, which would take hours on large clusters.
 * - **Network**: the pod's for EBS (the plugin talks to the kubelet over the socket); the node's
 *   for Ceph, and its PID namespace, as ceph-csi: a kernel RBD mapping or CephFS mount keeps the
 *   network namespace it was made in, so in the pod's every volume of the node hangs when the
 *   plugin's pod is replaced.
 * - **Least RBAC**, the driver's: EBS get, list and watch on nodes and list and watch on
 *   volumeattachments (its pre-stop hook); Ceph RBD get on nodes, persistentvolumes and secrets
 *   and list, get on volumeattachments (its volume healer); CephFS get on nodes. What only
 *   encryption with a KMS needs (configmaps, serviceaccounts, tokens) is not granted.
 * - **Namespace kube-system** unless the chart has one: some clusters admit critical-priority
 *   pods only there.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's (the plugin's host
 * mounts, its health and metrics ports, the sidecars); `env`, `labels`, `annotations` and
 * `podAnnotations` are merged (your keys win, e.g. over CSI_NODE_NAME); any other prop replaces
 * the preset's value.
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
 * | `namespace` | `"kube-system"` | unless the chart has a namespace |
 * | `priorityClassName` | `"system-node-critical"` | pods cannot mount their volumes without it |
 * | `updateStrategy` | RollingUpdate, maxUnavailable 10%, maxSurge 0 |  |
 * | `component` | `"storage"` |  |
 * | `requiredNodeAffinity` | the driver's exclusions; EBS (with its driver name): not EKS Auto Mode or hybrid nodes (`eks.amazonaws.com/compute-type`), not A1 instances (`node.kubernetes.io/instance-type`) | upstream's node.yaml excludes them: no instance metadata there (the plugin crash-loops), A1 is unsupported |
 * | `privileged` | `true` | CSI mounting requires it (Bidirectional mounts); it also makes the plugin container root |
 * | `readOnlyRootFilesystem` | the driver's: true (EBS), false (Ceph) | Ceph's tools write run files in the image |
 * | `hostNetwork` | the driver's: false (EBS), true (Ceph) | a Ceph mount keeps the network namespace it was made in |
 * | `hostPid` | the driver's: false (EBS), true (Ceph) | as ceph-csi |
 * | `args` | the driver's; EBS's node args: node, --endpoint, --csi-mount-point-prefix, --http-endpoint with `metricsPort`, --v=2 |  |
 * | `env` | NODE_NAME, CSI_ENDPOINT and CSI_NODE_NAME, then the driver's |  |
 * | `resources` | requests 10m CPU and 40Mi memory, memory limit 256Mi (mkfs and fsck run in the plugin's cgroup) |  |
 * | `rbacRules` | the driver's; EBS: nodes get, list and watch; volumeattachments list and watch |  |
 * | `lifecycle` | the driver's; EBS's pre-stop hook |  |
 * | `ports` | "healthz" (the health port), and "metrics" (the plugin's metrics port: 3302 with EBS) |  |
 * | `sidecars` | node-driver-registrar and liveness-probe (unprivileged), then the driver's (Ceph: liveness-prometheus) |  |
 * | `hostMounts` | the kubelet directory (Bidirectional), the plugin's socket directory, /dev, then the driver's |  |
 * | `volumes` | the driver's, and one ConfigMap volume per configuration directory (Ceph: keys-tmp-dir, ceph-csi-config, ceph-config) |  |
 * | `volumeMounts` | the driver's (Ceph: /tmp/csi/keys, /etc/ceph-csi-config, /etc/ceph) |  |
 * | `liveness` | HTTP GET /healthz on the health port after 10 s, every 10 s, timeout 3 s, 5 failures |  |
 * | `imagePlatforms` | with the default images: linux/amd64, linux/arm64 (the Linux platforms the driver and both sidecars share). Not declared when a container runs an image whose platforms are not verified (`image`, `nodeDriverRegistrarImage`, `livenessProbeImage`, a custom driver's image without its `imagePlatforms`, or a container you add). |  |
 */
export class StorageDaemon extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The CSI driver that runs (the one given, or the default). */
  public readonly driver: CsiDriver;
  /** The CSI plugin's image. */
  public readonly image: string;
  /** The CSI driver's name. */
  public readonly driverName: string;
  /** The kubelet's root directory on the node. */
  public readonly kubeletDir: string;
  /** The plugin's socket directory on the node: `<kubeletDir>/plugins/<driverName>`. */
  public readonly socketDir: string;
  /** The plugin's socket on the node, as the registrar reports it to the kubelet. */
  public readonly registrationPath: string;
  /** The node-driver-registrar sidecar's image. */
  public readonly nodeDriverRegistrarImage: string;
  /** The livenessprobe sidecar's image. */
  public readonly livenessProbeImage: string;
  /** The port of the health endpoint. */
  public readonly healthPort: number;
  /** The port of the registrar's health endpoint. */
  public readonly registrarHealthPort: number;
  /** The port of the driver's metrics endpoint (the plugin's or its exporter's), if it has one. */
  public readonly metricsPort?: number;

  constructor(scope: Construct, id: string, props: StorageDaemonProps = {}) {
    super(scope, id);
    props = checkConstructProps('StorageDaemonProps', this, props);
    const {
      driver, image, driverName, kubeletDir, nodeDriverRegistrarImage, livenessProbeImage, healthPort, registrarHealthPort,
      metricsPort, ...options
    } = props;
    const problems = ValidationProblems.of(this);

    // The driver: the one given; else EBS's, unless the user's args make one of their own (the
    // behaviour before `driver` existed: their image and driverName, no EBS hook, exclusions or
    // metrics, and the nodes rule that the preset granted every driver then).
    if (driver !== undefined) {
      this.driver = driver;
      for (const [field, value, allowed] of driver._problems) {
        problems.add(`driver.${field}`, value, allowed);
      }
    } else if (options.args === undefined) {
      this.driver = CsiDriver.awsEbs();
    } else {
      this.driver = CsiDriver.custom({
        name: driverName ?? EBS_NAME,
        image: image ?? EBS_IMAGE,
        args: [],
        rbacRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
      });
    }
    // driverName renames EBS's driver (its args follow); any other driver is named by itself.
    const nameOverride = driver === undefined && this.driver.type === CsiDriverType.AWS_EBS ? driverName : undefined;
    this.driverName = this.driver._name(nameOverride);
    if (driver !== undefined && driverName !== undefined && driverName !== this.driverName) {
      problems.add('driverName', driverName, `the driver is "${this.driverName}": leave driverName out, or name a driver of your own with CsiDriver.custom({ name })`);
    }
    // CSI spec: at most 63 characters; the kubelet also uses it as a path segment.
    const nameProblem = typeof this.driverName === 'string' ? rules.dns1123Subdomain(this.driverName) : 'expected a string';
    if (nameProblem !== undefined || this.driverName.length > 63) {
      problems.add(driver === undefined || driverName !== undefined ? 'driverName' : 'driver.name', this.driverName,
        'expected a CSI driver name: at most 63 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (e.g. "ebs.csi.aws.com")');
    }
    this.kubeletDir = (kubeletDir ?? '/var/lib/kubelet').replace(/(.)\/+$/, '$1');
    if (rules.absoluteHostPath(this.kubeletDir) !== undefined || this.kubeletDir === '/') {
      problems.add('kubeletDir', kubeletDir, 'expected an absolute path other than "/" and without ".." segments, e.g. "/var/lib/kubelet"');
    }
    this.socketDir = `${this.kubeletDir}/plugins/${this.driverName}`;
    this.registrationPath = `${this.socketDir}/csi.sock`;

    const plugin: CsiDriverOptions = this.driver._resolve({
      kubeletDir: this.kubeletDir, socketDir: this.socketDir, name: nameOverride, image, metricsPort,
    });
    this.image = plugin.image;
    this.nodeDriverRegistrarImage = nodeDriverRegistrarImage ?? DEFAULT_REGISTRAR_IMAGE;
    this.livenessProbeImage = livenessProbeImage ?? DEFAULT_LIVENESS_PROBE_IMAGE;
    this.healthPort = healthPort ?? plugin.healthPort ?? 9808;
    problems.check('healthPort', this.healthPort, rules.portNumber(this.healthPort));
    this.registrarHealthPort = registrarHealthPort ?? plugin.registrarHealthPort ?? 9809;
    problems.check('registrarHealthPort', this.registrarHealthPort, rules.portNumber(this.registrarHealthPort));
    if (this.registrarHealthPort === this.healthPort) {
      problems.add('registrarHealthPort', this.registrarHealthPort, `must differ from healthPort (${this.healthPort}): the sidecars share the pod's network`);
    }
    const driverSidecars = plugin.sidecars ?? [];
    const exporterPort = driverSidecars.flatMap((c) => c.ports ?? []).find((p) => p.name === 'metrics')?.containerPort;
    this.metricsPort = plugin.metricsPort ?? exporterPort;
    if (this.metricsPort !== undefined) {
      problems.check('metricsPort', this.metricsPort, rules.portNumber(this.metricsPort));
      if (this.metricsPort === this.healthPort || this.metricsPort === this.registrarHealthPort) {
        problems.add('metricsPort', this.metricsPort, 'must differ from healthPort and registrarHealthPort: the containers share the pod\'s network');
      }
    }
    this.checkEndpoint(problems, driver !== undefined && options.args === undefined ? 'driver.args' : 'args', options.args ?? plugin.args);
    this.checkEndpoint(problems, 'extraArgs', options.extraArgs ?? []);
    const userEndpoint = options.env?.CSI_ENDPOINT;
    if (userEndpoint !== undefined && userEndpoint !== null && !SOCKET_SPELLINGS.includes(String(userEndpoint.value))) {
      problems.add('env.CSI_ENDPOINT', userEndpoint.value ?? '(from a reference)', `the plugin must listen on unix:${CSI_SOCKET}, the socket the node-driver-registrar `
        + `and the livenessprobe sidecar dial and the kubelet is told of (${this.registrationPath}): leave CSI_ENDPOINT to the preset`);
    }

    // The driver's configuration files: one ConfigMap (`<name>-config`), a volume per directory.
    const name = options.name ?? DaemonSet.defaultName(this);
    const configMapName = `${name}-config`;
    const configFiles: { [file: string]: string } = {};
    for (const dir of plugin.configDirectories ?? []) {
      for (const file of Object.keys(dir.files)) {
        if (file in configFiles) {
          problems.add('driver.configDirectories', file, 'each file name may appear only once: the files share one ConfigMap');
        }
        configFiles[file] = dir.files[file];
      }
    }
    const configVolumes = (plugin.configDirectories ?? []).map((dir) => AgentVolume.fromConfigMap(dir.volumeName, configMapName, {
      items: Object.fromEntries(Object.keys(dir.files).sort().map((f) => [f, f])),
    }));
    const configMounts: AgentVolumeMount[] = (plugin.configDirectories ?? [])
      .map((dir) => ({ volumeName: dir.volumeName, mountPath: dir.mountPath, readOnly: true }));

    const defaults: DaemonSetProps = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      // kube-system unless the chart has a namespace (see the class doc).
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'storage',
      // The nodes the driver cannot serve (EBS: see csi-driver.ts).
      requiredNodeAffinity: plugin.requiredNodeAffinity,
      image: this.image,
      priorityClassName: 'system-node-critical',
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10) }),
      args: plugin.args,
      env: {
        CSI_ENDPOINT: EnvValue.fromValue(`unix:${CSI_SOCKET}`),
        CSI_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
        ...plugin.env,
      },
      ports: [
        { containerPort: this.healthPort, name: 'healthz' },
        ...(plugin.metricsPort !== undefined ? [{ containerPort: plugin.metricsPort, name: 'metrics' }] : []),
      ],
      hostMounts: [
        // Mounts made here must reach the node and the pods: Bidirectional, privileged only.
        // Shared by design with the kubelet and every other CSI plugin; the socket directory is this driver's own.
        HostMount.readWrite(this.kubeletDir, { propagation: MountPropagation.BIDIRECTIONAL, volumeName: 'kubelet-dir', shared: true }),
        HostMount.readWrite(this.socketDir, { mountPath: CSI_SOCKET_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'plugin-dir' }),
        HostMount.readWrite('/dev', { volumeName: 'device-dir', shared: true }),
        ...(plugin.hostMounts ?? []),
      ],
      volumes: [...(plugin.volumes ?? []), ...configVolumes],
      volumeMounts: [...(plugin.volumeMounts ?? []), ...configMounts],
      sidecars: [this.registrar(), this.livenessProbe(), ...driverSidecars.map((c) => this.socketClient(c))],
      // CSI mounting requires privileged (see the class doc); it also makes the container root.
      privileged: true,
      readOnlyRootFilesystem: plugin.readOnlyRootFilesystem,
      addCapabilities: plugin.addCapabilities,
      hostNetwork: plugin.hostNetwork,
      hostPid: plugin.hostPid,
      liveness: Probe.fromHttpGet('/healthz', {
        port: this.healthPort,
        initialDelaySeconds: Duration.seconds(10),
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 5,
      }),
      // mkfs and fsck run in the plugin's cgroup: the limit leaves them room.
      resources: {
        cpu: { request: Cpu.millis(10) },
        memory: { request: Size.mebibytes(40), limit: Size.mebibytes(256) },
      },
      lifecycle: plugin.lifecycle,
      rbacRules: plugin.rbacRules ?? [],
      // Declared only while every image in the pod is one whose platforms were verified.
      imagePlatforms: this.platforms(plugin, driverSidecars, options),
    };
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
    if (Object.keys(configFiles).length > 0) {
      this.daemonSet.addConfigFiles(configFiles);
    }
  }

  /**
   * Refuses an `--endpoint` that moves the plugin's socket away from the one the registrar and
   * the livenessprobe sidecar dial (and the kubelet is told of): the plugin would run, never
   * be registered, and be restarted forever by its liveness probe.
   */
  private checkEndpoint(problems: ValidationProblems, prop: string, args: string[]): void {
    args.forEach((arg, i) => {
      const m = typeof arg === 'string' ? /^--?endpoint(?:=(.*))?$/.exec(arg) : null;
      if (m === null) {
        return;
      }
      const value = m[1] ?? args[i + 1];
      if (!SOCKET_SPELLINGS.includes(value)) {
        problems.add(`${prop}[${i}]`, arg, `the plugin must listen on unix:${CSI_SOCKET} (CSI_ENDPOINT), the socket the node-driver-registrar and the livenessprobe sidecar dial and the kubelet is told of (${this.registrationPath}): use --endpoint=$(CSI_ENDPOINT)`);
      }
    });
  }

  /**
   * The platforms every image of the pod shares: the library's verified lists, or the ones a
   * custom driver declares for its own image.
   */
  private platforms(plugin: CsiDriverOptions, driverSidecars: AgentContainer[], options: DaemonSetOptions): string[] | undefined {
    const images = [this.image, this.nodeDriverRegistrarImage, this.livenessProbeImage, ...driverSidecars.map((c) => c.image)];
    if (plugin.imagePlatforms === undefined) {
      return imagePlatformsOf(images, options);
    }
    const others = imagePlatformsOf(images.filter((i) => i !== this.image), options);
    return others === undefined ? undefined : plugin.imagePlatforms.filter((p) => others.includes(p));
  }

  /** A driver's own container that talks to the plugin's socket: the socket directory, CSI_ENDPOINT, root. */
  private socketClient(c: AgentContainer): AgentContainer {
    return {
      ...c,
      env: { CSI_ENDPOINT: EnvValue.fromValue(`unix:${CSI_SOCKET}`), ...c.env },
      // Root: the plugin's socket belongs to root.
      runAsUser: c.runAsUser ?? 0,
      hostMounts: [this.socketMount(), ...(c.hostMounts ?? [])],
      resources: c.resources ?? SIDECAR_RESOURCES,
    };
  }

  /** The socket directory, read-only: the sidecars only connect to the plugin's socket. */
  private socketMount(): HostMount {
    return HostMount.readOnly(this.socketDir, { mountPath: CSI_SOCKET_DIR, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'plugin-dir' });
  }

  private registrar(): AgentContainer {
    const registrationArg = `--kubelet-registration-path=${this.registrationPath}`;
    return {
      name: 'node-driver-registrar',
      image: this.nodeDriverRegistrarImage,
      args: [`--csi-address=${CSI_SOCKET}`, registrationArg, `--http-endpoint=:${this.registrarHealthPort}`, '--v=2'],
      // Root: the plugin's socket and the registration directory belong to root.
      runAsUser: 0,
      hostMounts: [
        this.socketMount(),
        HostMount.readWrite(`${this.kubeletDir}/plugins_registry`, { mountPath: '/registration', volumeName: 'registration-dir', shared: true }),
      ],
      ports: [{ containerPort: this.registrarHealthPort, name: 'reg-healthz' }],
      // /healthz fails while the registration socket is missing or does not answer; the exec
      // probe `--mode=kubelet-registration-probe` is a no-op since v2.9.0 (exits 0).
      liveness: Probe.fromHttpGet('/healthz', {
        port: this.registrarHealthPort,
        initialDelaySeconds: Duration.seconds(30),
        periodSeconds: Duration.seconds(90),
        timeoutSeconds: Duration.seconds(15),
      }),
      resources: SIDECAR_RESOURCES,
    };
  }

  private livenessProbe(): AgentContainer {
    return {
      name: 'liveness-probe',
      image: this.livenessProbeImage,
      args: [`--csi-address=${CSI_SOCKET}`, `--http-endpoint=:${this.healthPort}`],
      // Root: the plugin's socket belongs to root.
      runAsUser: 0,
      hostMounts: [this.socketMount()],
      resources: SIDECAR_RESOURCES,
    };
  }
}
