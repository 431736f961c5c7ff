import { HostPathVolumeType, MountPropagation } from 'cdk8s-plus-28';
import { brand } from './private/brand';
import { hostVolumeName } from './private/names';
import { checkArgs } from './private/shapes';

/** Options for a host path mounted into the agent container. */
export interface HostMountOptions {
  /**
   * What must exist at the host path (`hostPath.type`). `DirectoryOrCreate` and `FileOrCreate`
   * create it; the others refuse to start the pod if it is missing or of another kind.
   *
   * @default HostPathVolumeType.DIRECTORY
   */
  readonly type?: HostPathVolumeType;

  /**
   * Where the host path appears inside the container.
   *
   * @default - the same path as on the host
   */
  readonly mountPath?: string;

  /**
   * How mounts made later on the host (or in the container) propagate. Use `HOST_TO_CONTAINER`
   * when the agent reads a host filesystem that gains mounts (e.g. "/" for node exporter);
   * `BIDIRECTIONAL` is only allowed in a privileged container (CSI node plugins).
   *
   * @default - none (MountPropagation.NONE)
   */
  readonly propagation?: MountPropagation;

  /**
   * The volume name in the pod spec.
   *
   * @default - derived from the host path: "/var/log" is "host-var-log", "/" is "host-root"
   */
  readonly volumeName?: string;

  /**
   * For a read-write mount: whether other agents may write the same host path on the same node
   * by design (`/var/lib/kubelet` for CSI plugins, `/run/xtables.lock` for everything that runs
   * iptables, `/dev`). A writable path that is not shared is the agent's own (its state, its
   * socket): two agents of one app that write it on one node are reported at synth.
   *
   * @default false
   */
  readonly shared?: boolean;
}

/**
 * A directory or file of the node mounted into the agent (a `hostPath` volume and its mount).
 * Read-only unless created with `readWrite`: a writable host path lets a compromised agent
 * change the node.
 */
export class HostMount {
  /** Mounts a host path read-only: the agent can read but never change the node's files. */
  public static readOnly(path: string, options: HostMountOptions = {}): HostMount {
    checkArgs('HostMount.readOnly', [path, options]);
    return new HostMount(path, true, options);
  }

  /**
   * Mounts a host path read-write. Only for state the agent must keep on the node (read
   * positions, sockets, installed drivers); prefer a dedicated directory with
   * `HostPathVolumeType.DIRECTORY_OR_CREATE` over a shared one such as "/var/log".
   */
  public static readWrite(path: string, options: HostMountOptions = {}): HostMount {
    checkArgs('HostMount.readWrite', [path, options]);
    return new HostMount(path, false, options);
  }

  /** What must exist at the host path. */
  public readonly type: HostPathVolumeType;
  /** Where the path appears in the container. */
  public readonly mountPath: string;
  /** The volume name in the pod spec. */
  public readonly volumeName: string;
  /** Mount propagation. */
  public readonly propagation?: MountPropagation;
  /** Whether other agents may write the same host path by design (read-write mounts only). */
  public readonly isShared: boolean;

  private constructor(
    /** The path on the node. */
    public readonly path: string,
    /** Whether the mount is read-only. */
    public readonly isReadOnly: boolean,
    options: HostMountOptions,
  ) {
    this.type = options.type ?? HostPathVolumeType.DIRECTORY;
    this.mountPath = options.mountPath ?? path;
    this.propagation = options.propagation;
    this.isShared = options.shared ?? false;
    this.volumeName = options.volumeName ?? hostVolumeName(typeof path === 'string' ? path : String(path));
  }
}
brand(HostMount, 'HostMount');
