import { Capability, ContainerLifecycle, EnvFieldPaths, EnvValue, Handler, HostPathVolumeType } from 'cdk8s-plus-28';
import { CSI_SOCKET_DIR } from './csi-layout';
import { AgentContainer, AgentVolumeMount } from '../agent-container';
import { AgentVolume } from '../agent-volume';
import { HostMount } from '../host-mount';
import { NodeAffinityTerm, NodeRequirement } from '../node-affinity';
import { brand } from '../private/brand';
import * as rules from '../private/rules';
import { checkArgs } from '../private/shapes';
import { RbacRule } from '../rbac-rule';

/** The AWS EBS CSI driver, from the registry its project documents (the version of the anchor). */
const EBS_IMAGE = 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0';
const EBS_NAME = 'ebs.csi.aws.com';
/**
 * Nodes the EBS node plugin cannot serve, as upstream excludes them (aws-ebs-csi-driver
 * deploy/kubernetes/base/node.yaml, `nodeAffinity`): EKS Auto Mode and hybrid nodes (no EC2
 * instance metadata; Auto Mode brings its own EBS driver) and A1 instances (the first Graviton
 * generation, which the driver does not support). Fargate is excluded by the core already.
 */
const EBS_UNSUPPORTED_NODES = NodeAffinityTerm.allOf(
  NodeRequirement.notIn('eks.amazonaws.com/compute-type', ['auto', 'hybrid']),
  NodeRequirement.notIn('node.kubernetes.io/instance-type', ['a1.medium', 'a1.large', 'a1.xlarge', 'a1.2xlarge', 'a1.4xlarge']),
);

/** ceph/ceph-csi v3.12.2: the image its deploy/ manifests and charts run at that tag. */
const CEPH_IMAGE = 'quay.io/cephcsi/cephcsi:v3.12.2';
const CEPH_RBD_NAME = 'rbd.csi.ceph.com';
const CEPH_FS_NAME = 'cephfs.csi.ceph.com';
/** ceph-csi deploy/ceph-conf.yaml at v3.12.2: cephx everywhere. */
const CEPH_CONF = '[global]\nauth_cluster_required = cephx\nauth_service_required = cephx\nauth_client_required = cephx\n';


/** Which driver a `CsiDriver` is. */
export enum CsiDriverType {
  /** The AWS EBS CSI driver (`ebs.csi.aws.com`). */
  AWS_EBS = 'aws-ebs',
  /** Ceph RBD block volumes (`rbd.csi.ceph.com`), by ceph-csi. */
  CEPH_RBD = 'ceph-rbd',
  /** CephFS file volumes (`cephfs.csi.ceph.com`), by ceph-csi. */
  CEPH_FS = 'ceph-fs',
  /** A driver of your own (`CsiDriver.custom`). */
  CUSTOM = 'custom',
}

/**
 * A directory of configuration files the plugin reads: the files are written into the
 * StorageDaemon's configuration ConfigMap (`<name>-config`, with the `checksum/config` pod
 * annotation, so a change rolls the pods) and mounted read-only at `mountPath`.
 */
export interface CsiConfigDirectory {
  /** The pod volume's name (a DNS-1123 label, unique in the pod). */
  readonly volumeName: string;
  /** Where the directory appears in the plugin container (absolute). */
  readonly mountPath: string;
  /** The files: name to content. File names are unique across the driver's directories (one ConfigMap). */
  readonly files: { [fileName: string]: string };
}

/**
 * A CSI node plugin: what `StorageDaemon` runs as its plugin container, and what that needs
 * beyond the layout every CSI node plugin shares (the kubelet directory with Bidirectional
 * propagation, the socket directory `<kubeletDir>/plugins/<name>` at `/csi`, `/dev`, the
 * node-driver-registrar and livenessprobe sidecars). The built-in drivers are made of exactly
 * these options.
 */
export interface CsiDriverOptions {
  /**
   * The CSI driver's name, as the plugin reports it (GetPluginInfo) and as its CSIDriver object
   * is named: at most 63 lowercase letters, digits, "-" and ".". The socket directory and the
   * registration path derive from it.
   */
  readonly name: string;

