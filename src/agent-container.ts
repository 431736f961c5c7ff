import {
  Capability, ContainerLifecycle, ContainerResources, ContainerRestartPolicy, EnvFrom, EnvValue, ImagePullPolicy, Probe, Protocol, SeccompProfile,
} from 'cdk8s-plus-28';
import { HostMount } from './host-mount';
import { TerminationMessagePolicy } from './termination-message-policy';

/** A port the agent listens on. */
export interface AgentPort {
  /** The port inside the container, 1-65535. */
  readonly containerPort: number;

  /**
   * The port's name (at most 15 characters), used by Services and probes.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * Also open the port on the node's address. Not needed with `hostNetwork` (the container port
   * is the node's port then); a host port blocks a surge rollout on the same node.
   *
   * @default - no host port
   */
  readonly hostPort?: number;

  /**
   * The protocol.
   *
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** A pod volume (see `AgentVolume`) mounted into a container. */
export interface AgentVolumeMount {
  /** The name of a volume in the DaemonSet's `volumes`. */
  readonly volumeName: string;

  /** Where it appears in the container. */
  readonly mountPath: string;

  /**
   * Whether the mount is read-only.
   *
   * @default true
   */
  readonly readOnly?: boolean;

  /**
   * A path inside the volume to mount instead of its root.
   *
   * @default - the volume's root
   */
  readonly subPath?: string;
}

/**
 * The settings of one container of the agent's pod, with the library's safe defaults: the main
 * container, an init container or a sidecar. Kubernetes' own field names, in camelCase.
 */
export interface ContainerSettings {
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
   * @default - the image's ENTRYPOINT
   * (the core's default; LogAgent, GpuDriverInstaller, NetworkAgent, GpuDevicePlugin, GpuContainerToolkit, DatadogAgent, CiliumAgent change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly command?: string[];

  /**
   * Arguments to the entrypoint.
   *
   * @default - the image's CMD
   * (the core's default; LogAgent, NodeExporter, GpuDriverInstaller, SecurityAgent, NetworkAgent, StorageDaemon, DcgmExporter, CiliumAgent change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly args?: string[];

  /**
   * Environment variables, in the order given. The main container also gets NODE_NAME from
   * `spec.nodeName` unless `env` sets NODE_NAME itself.
   *
   * @default - none besides NODE_NAME in the main container
   * (the core's default; LogAgent, NodeExporter, SecurityAgent, NetworkAgent, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly env?: { [name: string]: EnvValue };

  /**
   * Ports the container listens on.
   *
   * @default - none
   * (the core's default; LogAgent, NodeExporter, SecurityAgent, NetworkAgent, StorageDaemon, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly ports?: AgentPort[];

  /**
   * Host paths mounted into the container, read-only unless made with `HostMount.readWrite`.
   *
   * @default - none
   * (the core's default; LogAgent, NodeExporter, GpuDriverInstaller, SecurityAgent, NetworkAgent, StorageDaemon, GpuDevicePlugin, GpuContainerToolkit, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container, and CniInstaller for the NetworkAgent's CNI init container: see each "Defaults it changes" table)
   */
  readonly hostMounts?: HostMount[];

  /**
   * Pod volumes (ConfigMap, Secret, emptyDir) mounted into the container.
   *
   * @default - none
   * (the core's default; LogAgent, GpuDevicePlugin, DcgmExporter, DatadogAgent, StorageDaemon, CiliumAgent change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly volumeMounts?: AgentVolumeMount[];

  /**
   * CPU and memory. Small by default because the agent runs on every node, the smallest ones
   * included: requests of 50m CPU and 64Mi memory and a memory limit of 128Mi. No CPU limit, so
   * that the agent is never throttled while the node has idle CPU. Each of `cpu`, `memory` and
   * `ephemeralStorage` given replaces that part of the default. `ephemeralStorage` (the node
   * disk the container's logs, writable layer and disk-backed emptyDirs use; the kubelet evicts
   * the pod when it passes the limit) is emitted as `ephemeral-storage` requests and limits, in
   * whole MiB.
   *
   * @default - cpu request 50m; memory request 64Mi, limit 128Mi; no ephemeral-storage
   * (the core's default; LogAgent, NodeExporter, GpuDriverInstaller, SecurityAgent, NetworkAgent, StorageDaemon, GpuContainerToolkit, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly resources?: ContainerResources;

  /**
   * Restarts the container when it fails.
   * An HTTP or TCP probe must aim at one of the container's `ports`: cdk8s-plus probes port 80 when it
   * names none (checked at synth, on the pod as rendered).
   *
   * @default - none
   * (the core's default; LogAgent, NodeExporter, SecurityAgent, NetworkAgent, StorageDaemon, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly liveness?: Probe;

  /**
   * Marks the pod ready (a rolling update waits for it).
   * An HTTP or TCP probe must aim at one of the container's `ports`: cdk8s-plus probes port 80 when it
   * names none (checked at synth, on the pod as rendered).
   *
   * @default - none
   * (the core's default; LogAgent, NodeExporter, SecurityAgent, NetworkAgent, DcgmExporter, DatadogAgent, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly readiness?: Probe;

  /**
   * Holds the other probes back until a slow start has finished.
   * An HTTP or TCP probe must aim at one of the container's `ports`: cdk8s-plus probes port 80 when it
   * names none (checked at synth, on the pod as rendered).
   *
   * @default - none
   * (the core's default; LogAgent, GpuDriverInstaller, SecurityAgent, DatadogAgent, CiliumAgent change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly startup?: Probe;

  /**
   * Run the container privileged: every capability and every host device. Prefer
   * `addCapabilities`; put privileged setup work in an init container.
   *
   * @default false
   * (the core's default; GpuDriverInstaller, SecurityAgent, StorageDaemon, GpuContainerToolkit, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly privileged?: boolean;

  /**
   * Linux capabilities added after dropping ALL.
   *
   * @default - none: every capability is dropped (a privileged container keeps all of them)
   * (the core's default; SecurityAgent, NetworkAgent, GpuDevicePlugin, DcgmExporter, CiliumAgent change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly addCapabilities?: Capability[];

  /**
   * The user ID the container runs as.
   *
   * @default - 65534 (nobody), or 0 when `privileged` is true
   * (the core's default; LogAgent, SecurityAgent, NetworkAgent, GpuDevicePlugin, DcgmExporter, DatadogAgent, CiliumAgent change it for the agent's main container, and CniInstaller for the NetworkAgent's CNI init container: see each "Defaults it changes" table)
   */
  readonly runAsUser?: number;

  /**
   * The group ID the container runs as.
   *
   * @default - the same as `runAsUser`
   * (the core's default; LogAgent, SecurityAgent change it for the agent's main container, and CniInstaller for the NetworkAgent's CNI init container: see each "Defaults it changes" table)
   */
  readonly runAsGroup?: number;

  /**
   * Make the kubelet refuse to start the container as root.
   *
   * @default - true unless the container runs as root (`runAsUser` 0, or `privileged` without
   * `runAsUser`)
   * (the core's default; LogAgent, SecurityAgent change it for the agent's main container, and CniInstaller for the NetworkAgent's CNI init container: see each "Defaults it changes" table)
   */
  readonly runAsNonRoot?: boolean;

  /**
   * Mount the container's root filesystem read-only (write to volumes instead).
   *
   * @default true
   * (the core's default; GpuDriverInstaller, NetworkAgent, GpuContainerToolkit, DcgmExporter, StorageDaemon, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Whether a process may gain more privileges than its parent (setuid binaries).
   *
   * @default - false; true with `privileged` or SYS_ADMIN in `addCapabilities` (the API server
   * rejects false with either)
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * The seccomp profile.
   *
   * @default - the container runtime's default profile (SeccompProfileType.RUNTIME_DEFAULT)
   */
  readonly seccompProfile?: SeccompProfile;

  /**
   * The working directory.
   *
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;

  /**
   * Where the kubelet takes the container's termination message from: `FALLBACK_TO_LOGS_ON_ERROR`
   * shows the tail of the log of a container that failed without writing one.
   *
   * @default - TerminationMessagePolicy.FILE (Kubernetes' default; the field is not written)
   * (the core's default; CiliumAgent changes it for the agent's main container: see its "Defaults it changes" table)
   */
  readonly terminationMessagePolicy?: TerminationMessagePolicy;

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
   * `terminationGracePeriodSeconds`). An HTTP or TCP handler must call one of the container's
   * `ports` (cdk8s-plus aims one that names no port at port 80; checked at synth, on the rendered pod). Not allowed in an init container
   * unless it is a native sidecar (`restartPolicy: ContainerRestartPolicy.ALWAYS`).
   *
   * @default - no lifecycle hooks
   * (the core's default; StorageDaemon, CiliumAgent, CalicoNode change it for the agent's main container: see each "Defaults it changes" table)
   */
  readonly lifecycle?: ContainerLifecycle;
}

/** An extra container of the agent's pod: an init container or a sidecar. */
export interface AgentContainer extends ContainerSettings {
  /** The container name, unique in the pod. */
  readonly name: string;

  /** The image, with a tag or digest (`:latest` is rejected). */
  readonly image: string;

  /**
   * `ContainerRestartPolicy.ALWAYS` makes an init container a native sidecar: it starts before
   * the main container and keeps running beside it (restarted when it exits), and it may have
   * probes and lifecycle hooks. Only in `initContainers`. Needs Kubernetes 1.29 or later
   * (the SidecarContainers feature, beta and on by default since 1.29; 1.28 has it off by
   * default and older API servers drop the field, making it an init container that blocks the
   * pod).
   *
   * @default - an init container runs to completion before the next one starts
   */
  readonly restartPolicy?: ContainerRestartPolicy;
}
