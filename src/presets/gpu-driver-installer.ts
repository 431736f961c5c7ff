import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvValue, HostPathVolumeType, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GpuNodes } from './gpu-nodes';
import { AgentContainer } from '../agent-container';
import { splitContainerSettings } from '../builders/container-settings';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { NodeAffinityTerm, NodeRequirement } from '../node-affinity';
import { imagePlatformsOf } from '../private/image-platforms';
import { withDefaults } from '../private/merge';
import { LabelRequirement, satisfiable } from '../private/node-overlap';
import * as rules from '../private/rules';
import { checkConstructProps } from '../private/shapes';
import { Toleration } from '../toleration';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';

/** How the NVIDIA driver gets onto the node: which installer, and the pod layout it needs. */
export enum GpuDriverFlavor {
  /**
   * Google's `cos-gpu-installer` on Container-Optimized OS (GKE) nodes, the layout of GKE's own
   * installer DaemonSet: a privileged init container installs the signed, precompiled driver
   * for the node's COS build into a host directory and exits; an unprivileged `pause`
   * container keeps the pod, which marks the node done.
   */
  COS = 'cos',

  /**
   * NVIDIA's driver container (`nvcr.io/nvidia/driver:<version>-<os>`, as the GPU Operator runs
   * it) on Ubuntu, RHEL and other general-purpose nodes: it compiles and loads the driver,
   * exposes its own filesystem (the driver's libraries and tools) at `/run/nvidia/driver`, and
   * must keep running to keep it there, so it is the privileged main container, with a startup
   * probe that allows a long compile.
   */
  DRIVER_CONTAINER = 'driver-container',
}

/**
 * Props of a `GpuDriverInstaller`: its own, then the core's (`DaemonSetOptions`) with the defaults this
 * preset gives them (reasons and sources in docs/presets/gpu-driver-installer.md). Props you give follow the
 * library's merge rule (`DaemonSet.mergeOptions`): lists are added to the preset's, maps and
 * `resources` merged, anything else replaces the preset's value.
 */
export interface GpuDriverInstallerProps extends DaemonSetOptions {
  /**
   * Which installer, and so which node OS, pod layout and host access.
   *
   * @default GpuDriverFlavor.COS
   */
  readonly flavor?: GpuDriverFlavor;

  /**
   * The installer image: the init container's with `COS`, the main container's with
   * `DRIVER_CONTAINER`. A custom image must behave like the flavor's own (same arguments,
   * same paths).
   *
   * @default - "us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10" with COS;
   * "nvcr.io/nvidia/driver:<driverVersion>-<operatingSystem>" with DRIVER_CONTAINER
   */
  readonly image?: string;

  /**
   * The NVIDIA driver version, e.g. "550.127.05". With `COS` it is passed to the installer as
   * `--version=<driverVersion>`, or "latest" (the installer's one alias: the newest driver
   * Google signed for the node's COS build); without it the installer installs the default
   * driver of the node's COS build, as GKE's own DaemonSet does (it passes no `--version`;
   * the installer takes any other value, "default" included, as a literal version). COS only
   * loads drivers Google signed for that build. With `DRIVER_CONTAINER` it is the image tag's
   * version (set it to the version inside a custom `image`). It is the pods'
   * `app.kubernetes.io/version` label (with COS and no version: the installer image's tag).
   *
   * @default - none with COS (the installer's default for the node's COS build);
   * "550.127.05" with DRIVER_CONTAINER
   */
  readonly driverVersion?: string;

  /**
   * The OS tag of NVIDIA's driver image, e.g. "ubuntu22.04", "ubuntu24.04" or "rhel9.4". Only
   * with `DRIVER_CONTAINER`. It also selects the nodes: the installer runs only where node
   * feature discovery's `feature.node.kubernetes.io/system-os_release.ID` and `.VERSION_ID`
   * labels spell that OS ("ubuntu" and "22.04"), as the GPU Operator runs one driver DaemonSet
   * per OS. One installer per OS: create one `GpuDriverInstaller` for each OS of your GPU nodes.
   * With a custom `image` it is the image's OS tag (its tag ends in `-<os>`): give it only to
   * repeat that value. Container-Optimized OS ("cos...") is refused: use `GpuDriverFlavor.COS`.
   *
   * @default - "ubuntu22.04" with DRIVER_CONTAINER (with a custom image: the image tag's OS);
   * none with COS (not allowed there)
   */
  readonly operatingSystem?: string;

  /**
   * The nodes that get the driver, selected by a label that is on the node before the driver
   * is (see `GpuNodes`). The preset adds the OS (`cloud.google.com/gke-os-distribution` In
   * `cos` with COS; NFD's os_release ID and VERSION_ID of `operatingSystem`, and not GKE's
   * `cos`, with DRIVER_CONTAINER) and the opt-out (`nvidia.com/gpu.deploy.driver` NotIn
   * `false`, `pre-installed`): the result is `nodeSelection`. Replaced by
   * `requiredNodeAffinity` if that is given (each of its terms gets the same OS and opt-out
   * requirements), so give only one of them.
   *
   * @default - GpuNodes.gke() with COS; GpuNodes.gpuPresent() (nvidia.com/gpu.present=true)
   * with DRIVER_CONTAINER
   */
  readonly gpuNodes?: GpuNodes;

  /**
   * The host directory the driver is installed into (only with `COS`). GKE's containerd
   * configuration and device plugin expect "/home/kubernetes/bin/nvidia".
   *
   * @default "/home/kubernetes/bin/nvidia"
   */
  readonly installDir?: string;

  /**
   * The image of the long-running container that keeps the pod once the init container has
   * installed the driver (only with `COS`).
   *
   * @default "registry.k8s.io/pause:3.10"
   */
  readonly pauseImage?: string;