  /** The plugin's image, pinned (a tag or digest). */
  readonly image: string;

  /**
   * The plugin's args. The plugin must listen on `$(CSI_ENDPOINT)` (`unix:/csi/csi.sock`, the
   * socket the sidecars dial): an `--endpoint` arg with another value is refused.
   */
  readonly args: string[];

  /**
   * Environment of the plugin container, besides `NODE_NAME` (the core's), `CSI_ENDPOINT` and
   * `CSI_NODE_NAME` (the preset's).
   *
   * @default - none
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Host paths the plugin needs beyond the kubelet directory, its socket directory and `/dev`.
   *
   * @default - none
   */
  readonly hostMounts?: HostMount[];

  /**
   * Pod volumes (not host paths) the plugin needs, mounted through `volumeMounts`.
   *
   * @default - none
   */
  readonly volumes?: AgentVolume[];

  /**
   * Mounts of `volumes` in the plugin container.
   *
   * @default - none
   */
  readonly volumeMounts?: AgentVolumeMount[];

  /**
   * Configuration files the plugin reads, written into the StorageDaemon's ConfigMap.
   *
   * @default - none
   */
  readonly configDirectories?: CsiConfigDirectory[];

  /**
   * More containers that talk to the plugin's socket (a driver's own health or metrics
   * exporter). Each gets the socket directory read-only at `/csi` and `CSI_ENDPOINT`; they are
   * unprivileged unless you say otherwise, and run as root (the socket belongs to root).
   *
   * @default - none
   */
  readonly sidecars?: AgentContainer[];

  /**
   * What the plugin may do in the Kubernetes API (a ClusterRole). Empty: no ClusterRole and no
   * service-account token.
   *
   * @default - none
   */
  readonly rbacRules?: RbacRule[];

  /**
   * The plugin container's lifecycle hooks (a pre-stop hook that waits for the node's volumes
   * to be unmounted, say).
   *
   * @default - none
   */
  readonly lifecycle?: ContainerLifecycle;

  /**
   * The port the plugin container serves Prometheus metrics on, declared as `metrics` (your
   * args must turn the server on). A metrics server in one of `sidecars` declares its own port
   * named `metrics` instead.
   *
   * @default - none
   */
  readonly metricsPort?: number;

  /**
   * The port the livenessprobe sidecar serves `/healthz` on. On the host network it is the
   * node's port: two drivers on one node need different ones.
   *
   * @default 9808
   */
  readonly healthPort?: number;

  /**
   * The port the node-driver-registrar serves `/healthz` on.
   *
   * @default 9809
   */
  readonly registrarHealthPort?: number;

  /**
   * Nodes the plugin must run on (any term), e.g. to exclude nodes the driver cannot serve.
   *
   * @default - every Linux node the core allows
   */
  readonly requiredNodeAffinity?: NodeAffinityTerm[];

  /**
   * The platforms (`os/arch[/variant]`) `image` is published for, as you verified them. The pod
   * declares the ones every image of the pod shares; without it, none.
   *
   * @default - not declared
   */
  readonly imagePlatforms?: string[];

  /**
   * Run on the node's network (a driver whose mounts must outlive the pod's network namespace).
   *
   * @default false
   */
  readonly hostNetwork?: boolean;

  /**
   * Run in the node's PID namespace.
   *
   * @default false
   */
  readonly hostPid?: boolean;

  /**
   * Whether the plugin container's root filesystem is read-only.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Capabilities to add to the (privileged) plugin container. A privileged container has every
   * capability already; this is for a driver you run unprivileged.
   *
   * @default - none
   */
  readonly addCapabilities?: Capability[];
}

/** Options of `CsiDriver.awsEbs()`. */
export interface AwsEbsCsiDriverOptions {
  /**
   * The EBS plugin's image, pinned (a mirror of it, say).
   *
   * @default "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0"
   */
  readonly image?: string;

  /**
   * The port of the plugin's metrics server (`--http-endpoint=0.0.0.0:<port>`).
   *
   * @default 3302
   */
  readonly metricsPort?: number;
}

/** One Ceph cluster the plugin may use: an entry of ceph-csi's `config.json`. */
export interface CephCluster {
  /**
   * The cluster's ID, as the StorageClasses name it (`clusterID`): letters, digits, "-", "_"
   * and ".", at most 63 (often the cluster's fsid).
   */
  readonly clusterId: string;

  /** The monitors' addresses, `host:port` or `[v2:host:3300,v1:host:6789]`; at least one. */
  readonly monitors: string[];

  /**
   * RBD: the RADOS namespace in the pool where images are kept (it must exist).
   *
   * @default - none
   */
  readonly radosNamespace?: string;

  /**
   * CephFS: the subvolume group of the volumes (it must exist).
   *
   * @default - ceph-csi's "csi"
   */
  readonly subvolumeGroup?: string;
}

/** Options of `CsiDriver.cephRbd()` and `CsiDriver.cephFs()`. */
export interface CephCsiDriverOptions {
  /** The Ceph clusters the plugin may use (ceph-csi's `config.json`); at least one. */
  readonly clusters: CephCluster[];

  /**
   * The ceph-csi image, pinned.
   *
   * @default "quay.io/cephcsi/cephcsi:v3.12.2"
   */
  readonly image?: string;

  /**
   * The `ceph.conf` the plugin's Ceph clients read.
   *
   * @default - ceph-csi's: `[global]` with cephx required for the cluster, services and clients
   */
  readonly cephConf?: string;

  /**
   * The port ceph-csi's liveness exporter (the `liveness-prometheus` container) serves
   * `/metrics` on, on the node's network.
   *
   * @default - 8680 for RBD, 8681 for CephFS (ceph-csi's)
   */
  readonly metricsPort?: number;

  /**
   * The livenessprobe sidecar's port, on the node's network.
   *
   * @default - 9810 for RBD, 9812 for CephFS
   */
  readonly healthPort?: number;

  /**
   * The node-driver-registrar's health port, on the node's network.
   *
   * @default - 9811 for RBD, 9813 for CephFS
   */
  readonly registrarHealthPort?: number;
}

/** What `StorageDaemon` knows when it renders a driver. */
interface CsiDriverContext {
  readonly kubeletDir: string;
  readonly socketDir: string;
  /** The driver name (the driver's, or a legacy `driverName` prop for EBS). */
  readonly name?: string;
  readonly image?: string;
  readonly metricsPort?: number;
}

/**
 * The CSI driver a `StorageDaemon` runs on every node: AWS EBS, Ceph RBD, CephFS, or one of
 * your own through `custom()`, which takes exactly what the built-in drivers are made of
 * (`CsiDriverOptions`).
 */
export class CsiDriver {
  /** The AWS EBS CSI driver's node plugin (`ebs.csi.aws.com`), v1.46.0. */
  public static awsEbs(options: AwsEbsCsiDriverOptions = {}): CsiDriver {
    checkArgs('CsiDriver.awsEbs', [options]);
    const o = options ?? {};
    return new CsiDriver(CsiDriverType.AWS_EBS, o.image ?? EBS_IMAGE, (ctx) => {
      const name = ctx.name ?? EBS_NAME;
      const metricsPort = ctx.metricsPort ?? o.metricsPort ?? 3302;
      return {
        name,
        image: ctx.image ?? o.image ?? EBS_IMAGE,
        args: [
          'node',
          '--endpoint=$(CSI_ENDPOINT)',
          `--csi-mount-point-prefix=${ctx.kubeletDir}/plugins/kubernetes.io/csi/${name}/`,
          // The node plugin's metrics (EBS's chart: node.enableMetrics).
          `--http-endpoint=0.0.0.0:${metricsPort}`,
          '--v=2',
        ],
        metricsPort,
        // EBS's pre-stop hook: on a node being drained, wait until the node's VolumeAttachments
        // are gone, so that volumes are unmounted before the plugin stops (cmd/hooks/prestop.go).
        lifecycle: { preStop: Handler.fromCommand(['/bin/aws-ebs-csi-driver', 'pre-stop-hook']) },
        rbacRules: [
          // get: its node's topology when instance metadata is unavailable (pkg/cloud/metadata/k8s.go),
          // and the pre-stop hook's drain check; list and watch: the not-ready taint watcher's nodes
          // informer, started at every start (pkg/driver/node.go, startNotReadyTaintWatcher).
          { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
          // The pre-stop hook's VolumeAttachments informer and list (cmd/hooks/prestop.go).
          { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'watch'] },
        ],
        // EBS's own exclusions, for EBS's driver name only (a renamed driver is not EBS's nodes' business).
        requiredNodeAffinity: name === EBS_NAME ? [EBS_UNSUPPORTED_NODES] : undefined,
      };
    }, o.metricsPort === undefined || rules.portNumber(o.metricsPort) === undefined ? [] : [['metricsPort', o.metricsPort, rules.portNumber(o.metricsPort)!]]);
  }