  /**
   * Allow a rolling update that replaces the driver on more than one node at a time (a
   * `maxUnavailable` above 1 or a percentage) or starts a second installer beside the running
   * one (`maxSurge` above 0). Without it such an `updateStrategy` is rejected.
   *
   * @default false
   */
  readonly allowParallelRollout?: boolean;
}

const DRIVER_VERSION = /^[1-9][0-9]*\.[0-9]+(\.[0-9]+)?$/;
const COS_VERSION_ALIAS = /^latest$/;

/**
 * GKE's installer command (nvidia-driver-installer/cos/daemonset-preloaded.yaml): skip the
 * install when the nvidia module is already loaded (a restarted pod, or a driver put there by
 * other means), else run the installer with the container's args.
 */
const COS_SKIP_IF_LOADED = [
  'echo "Checking for existing GPU driver modules"',
  'if lsmod | grep nvidia; then',
  '  echo "GPU driver is already installed, the installed version may or may not be the driver version being tried to install, skipping installation"',
  '  exit 0',
  'fi',
  'echo "No GPU driver module detected, installing now"',
  'exec /cos-gpu-installer "$@"',
].join('\n');
const OS_TAG = /^([a-z]+)([0-9]+(?:\.[0-9]+)*)$/;
/** A driver image tag's OS: `<version>-<os>` (550.127.05-ubuntu22.04), also precompiled tags (535-5.15.0-1048-nvidia-ubuntu22.04). */
const IMAGE_OS_TAG = /-([a-z]+[0-9]+(?:\.[0-9]+)*)$/;

/** Node feature discovery's os_release labels (source/system/system.go), as the GPU Operator selects a driver per OS. */
const NFD_OS_ID = 'feature.node.kubernetes.io/system-os_release.ID';
const NFD_OS_VERSION_ID = 'feature.node.kubernetes.io/system-os_release.VERSION_ID';
/** GKE's node OS label: `cos` or `ubuntu`. */
const GKE_OS_DISTRIBUTION = 'cloud.google.com/gke-os-distribution';
/** The GPU Operator's per-node switch for its driver; k8s-driver-manager sets `pre-installed` where the host has one. */
const DEPLOY_DRIVER = 'nvidia.com/gpu.deploy.driver';
const DEPLOY_DRIVER_OPT_OUT = ['false', 'pre-installed'];
/** Not COS by either label (absent labels included). */
const NOT_COS: LabelRequirement[] = [
  { key: GKE_OS_DISTRIBUTION, operator: 'NotIn', values: ['cos'] },
  { key: NFD_OS_ID, operator: 'NotIn', values: ['cos'] },
];

/** cos-gpu-installer's lock file (src/pkg/utils/utils.go `lockFile`), under the host's `/` at /root. */
const COS_INSTALLER_LOCK = '/tmp/cos_gpu_installer_lock';

/**
 * The driver container's guard (an init container): waits while the NVIDIA driver on the node is
 * in use, with the driver container's own test (`_unload_driver`: a reference on nvidia beyond
 * its dependent modules, or any on nvidia_uvm, nvidia_modeset, nvidia_peermem), so that a
 * restarted driver pod waits for the GPU pods to go instead of crash-looping on
 * `_unload_driver || exit 1`. POSIX sh: it runs in the driver image, unprivileged.
 */
const UNLOAD_GUARD = [
  'ref() { if [ -f "/sys/module/$1/refcnt" ]; then cat "/sys/module/$1/refcnt"; else echo none; fi; }',
  'while :; do',
  '  deps=0; held=""',
  '  for m in nvidia_modeset nvidia_uvm nvidia_peermem; do',
  '    r=$(ref $m)',
  '    if [ "$r" != none ]; then deps=$((deps + 1)); if [ "$r" -gt 0 ]; then held="$held $m:$r"; fi; fi',
  '  done',
  '  r=$(ref nvidia)',
  '  if [ "$r" != none ] && [ "$r" -gt "$deps" ]; then held="$held nvidia:$r"; fi',
  '  if [ -z "$held" ]; then',
  '    echo "NVIDIA driver not loaded, or loaded and unused: the driver container may (re)load it"',
  '    exit 0',
  '  fi',
  '  echo "NVIDIA driver in use (references:$held): waiting for the GPU pods on this node to stop before the driver container unloads it. Cordon the node and evict its GPU pods (docs/presets/gpu-driver-installer.md, Upgrading the driver); if the node has a driver of its own, label it nvidia.com/gpu.deploy.driver=false"',
  '  sleep 30',
  'done',
].join('\n');

/** The installer's resources: it unpacks and links (COS) or compiles (driver container) a kernel module. */
const INSTALLER_RESOURCES = {
  cpu: { request: Cpu.millis(150) },
  memory: { request: Size.mebibytes(512) },
};

/** The guard's resources: it reads a few sysfs files every 30 s. */
const GUARD_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(10) },
  memory: { request: Size.mebibytes(16), limit: Size.mebibytes(32) },
};

/** The pause container's resources: it only sleeps. */
const PAUSE_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(10) },
  memory: { request: Size.mebibytes(8), limit: Size.mebibytes(16) },
};