  /**
   * Ceph RBD block volumes (`rbd.csi.ceph.com`): ceph-csi v3.12.2's node plugin, as its
   * `deploy/rbd/kubernetes/csi-rbdplugin.yaml` runs it (host network and PID namespace, the
   * kernel's RBD client through `/dev`, `/sys` and `/lib/modules`), with its liveness exporter.
   */
  public static cephRbd(options: CephCsiDriverOptions): CsiDriver {
    checkArgs('CsiDriver.cephRbd', [options]);
    return CsiDriver.ceph(CsiDriverType.CEPH_RBD, options);
  }

  /**
   * CephFS file volumes (`cephfs.csi.ceph.com`): ceph-csi v3.12.2's node plugin, as its
   * `deploy/cephfs/kubernetes/csi-cephfsplugin.yaml` runs it (host network and PID namespace,
   * the kernel client or ceph-fuse), with its liveness exporter.
   */
  public static cephFs(options: CephCsiDriverOptions): CsiDriver {
    checkArgs('CsiDriver.cephFs', [options]);
    return CsiDriver.ceph(CsiDriverType.CEPH_FS, options);
  }

  /**
   * A driver of your own: its name, image and args, and whatever else its node plugin needs
   * (the same options the built-in drivers are made of). Your args are used as they are: write
   * the kubelet directory into them yourself if the plugin needs it.
   */
  public static custom(options: CsiDriverOptions): CsiDriver {
    checkArgs('CsiDriver.custom', [options]);
    const o = options;
    const problems: Array<[string, unknown, string]> = [];
    const port = (field: string, value: number | undefined) => {
      if (value !== undefined) {
        const p = rules.portNumber(value);
        if (p !== undefined) {
          problems.push([field, value, p]);
        }
      }
    };
    port('metricsPort', o.metricsPort);
    port('healthPort', o.healthPort);
    port('registrarHealthPort', o.registrarHealthPort);
    return new CsiDriver(CsiDriverType.CUSTOM, o.image, (ctx) => ({
      ...o,
      image: ctx.image ?? o.image,
      metricsPort: ctx.metricsPort ?? o.metricsPort,
      // Verified for the driver's own image only.
      imagePlatforms: ctx.image === undefined || ctx.image === o.image ? o.imagePlatforms : undefined,
    }), problems);
  }