/**
 * Installs the NVIDIA GPU driver on GPU nodes, and only there: a DaemonSet that loads the
 * kernel modules and puts the driver's libraries where the container runtime and the device
 * plugin find them.
 *
 * Creates a DaemonSet and its ServiceAccount (no token, no RBAC: the installer never calls the
 * API). Two flavors (`GpuDriverFlavor`): `COS` (default) follows GKE's installer DaemonSet, a
 * privileged init container that installs and exits and an unprivileged `pause` container that
 * keeps the pod, so the pod being Running means "driver installed on this node";
 * `DRIVER_CONTAINER` follows the GPU Operator's driver DaemonSet, NVIDIA's driver container as a
 * privileged main container, because its driver lives in its own filesystem and goes away with it.
 *
 * Choices, compared with the anchors (GKE's COS and Ubuntu installer DaemonSets, the GPU
 * Operator's driver DaemonSet, NVIDIA's device plugin):
 * - Nodes: a required node affinity on a label the node has before the driver (`GpuNodes`):
 *   GKE's accelerator label without `gke-gpu-driver-version` for COS, as GKE does, so that it
 *   never races GKE's managed installer; `nvidia.com/gpu.present=true` (the GPU Operator's
 *   label) for the driver container. Labels that GPU feature discovery writes need the driver
 *   and so cannot be used. Plus `kubernetes.io/os: linux`.
 * - One installer per OS: the preset adds the node's OS to every node term (`gpuNodes`, or each
 *   term of your `requiredNodeAffinity`). The driver container runs only where node feature
 *   discovery's `feature.node.kubernetes.io/system-os_release.ID` and `.VERSION_ID` spell its
 *   image's OS tag ("ubuntu" and "22.04" for ubuntu22.04), as the GPU Operator runs one driver
 *   DaemonSet per OS, and never where GKE says `cloud.google.com/gke-os-distribution: cos`; the
 *   COS installer only where that label (or NFD's ID) is `cos`. A term that can only match the
 *   other OS is rejected. Create one installer for each OS of your GPU nodes: their nodes never
 *   overlap, and two installers that can meet on a node are refused at synth (their install
 *   directory, lock or firmware directory is claimed twice).
 * - Opt-out: never on a node labelled `nvidia.com/gpu.deploy.driver` `false` or
 *   `pre-installed`, the GPU Operator's switch (it keeps a value already on the node, and its
 *   driver manager writes `pre-installed` where the host has a driver): label nodes that ship
 *   a driver so.
 * - Taints: every taint is tolerated, as GKE's installers do; the affinity already keeps the pod
 *   to GPU nodes, and a GPU node is useless without its driver whatever else it is tainted
 *   with. This covers `nvidia.com/gpu:NoSchedule`, which is all the GPU Operator and the device
 *   plugin tolerate; pass `tolerations` to narrow it.
 * - Rollout: `OnDelete`, as the GPU Operator does (GKE uses a RollingUpdate). A new driver
 *   cannot replace a loaded one while GPU workloads use it: each node is drained and its pod
 *   deleted (or the node replaced) deliberately. A rolling update is accepted with
 *   maxUnavailable 1 and no surge; anything wider only with `allowParallelRollout`, because a
 *   bad driver rolled to every GPU node at once takes every GPU out.
 * - Driver unload: the driver container unloads the loaded driver when it starts and exits if
 *   it cannot (`_unload_driver || exit 1`), so a replaced pod crash-loops while GPU pods hold
 *   the driver. The GPU Operator evicts the GPU pods first (its k8s-driver-manager init
 *   container, with RBAC to cordon and drain the node); this library does not give a pod on
 *   every GPU node that power. Instead an init container, `driver-unload-guard` (the driver
 *   image, unprivileged, nobody, no mounts), waits while the driver is in use, by the driver
 *   container's own test (a reference on `nvidia` beyond its dependent modules, or any on
 *   `nvidia_uvm`, `nvidia_modeset`, `nvidia_peermem`), logging what to do every 30 s: the pod
 *   waits in Init, never unloads under running GPU pods, and continues once you have drained
 *   them. COS never unloads (its wrapper skips a loaded driver): a new COS driver takes a new
 *   node or a reboot.
 * - `system-node-critical`, as every anchor: the node's GPUs are useless without it. On GKE
 *   that class is only admitted in kube-system unless a ResourceQuota allows it elsewhere.
 * - No startup probe with COS: an init container cannot have one, and it needs none (an init
 *   container may run as long as it takes, and `pause` starts only once the install succeeded;
 *   `pause` has no shell for an exec probe either). With `DRIVER_CONTAINER`, a startup probe
 *   runs `nvidia-smi` every 10s, after 60s, up to 120 times with a 60s timeout (the GPU
 *   Operator's values): about 21 minutes for a compile before the kubelet restarts it.
 * - Resources: the installer requests 150m CPU (GKE's value) and 512Mi memory with no memory
 *   limit, as the anchors set none: the kernel module build runs one compiler per CPU, so its
 *   peak grows with the node and a limit would OOM-kill installs on large GPU nodes. `pause`
 *   gets 10m CPU and 8Mi memory, limit 16Mi.
 *
 * Host access (all of it in the installer container; `pause` and `driver-unload-guard` have
 * none and run as nobody with no capabilities and a read-only root filesystem):
 * - privileged: loading kernel modules (CAP_SYS_MODULE), creating the `/dev/nvidia*` device
 *   nodes, writing the firmware search path in /sys and mounting overlays need it; a
 *   capability list cannot express device access. A privileged container with the host's PID
 *   namespace is root on the node whatever its mounts say: the read-only mounts below guard
 *   against mistakes, not against the installer.
 * - hostPID: as every anchor: the installer must see the node's processes that hold the GPU
 *   (nvidia-installer refuses to replace a driver in use, and the driver container's
 *   persistence daemon and shutdown act on host processes).
 * - COS: `/dev` read-write (device nodes); `/` read-only at /root (the installer reads the COS
 *   build and kernel from it); read-write only the install directory (at /root plus its host
 *   path), `/etc` at /root/etc (it adds the driver's lib64 to the host's ld.so.conf and runs
 *   `ldconfig -r /root`) and `/var/lib/cos-tools` at /build/cos-tools (the cached toolchain,
 *   which GKE preloads). GKE mounts all of `/` read-write; the Vulkan ICD and `/etc/nvidia`
 *   (MIG partitioning) mounts of GKE's DaemonSet are left out, and so are `/lib/modules` and
 *   `/boot`: the installer reads the kernel through /root and loads the modules it links from
 *   the install directory (the driver container installs the headers for the running kernel
 *   itself). The installer's lock, `/root/tmp/cos_gpu_installer_lock` (opened with O_CREATE),
 *   is the host's `/tmp/cos_gpu_installer_lock` mounted read-write on its own (`FileOrCreate`):
 *   it works however read-only `/` is, recursive read-only included. hostNetwork, as GKE's COS
 *   DaemonSet: the installer asks the VM's metadata server for its zone and downloads from
 *   Cloud Storage directly.
 * - DRIVER_CONTAINER: `/run/nvidia` read-write with Bidirectional propagation (the driver's
 *   filesystem is mounted at /run/nvidia/driver for the container toolkit, which must be
 *   configured with that driver root; `shared`: the toolkit, validator and device plugin use
 *   it too) and `/etc/os-release` read-only (the container checks
 *   that the node's OS matches its own), and, as the GPU Operator does, the host's
 *   `/run/nvidia/driver/lib/firmware` read-write at `/lib/firmware`: the container points the
 *   kernel's firmware search path there and installs the GSP firmware into /lib/firmware, so the
 *   kernel finds it before /run/nvidia/driver is published (OpenRM fails to load otherwise:
 *   NVIDIA/gpu-driver-container#175). The GPU Operator also mounts /var/log and /sys (its
 *   validation and RDMA features) and the firmware search path file (a privileged container's
 *   /sys is writable anyway); they are left out.
 * - COS: the installer runs GKE's own wrapper: it skips the install when the `nvidia` module is
 *   already loaded (a restarted pod), and passes no `--version` unless `driverVersion` is given
 *   (the installer then installs the default driver of the node's COS build). Like GKE's
 *   DaemonSet, the default `GpuNodes.gke()` leaves out confidential GPU nodes.
 *
 * Props follow the library's merge rule: `hostMounts`, `volumes`, `volumeMounts`,
 * `initContainers`, `sidecars` and `ports` you give are added to the preset's (your init
 * containers run after the installer); `env`, `labels`, `annotations` and `podAnnotations` are
 * merged (your keys win, e.g. over the version label); any other prop replaces the preset's value
 * (`tolerations`, `requiredNodeAffinity`, `startup`, `resources`, ...).
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
 * | `priorityClassName` | `"system-node-critical"` | the node's GPUs are useless without the driver |
 * | `updateStrategy` | `UpdateStrategy.onDelete()` | a driver is replaced node by node, deliberately |
 * | `tolerations` | `[Toleration.all()]` | every taint, as the GPU nodes' own taints and the NVIDIA device plugin |
 * | `requiredNodeAffinity` | the GPU nodes, from `gpuNodes`, with the OS (COS; or the driver image's OS by NFD's os_release labels, not COS) and the opt-out (`nvidia.com/gpu.deploy.driver` NotIn false, pre-installed) added; yours replaces `gpuNodes` and gets the same additions in each term | one installer per OS, never on nodes with a driver of their own |
 * | `hostPid` | `true` | the installer must see the processes that hold the GPU |
 * | `hostNetwork` | true with COS (metadata server and Cloud Storage reached directly, as GKE's), false with DRIVER_CONTAINER |  |
 * | `component` | `"gpu-driver"` |  |
 * | `labels` | the core's, with `app.kubernetes.io/version` the driver version (COS without one: the installer image's tag) |  |
 * | `containerName` | "nvidia-driver" (DRIVER_CONTAINER); "pause" with COS, whose installer is the init container "nvidia-driver-installer" | with COS every container setting you give (`env`, `args`, `hostMounts`, `privileged`, `resources`, ...) reaches the installer, not `pause`; probes and lifecycle hooks are rejected there (an init container has none) |
 * | `initContainers` | with COS, the installer (privileged, root, writable root filesystem); with DRIVER_CONTAINER, `driver-unload-guard` (unprivileged); yours run after them | the guard waits while GPU pods hold the driver instead of letting the driver container crash-loop |
 * | `privileged` | true for the installer container (loads kernel modules, creates device nodes); with COS the main container is `pause`, not privileged |  |
 * | `readOnlyRootFilesystem` | false for the installer container (it unpacks the driver into its own filesystem) |  |
 * | `resources` | requests 150m CPU and 512Mi memory, no memory limit, for the container that runs the installer (the main container, or with COS the init container; `pause` keeps requests of 10m CPU and 8Mi, limit 16Mi) | compiling or unpacking a kernel module peaks with the node; a memory limit would OOM-kill it |
 * | `command` | ["nvidia-driver"] with DRIVER_CONTAINER; with COS GKE's skip-if-loaded wrapper around cos-gpu-installer, in the init container |  |
 * | `args` | ["init"] with DRIVER_CONTAINER; ["install"] (and `--version` with `driverVersion`) for the COS installer |  |
 * | `hostMounts` | DRIVER_CONTAINER: /run/nvidia (Bidirectional, shared), /etc/os-release read-only and the firmware directory; COS: the installer's /dev, /, /etc, the install directory, /var/lib/cos-tools and its lock /tmp/cos_gpu_installer_lock |  |
 * | `startup` | DRIVER_CONTAINER: `nvidia-smi` every 10 s after 60 s, up to 120 failures (a driver build takes minutes) |  |
 * | `imagePlatforms` | DRIVER_CONTAINER with the default driver image (550.127.05-ubuntu22.04): linux/amd64, linux/arm64 (NVIDIA's multi-arch build). Not declared with COS (the installer's platforms are not verified), with another `driverVersion`, `operatingSystem` or `image`, or when a container runs an image of your own. |  |
 *
 * @example
 * new GpuDriverInstaller(chart, 'nvidia-driver', {
 *   flavor: GpuDriverFlavor.DRIVER_CONTAINER,
 *   driverVersion: '550.127.05',
 *   operatingSystem: 'ubuntu22.04',
 * });
 */
export class GpuDriverInstaller extends Construct {
  /** The default installer image with `GpuDriverFlavor.COS`. */
  public static readonly DEFAULT_COS_INSTALLER_IMAGE = 'us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10';
  /** The repository of NVIDIA's driver container (the tag is `<driverVersion>-<operatingSystem>`). */
  public static readonly DRIVER_CONTAINER_REPOSITORY = 'nvcr.io/nvidia/driver';
  /** The default driver version with `GpuDriverFlavor.DRIVER_CONTAINER` (the GPU Operator v24.9 default). */
  public static readonly DEFAULT_DRIVER_CONTAINER_VERSION = '550.127.05';
  /** The default long-running container with `GpuDriverFlavor.COS`. */
  public static readonly DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
  /** The default host install directory with `GpuDriverFlavor.COS` (GKE's). */
  public static readonly DEFAULT_COS_INSTALL_DIR = '/home/kubernetes/bin/nvidia';

  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The flavor chosen. */
  public readonly flavor: GpuDriverFlavor;
  /** The installer image. */
  public readonly image: string;
  /** The driver version (or "latest") chosen; undefined with COS when the installer picks its default. */
  public readonly driverVersion?: string;
  /** The GPU nodes given (or the flavor's default), before the OS and the opt-out are added. */
  public readonly gpuNodes: GpuNodes;
  /**
   * The nodes the installer runs on: `gpuNodes` with the OS and the opt-out requirements the
   * preset adds (the required node affinity term, unless `requiredNodeAffinity` replaced it).
   */
  public readonly nodeSelection: GpuNodes;
  /** The driver image's OS tag, which selects the nodes' OS (DRIVER_CONTAINER only; none with a custom image without one). */
  public readonly operatingSystem?: string;
  /** The host install directory (COS only). */
  public readonly installDir?: string;
  /** The long-running container's image (COS only). */
  public readonly pauseImage?: string;
  /** The name of the container that runs the installer (an init container with COS, the main container otherwise). */
  public readonly installerContainerName: string;