  private static ceph(type: CsiDriverType, options: CephCsiDriverOptions): CsiDriver {
    const o = options;
    const rbd = type === CsiDriverType.CEPH_RBD;
    const name = rbd ? CEPH_RBD_NAME : CEPH_FS_NAME;
    const problems: Array<[string, unknown, string]> = [];
    const clusters = o.clusters ?? [];
    if (clusters.length === 0) {
      problems.push(['clusters', clusters, 'expected at least one Ceph cluster ({ clusterId, monitors })']);
    }
    const ids = new Set<string>();
    clusters.forEach((c, i) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(c.clusterId ?? '')) {
        problems.push([`clusters[${i}].clusterId`, c.clusterId, 'expected a cluster ID: 1-63 letters, digits, "-", "_" and ".", starting with a letter or digit']);
      } else if (ids.has(c.clusterId)) {
        problems.push([`clusters[${i}].clusterId`, c.clusterId, 'each cluster ID may appear only once: the StorageClasses select the cluster by it']);
      }
      ids.add(c.clusterId);
      if ((c.monitors ?? []).length === 0) {
        problems.push([`clusters[${i}].monitors`, c.monitors, 'expected at least one monitor address, e.g. "10.0.0.1:6789" or "[v2:10.0.0.1:3300,v1:10.0.0.1:6789]"']);
      }
      (c.monitors ?? []).forEach((m, j) => {
        if (!/^\S+$/.test(m)) {
          problems.push([`clusters[${i}].monitors[${j}]`, m, 'expected a monitor address without spaces, e.g. "10.0.0.1:6789"']);
        }
      });
      if (c.radosNamespace !== undefined && !rbd) {
        problems.push([`clusters[${i}].radosNamespace`, c.radosNamespace, 'RBD only: CephFS volumes are placed by subvolumeGroup']);
      }
      if (c.subvolumeGroup !== undefined && rbd) {
        problems.push([`clusters[${i}].subvolumeGroup`, c.subvolumeGroup, 'CephFS only: RBD images are placed by radosNamespace']);
      }
    });
    for (const [field, value] of [['metricsPort', o.metricsPort], ['healthPort', o.healthPort], ['registrarHealthPort', o.registrarHealthPort]] as const) {
      const p = value === undefined ? undefined : rules.portNumber(value);
      if (p !== undefined) {
        problems.push([field, value, p]);
      }
    }
    const image = o.image ?? CEPH_IMAGE;
    return new CsiDriver(type, image, (ctx): CsiDriverOptions => {
      const img = ctx.image ?? image;
      const metricsPort = ctx.metricsPort ?? o.metricsPort ?? (rbd ? 8680 : 8681);
      // ceph-csi's config.json (api/deploy/kubernetes/csi-config-map.go: clusterID, monitors,
      // rbd.radosNamespace, cephFS.subvolumeGroup).
      const config = clusters.map((c) => ({
        clusterID: c.clusterId,
        monitors: [...(c.monitors ?? [])],
        ...(c.radosNamespace !== undefined ? { rbd: { radosNamespace: c.radosNamespace } } : {}),
        ...(c.subvolumeGroup !== undefined ? { cephFS: { subvolumeGroup: c.subvolumeGroup } } : {}),
      }));
      return {
        name,
        image: img,
        args: [
          '--nodeid=$(NODE_ID)',
          ...(rbd ? [`--pluginpath=${ctx.kubeletDir}/plugins`, `--stagingpath=${ctx.kubeletDir}/plugins/kubernetes.io/csi/`] : []),
          `--type=${rbd ? 'rbd' : 'cephfs'}`,
          '--nodeserver=true',
          '--endpoint=$(CSI_ENDPOINT)',
          ...(rbd ? ['--csi-addons-endpoint=$(CSI_ADDONS_ENDPOINT)'] : []),
          '--v=5',
          `--drivername=${name}`,
          '--enableprofiling=false',
        ],
        env: {
          POD_IP: EnvValue.fromFieldRef(EnvFieldPaths.POD_IP),
          NODE_ID: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
          POD_NAMESPACE: EnvValue.fromFieldRef(EnvFieldPaths.POD_NAMESPACE),
          ...(rbd ? { CSI_ADDONS_ENDPOINT: EnvValue.fromValue(`unix://${CSI_SOCKET_DIR}/csi-addons.sock`) } : {}),
        },
        hostMounts: [
          // rbd map writes /sys/bus/rbd; ceph-fuse and the kernel client read /sys.
          HostMount.readWrite('/sys', { volumeName: 'host-sys', shared: true }),
          // libmount's userspace mount table (utab), shared with the node's mount(8).
          HostMount.readWrite('/run/mount', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'host-mount', shared: true }),
          HostMount.readOnly('/etc/selinux', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'etc-selinux' }),
          // modprobe rbd / ceph.
          HostMount.readOnly('/lib/modules', { volumeName: 'lib-modules' }),
          ...(rbd
            // rbd-nbd's logs; the node's Ceph clients log there too.
            ? [HostMount.readWrite('/var/log/ceph', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'ceph-logdir', shared: true })]
            // ceph-fuse remounts from the records the plugin keeps here (internal/cephfs/util/mountinfo.go).
            : [HostMount.readWrite(`${ctx.socketDir}/mountinfo`, { mountPath: `${CSI_SOCKET_DIR}/mountinfo`, type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'ceph-csi-mountinfo' })]),
        ],
        // The keys of each CSI call are written to a temporary file here and removed after use
        // (internal/util/credentials.go): memory only, never the node's disk.
        volumes: [AgentVolume.fromEmptyDir('keys-tmp-dir', { inMemory: true })],
        volumeMounts: [{ volumeName: 'keys-tmp-dir', mountPath: '/tmp/csi/keys', readOnly: false }],
        configDirectories: [
          { volumeName: 'ceph-csi-config', mountPath: '/etc/ceph-csi-config', files: { 'config.json': `${JSON.stringify(config, undefined, 2)}\n` } },
          // keyring: required by the Ceph clients, empty (the keys come with each CSI call).
          { volumeName: 'ceph-config', mountPath: '/etc/ceph', files: { 'ceph.conf': o.cephConf ?? CEPH_CONF, 'keyring': '' } },
        ],
        sidecars: [{
          // ceph-csi's liveness exporter: calls the plugin's Probe every 60 s and serves the
          // result as the csi_liveness metric.
          name: 'liveness-prometheus',
          image: img,
          args: ['--type=liveness', '--endpoint=$(CSI_ENDPOINT)', `--metricsport=${metricsPort}`, '--metricspath=/metrics', '--polltime=60s', '--timeout=3s'],
          env: { POD_IP: EnvValue.fromFieldRef(EnvFieldPaths.POD_IP) },
          ports: [{ containerPort: metricsPort, name: 'metrics' }],
        }],
        rbacRules: [
          // The node's labels, for --domainlabels and read affinity (internal/util/k8s/node.go).
          { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
          ...(rbd ? [
            // The volume healer, at every start: restages rbd-nbd volumes of this node from their
            // VolumeAttachments, PVs and node-stage Secrets (internal/rbd/rbd_healer.go).
            { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'get'] },
            { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get'] },
            { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
          ] : []),
        ],
        healthPort: o.healthPort ?? (rbd ? 9810 : 9812),
        registrarHealthPort: o.registrarHealthPort ?? (rbd ? 9811 : 9813),
        // rbd map and the CephFS kernel mount keep the network namespace they were made in: in the
        // pod's, every volume of the node hangs when the plugin's pod is replaced (examples/README.md).
        hostNetwork: true,
        // As upstream (RBD since ceph-csi 3436a094, "nsmounter"; CephFS since 7b2aef0d, "nsenter":
        // rbd map and mount -t in another process's network namespace, netNamespaceFilePath).
        hostPid: true,
        // The Ceph tools the plugin runs (rbd, rbd-nbd, ceph-fuse, mount.ceph) write their run
        // files (admin sockets under /var/run/ceph) in the image: upstream's root is writable.
        readOnlyRootFilesystem: false,
      };
    }, problems);
  }

  /** Which driver this is. */
  public readonly type: CsiDriverType;
  /** The plugin's image. */
  public readonly image: string;

  /** @internal */
  public readonly _problems: Array<[string, unknown, string]>;

  private readonly render: (ctx: CsiDriverContext) => CsiDriverOptions;

  private constructor(
    type: CsiDriverType, image: string, render: (ctx: CsiDriverContext) => CsiDriverOptions, problems: Array<[string, unknown, string]>,
  ) {
    this.type = type;
    this.image = image;
    this.render = render;
    this._problems = problems;
  }

  /** The driver's name: its own, or (EBS) the one given. @internal */
  public _name(name?: string): string {
    return this.render({ kubeletDir: '/var/lib/kubelet', socketDir: '/var/lib/kubelet/plugins/x', name }).name;
  }

  /** The driver's node plugin for this kubelet directory and these overrides. @internal */
  public _resolve(ctx: {
    readonly kubeletDir: string; readonly socketDir: string; readonly name?: string; readonly image?: string; readonly metricsPort?: number;
  }): CsiDriverOptions {
    return this.render(ctx);
  }
}
brand(CsiDriver, 'CsiDriver');