  constructor(scope: Construct, id: string, props: GpuDriverInstallerProps = {}) {
    super(scope, id);
    props = checkConstructProps('GpuDriverInstallerProps', this, props);
    const {
      flavor, image, driverVersion, operatingSystem, gpuNodes, installDir, pauseImage,
      allowParallelRollout, ...coreProps
    } = props;
    const problems = ValidationProblems.of(this);

    this.flavor = flavor ?? GpuDriverFlavor.COS;
    if (!Object.values(GpuDriverFlavor).includes(this.flavor)) {
      problems.add('flavor', this.flavor, `expected one of ${Object.values(GpuDriverFlavor).join(', ')} (GpuDriverFlavor)`);
      problems.throwIfAny();
    }
    const cos = this.flavor === GpuDriverFlavor.COS;

    this.driverVersion = driverVersion ?? (cos ? undefined : GpuDriverInstaller.DEFAULT_DRIVER_CONTAINER_VERSION);
    if (this.driverVersion !== undefined) {
      checkDriverVersion(this.driverVersion, cos, problems);
    }

    for (const [prop, value, flavorName] of [
      ['operatingSystem', operatingSystem, 'DRIVER_CONTAINER'],
      ['installDir', installDir, 'COS'],
      ['pauseImage', pauseImage, 'COS'],
    ] as const) {
      if (value !== undefined && (flavorName === 'COS') !== cos) {
        problems.add(prop, value, `only applies to the ${flavorName} flavor (flavor is ${this.flavor}); remove it`);
      }
    }
    if (!cos) {
      this.operatingSystem = driverOperatingSystem(image, operatingSystem, coreProps.requiredNodeAffinity !== undefined, problems);
    } else {
      const dir = installDir ?? GpuDriverInstaller.DEFAULT_COS_INSTALL_DIR;
      if (rules.absoluteHostPath(dir) !== undefined || dir.replace(/\/+$/, '') === '') {
        problems.add('installDir', dir, 'expected an absolute host path other than "/", without ".." segments, e.g. "/home/kubernetes/bin/nvidia"');
      }
      this.installDir = typeof dir === 'string' ? dir.replace(/\/+$/, '') : dir;
      this.pauseImage = pauseImage ?? GpuDriverInstaller.DEFAULT_PAUSE_IMAGE;
      problems.check('pauseImage', this.pauseImage, rules.pinnedImage(this.pauseImage));
    }

    this.image = image ?? (cos
      ? GpuDriverInstaller.DEFAULT_COS_INSTALLER_IMAGE
      : `${GpuDriverInstaller.DRIVER_CONTAINER_REPOSITORY}:${this.driverVersion}-${this.operatingSystem}`);
    problems.check('image', this.image, rules.pinnedImage(this.image));
    // The other flavor's installer: its command and mounts are this flavor's, so it crash-loops.
    const repository = typeof image === 'string' ? image.replace(/[@:][^/]*$/, '') : '';
    const cosInstaller = /(^|\/)cos-(gpu|nvidia)-installer$/.test(repository);
    const driverContainer = /(^|\/)nvidia\/driver$/.test(repository);
    if ((cos && driverContainer) || (!cos && cosInstaller)) {
      problems.add('image', image, `is ${cos ? 'NVIDIA\'s driver container' : 'GKE\'s COS installer'}, and flavor ${this.flavor} runs ${cos ? 'cos-gpu-installer' : 'NVIDIA\'s driver container'} with its own command and mounts: set flavor: GpuDriverFlavor.${cos ? 'DRIVER_CONTAINER' : 'COS'}, or give an image of this flavor`);
    }

    if (gpuNodes !== undefined && coreProps.requiredNodeAffinity !== undefined) {
      problems.add('gpuNodes', 'together with requiredNodeAffinity', 'requiredNodeAffinity replaces the GPU node selection (the OS and opt-out requirements are added to its terms too); give only one of them (put the GPU label requirement into your own terms)');
    }
    this.gpuNodes = gpuNodes ?? (cos ? GpuNodes.gke() : GpuNodes.gpuPresent());
    this.gpuNodes._check('driver installer', problems);
    // The OS and the opt-out are added to the GPU nodes, and to every term of your own
    // requiredNodeAffinity (which replaces gpuNodes): they keep an installer off nodes of
    // another OS and off nodes with a driver of their own, whichever way the nodes are chosen.
    this.nodeSelection = withOsAndOptOut(this.gpuNodes?.requirements, cos, this.operatingSystem);
    const userTerms = coreProps.requiredNodeAffinity;
    const nodeTerms: NodeAffinityTerm[] = Array.isArray(userTerms)
      ? userTerms.map((t) => (t && Array.isArray(t.requirements) ? withOsAndOptOut(t.requirements, cos, this.operatingSystem).toAffinityTerm() : t))
      : [this.nodeSelection.toAffinityTerm()];
    const given = Array.isArray(userTerms) ? userTerms.map((t) => t?.requirements) : [this.gpuNodes?.requirements];
    checkNodeOs(given, nodeTerms, cos, Array.isArray(userTerms) ? 'requiredNodeAffinity' : 'gpuNodes', problems);

    const updateStrategy = coreProps.updateStrategy ?? UpdateStrategy.onDelete();
    if (!allowParallelRollout) {
      checkRolloutWidth(updateStrategy, problems);
    }

    // Your container settings reach the container that runs the installer (docs/merge-rule.md):
    // with COS the init container, not `pause`; `resources` merge per resource there too, so a
    // CPU-only override keeps the installer's memory request and its absence of a limit.
    const { container: installerSettings, pod: podOptions } = cos ? splitContainerSettings(coreProps) : { container: {}, pod: coreProps };
    for (const prop of ['liveness', 'readiness', 'startup', 'lifecycle'] as const) {
      if (installerSettings[prop] !== undefined) {
        problems.add(prop, 'given', 'with COS the installer is an init container, which cannot have probes or lifecycle hooks (it runs to completion before `pause` starts); use GpuDriverFlavor.DRIVER_CONTAINER for a long-running installer');
      }
    }
    const resources = INSTALLER_RESOURCES;
    const versionLabel = this.driverVersion ?? rules.imageTag(this.image);
    const common = {
      // Named after this construct (the core's construct id, "DaemonSet", is not the agent's name).
      name: DaemonSet.defaultName(this),
      image: this.image,
      component: 'gpu-driver',
      // Pods labelled with the driver they install (the core would use the pause image's tag).
      labels: versionLabels(versionLabel),
      // The node's GPUs are useless without the driver (every anchor).
      priorityClassName: 'system-node-critical',
      // Relaxed: the installer must see the processes that hold the GPU (every anchor).
      hostPid: true,
      tolerations: [Toleration.all()],
      requiredNodeAffinity: nodeTerms,
      // A driver is replaced node by node, deliberately (the GPU Operator's choice).
      updateStrategy: UpdateStrategy.onDelete(),
    };

    let defaults: DaemonSetProps;
    if (cos) {
      this.installerContainerName = 'nvidia-driver-installer';
      const dir = this.installDir!;
      const installer: AgentContainer = withDefaults<AgentContainer>({
        name: this.installerContainerName,
        image: this.image,
        // GKE's skip-if-loaded wrapper around the image's entrypoint; no --version unless asked.
        command: ['/bin/bash', '-c', COS_SKIP_IF_LOADED, 'cos-gpu-installer'],
        args: ['install', ...(this.driverVersion !== undefined ? [`--version=${this.driverVersion}`] : [])],
        env: { NVIDIA_INSTALL_DIR_HOST: EnvValue.fromValue(dir) },
        // Relaxed: loads kernel modules, creates device nodes, mounts overlays (see the class doc).
        privileged: true,
        // It unpacks the driver and writes ld.so.conf.d inside its own filesystem.
        readOnlyRootFilesystem: false,
        resources,
        hostMounts: [
          HostMount.readWrite('/dev', { shared: true }),
          HostMount.readOnly('/', { mountPath: '/root' }),
          HostMount.readWrite('/etc', { mountPath: '/root/etc', shared: true }),
          HostMount.readWrite(dir, { mountPath: `/root${dir}`, type: HostPathVolumeType.DIRECTORY_OR_CREATE }),
          HostMount.readWrite('/var/lib/cos-tools', { mountPath: '/build/cos-tools', type: HostPathVolumeType.DIRECTORY_OR_CREATE }),
          // The installer's lock (one installer a node), opened with O_CREATE at
          // /root/tmp/cos_gpu_installer_lock: writable on its own, so that it works however
          // read-only the / mount is (recursively, too); and the app-wide check sees it.
          HostMount.readWrite(COS_INSTALLER_LOCK, { mountPath: `/root${COS_INSTALLER_LOCK}`, type: HostPathVolumeType.FILE_OR_CREATE, volumeName: 'installer-lock' }),
        ],
      }, { ...installerSettings, liveness: undefined, readiness: undefined, startup: undefined, lifecycle: undefined });
      defaults = {
        ...common,
        image: this.pauseImage!,
        containerName: 'pause',
        // The installer runs first; `initContainers` you give run after it.
        initContainers: [installer],
        resources: PAUSE_RESOURCES,
        // Relaxed, as GKE's COS DaemonSet: metadata server and Cloud Storage reached directly.
        hostNetwork: true,
      };
    } else {
      this.installerContainerName = 'nvidia-driver';
      defaults = {
        ...common,
        containerName: this.installerContainerName,
        // Waits while GPU pods hold the loaded driver, so that a replaced pod waits for them
        // to go instead of crash-looping in `_unload_driver || exit 1` (see the class doc).
        initContainers: [{
          name: 'driver-unload-guard',
          image: this.image,
          command: ['/bin/sh', '-c', UNLOAD_GUARD],
          resources: GUARD_RESOURCES,
        }],
        command: ['nvidia-driver'],
        args: ['init'],
        // Relaxed: the driver container is the installer and must stay up (see the class doc).
        privileged: true,
        readOnlyRootFilesystem: false,
        resources,
        hostMounts: [
          // Shared by design: the GPU stack's runtime directory (the toolkit, the validator and
          // the device plugin use it too); the driver's own path is the firmware directory below.
          HostMount.readWrite('/run/nvidia', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, propagation: MountPropagation.BIDIRECTIONAL, shared: true }),
          HostMount.readOnly('/etc/os-release', { mountPath: '/host-etc/os-release', type: HostPathVolumeType.FILE }),
          // The GPU Operator's firmware mount: the driver installs its GSP firmware into
          // /lib/firmware, and the kernel, told by the container to search
          // /run/nvidia/driver/lib/firmware, finds it there before /run/nvidia/driver is
          // published (NVIDIA/gpu-driver-container#175); without it OpenRM fails to load.
          HostMount.readWrite('/run/nvidia/driver/lib/firmware', { mountPath: '/lib/firmware', type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'nv-firmware' }),
        ],
        startup: Probe.fromCommand(['nvidia-smi'], {
          initialDelaySeconds: Duration.seconds(60),
          periodSeconds: Duration.seconds(10),
          timeoutSeconds: Duration.seconds(60),
          failureThreshold: 120,
        }),
      };
    }

    // Declared only while every image in the pod is one whose platforms were verified: not with
    // COS (the installer's are not), nor with a driver version or OS other than the default.
    const images = [defaults.image, ...(defaults.initContainers ?? []).map((c) => c.image)];
    defaults = { ...defaults, imagePlatforms: imagePlatformsOf(images, coreProps) };

    // The merge rule merges `resources` per resource: a CPU-only override keeps the memory sizing.
    // The core reports into this construct's collector; what it finds in a prop derived from
    // one already reported is not repeated.
    problems.noteUserOptions(props);
    // Your requiredNodeAffinity is in nodeTerms, with the OS and the opt-out added.
    const { requiredNodeAffinity: _replaced, ...options } = podOptions;
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));
  }
}

/**
 * The driver container's OS tag: the custom image's (its tag ends in `-<os>`), else
 * `operatingSystem`, else ubuntu22.04; a given `operatingSystem` must be the image's.
 */
function driverOperatingSystem(
  image: string | undefined, operatingSystem: string | undefined, ownNodes: boolean, problems: ValidationProblems,
): string | undefined {
  let os = operatingSystem;
  if (image === undefined || typeof image !== 'string') {
    os = operatingSystem ?? 'ubuntu22.04';
  } else {
    const imageOs = IMAGE_OS_TAG.exec(rules.imageTag(image) ?? '')?.[1];
    if (imageOs === undefined) {
      if (operatingSystem !== undefined) {
        problems.add('operatingSystem', operatingSystem, `the image "${image}" has no OS tag (NVIDIA tags its driver images "<version>-<os>", e.g. "550.127.05-ubuntu22.04"), so nothing ties it to that OS: tag the image so, or leave operatingSystem out and select the nodes with requiredNodeAffinity`);
      } else if (!ownNodes) {
        problems.add('image', image, 'expected a driver image tagged "<version>-<os>" (e.g. "nvcr.io/nvidia/driver:550.127.05-ubuntu22.04"): its OS selects the nodes (one installer per OS); or give requiredNodeAffinity to select the nodes of the image\'s OS yourself');
      }
      return operatingSystem;
    }
    if (operatingSystem !== undefined && operatingSystem !== imageOs) {
      problems.add('operatingSystem', operatingSystem, `the image "${image}" is built for "${imageOs}" (its tag ends in "-${imageOs}") and the OS selects the nodes: expected "${imageOs}", or leave operatingSystem out`);
    }
    os = operatingSystem ?? imageOs;
  }
  const match = typeof os === 'string' ? OS_TAG.exec(os) : null;
  if (!match) {
    problems.add('operatingSystem', os, 'expected the OS tag of an NVIDIA driver image: lowercase letters then a version, e.g. "ubuntu22.04", "ubuntu24.04" or "rhel9.4"');
  } else if (match[1] === 'cos') {
    problems.add('operatingSystem', os, 'NVIDIA\'s driver container does not run on Container-Optimized OS (a read-only root, no compiler, and only drivers Google signed load): use GpuDriverFlavor.COS there');
  }
  return os;
}

/**
 * GPU node requirements with the OS and the opt-out added: COS (GKE's label, unless they are COS
 * already by either label) for the COS installer; NFD's os_release of the image and not COS by
 * either label for the driver container; never a node labelled nvidia.com/gpu.deploy.driver
 * false or pre-installed.
 */
function withOsAndOptOut(given: NodeRequirement[] | undefined, cos: boolean, operatingSystem: string | undefined): GpuNodes {
  const requirements = Array.isArray(given) ? given : [];
  const os: NodeRequirement[] = [];
  if (cos) {
    if (satisfiable([...requirements.map(labelRequirement), ...NOT_COS])) {
      os.push(NodeRequirement.in(GKE_OS_DISTRIBUTION, ['cos']));
    }
  } else {
    const match = typeof operatingSystem === 'string' ? OS_TAG.exec(operatingSystem) : null;
    if (match) {
      os.push(NodeRequirement.in(NFD_OS_ID, [match[1]]), NodeRequirement.in(NFD_OS_VERSION_ID, [match[2]]));
    } else {
      os.push(NodeRequirement.notIn(NFD_OS_ID, ['cos']));
    }
    os.push(NodeRequirement.notIn(GKE_OS_DISTRIBUTION, ['cos']));
  }
  return GpuNodes.matching(...requirements, ...os, NodeRequirement.notIn(DEPLOY_DRIVER, DEPLOY_DRIVER_OPT_OUT));
}

/**
 * The COS installer only on nodes that are COS (by GKE's or NFD's label), the driver container
 * never on nodes given as COS only, and no term that selects no node. `given` are the terms as
 * you wrote them (gpuNodes, or each requiredNodeAffinity term), `terms` with the OS and the
 * opt-out added.
 */
function checkNodeOs(
  given: Array<NodeRequirement[] | undefined>, terms: NodeAffinityTerm[], cos: boolean, prop: string, problems: ValidationProblems,
): void {
  terms.forEach((term, i) => {
    if (!term || !Array.isArray(term.requirements) || !Array.isArray(given[i])) {
      return; // the core reports it
    }
    const requirements = term.requirements.map(labelRequirement);
    const yours = given[i]!.map(labelRequirement);
    const name = prop === 'requiredNodeAffinity' ? `requiredNodeAffinity[${i}]` : prop;
    if (!satisfiable(yours)) {
      return; // a term that matches no node, as you wrote it: Kubernetes accepts it
    }
    if (cos && !canBeCos(requirements)) {
      problems.add(name, describeTerm(yours), `selects no Container-Optimized OS node (a node is COS by ${GKE_OS_DISTRIBUTION} or ${NFD_OS_ID} "cos"), and the COS installer runs only there: on other nodes use GpuDriverFlavor.DRIVER_CONTAINER`);
    } else if (!cos && !satisfiable([...yours, ...NOT_COS])) {
      problems.add(name, describeTerm(yours), 'selects only Container-Optimized OS nodes, where NVIDIA\'s driver container does not run: use GpuDriverFlavor.COS there');
    } else if (!satisfiable(requirements)) {
      problems.add(name, describeTerm(requirements), `no node can meet every requirement, with the OS and opt-out requirements the preset adds: check the GPU node labels against ${cos ? 'COS' : 'operatingSystem'}`);
    }
  });
}

/** Whether a COS node can meet these: one labelled cos by GKE or NFD, the other label cos or absent. */
function canBeCos(requirements: LabelRequirement[]): boolean {
  const cos = (key: string): LabelRequirement => ({ key, operator: 'In', values: ['cos'] });
  const absent = (key: string): LabelRequirement => ({ key, operator: 'DoesNotExist' });
  return [
    [cos(GKE_OS_DISTRIBUTION), cos(NFD_OS_ID)],
    [cos(GKE_OS_DISTRIBUTION), absent(NFD_OS_ID)],
    [absent(GKE_OS_DISTRIBUTION), cos(NFD_OS_ID)],
  ].some((node) => satisfiable([...requirements, ...node]));
}

function labelRequirement(r: NodeRequirement): LabelRequirement {
  return { key: r.key, operator: r.operator, values: r.values };
}

function describeTerm(requirements: LabelRequirement[]): string {
  return requirements.map((r) => `${r.key} ${r.operator}${r.values && r.values.length > 0 ? ` [${r.values.join(', ')}]` : ''}`).join(', ');
}

function versionLabels(version: string | undefined): { [key: string]: string } {
  return version !== undefined && rules.labelValue(version) === undefined ? { 'app.kubernetes.io/version': version } : {};
}

function checkDriverVersion(version: string, cos: boolean, problems: ValidationProblems): void {
  if (typeof version === 'string' && (DRIVER_VERSION.test(version) || (cos && COS_VERSION_ALIAS.test(version)))) {
    return;
  }
  problems.add('driverVersion', version, cos
    ? 'expected an NVIDIA driver version such as "550.127.05" or "535.104.05", or "latest"; leave it out for the default driver of the node\'s COS build (cos-gpu-installer takes any other value, "default" included, as a literal version)'
    : 'expected an NVIDIA driver version such as "550.127.05" (the driver image is tagged "<version>-<os>")');
}

function checkRolloutWidth(strategy: UpdateStrategy, problems: ValidationProblems): void {
  if (strategy.type !== 'RollingUpdate') {
    return;
  }
  const unavailable = strategy.maxUnavailable;
  if (unavailable && !unavailable.isZero() && (unavailable.isPercent || unavailable.amount > 1)) {
    problems.add('updateStrategy.maxUnavailable', unavailable.toString(), 'a driver rolls to one GPU node at a time: expected an absolute 1 (a percentage grows with the node pool) or UpdateStrategy.onDelete(); set allowParallelRollout: true to replace it on several nodes at once');
  }
  const surge = strategy.maxSurge;
  if (surge && !surge.isZero()) {
    problems.add('updateStrategy.maxSurge', surge.toString(), 'a surge starts a second installer beside the running one on the same node, both loading the kernel modules; expected 0, or set allowParallelRollout: true');
  }
}
