import { HostPathVolumeType } from 'cdk8s-plus-28';
import { brand } from '../private/brand';
import { checkArgs } from '../private/shapes';

/** The container-engine API a runtime socket speaks (the engines of Falco's container plugin). */
export enum SecurityAgentRuntimeEngine {
  /** The Kubernetes CRI API (containerd, CRI-O, k3s). */
  CRI = 'cri',
  /** containerd's own API (e.g. Bottlerocket's host containerd). */
  CONTAINERD = 'containerd',
  /** The Docker Engine API. */
  DOCKER = 'docker',
  /** The Podman API. */
  PODMAN = 'podman',
}

/**
 * A container-runtime socket the security agent reads container metadata from (image, labels,
 * pod and namespace names), mounted read-only under /host.
 *
 * The socket's **directory** is mounted, with `DirectoryOrCreate`, rather than the socket file:
 * a `Socket`-typed hostPath keeps the pod from starting on every node without that runtime, an
 * untyped one makes the container runtime create a directory where the socket should be, and a
 * bind-mounted socket file keeps pointing at the old socket after the runtime restarts. On nodes
 * without the runtime, an empty directory is created under /run (a tmpfs, gone at reboot).
 *
 * Docker's socket lives directly in /var/run, whose other sockets (systemd, D-Bus) must not be
 * exposed: `docker()` is the one socket mounted as a file, with type `Socket`, so only select it
 * when every node runs Docker.
 *
 * Read-only does not make the API read-only: whoever can connect to a runtime socket controls
 * the runtime. That is why the list is explicit and small.
 */
export class SecurityAgentRuntimeSocket {
  /** containerd's CRI socket, /run/containerd/containerd.sock (most distributions, EKS, GKE, AKS). */
  public static containerd(): SecurityAgentRuntimeSocket {
    return new SecurityAgentRuntimeSocket(SecurityAgentRuntimeEngine.CRI, '/run/containerd/containerd.sock', '/run/containerd', HostPathVolumeType.DIRECTORY_OR_CREATE);
  }

  /** CRI-O's socket, /run/crio/crio.sock (OpenShift, some kubeadm clusters). */
  public static crio(): SecurityAgentRuntimeSocket {
    return new SecurityAgentRuntimeSocket(SecurityAgentRuntimeEngine.CRI, '/run/crio/crio.sock', '/run/crio', HostPathVolumeType.DIRECTORY_OR_CREATE);
  }

  /** k3s's embedded containerd, /run/k3s/containerd/containerd.sock. */
  public static k3s(): SecurityAgentRuntimeSocket {
    return new SecurityAgentRuntimeSocket(SecurityAgentRuntimeEngine.CRI, '/run/k3s/containerd/containerd.sock', '/run/k3s/containerd', HostPathVolumeType.DIRECTORY_OR_CREATE);
  }

  /**
   * Docker's socket, /var/run/docker.sock, mounted as a file with type `Socket`: the pod does
   * not start on a node without it, and must be restarted after Docker restarts.
   */
  public static docker(): SecurityAgentRuntimeSocket {
    return new SecurityAgentRuntimeSocket(SecurityAgentRuntimeEngine.DOCKER, '/var/run/docker.sock', '/var/run/docker.sock', HostPathVolumeType.SOCKET);
  }

  /**
   * Another socket: its directory is mounted (`DirectoryOrCreate`), so it must have one of its
   * own (not "/", "/run", "/var/run" or "/var", whose other sockets would be exposed).
   *
   * @param engine the API the socket speaks
   * @param socketPath the absolute path of the socket on the node
   */
  public static custom(engine: SecurityAgentRuntimeEngine, socketPath: string): SecurityAgentRuntimeSocket {
    checkArgs('SecurityAgentRuntimeSocket.custom', [engine, socketPath]);
    const dir = typeof socketPath === 'string' ? socketPath.replace(/\/+[^/]*$/, '') || '/' : socketPath;
    return new SecurityAgentRuntimeSocket(engine, socketPath, dir, HostPathVolumeType.DIRECTORY_OR_CREATE);
  }

  private constructor(
    /** The API the socket speaks. */
    public readonly engine: SecurityAgentRuntimeEngine,
    /** The socket's path on the node. */
    public readonly socketPath: string,
    /** The host path mounted: the socket's directory, or the socket itself for `docker()`. */
    public readonly hostPath: string,
    /** The hostPath type of the mount. */
    public readonly hostPathType: HostPathVolumeType,
  ) {}

  /** Where the mounted host path appears in the container: under /host, where Falco looks. */
  public get mountPath(): string {
    return `/host${this.hostPath}`;
  }
}
brand(SecurityAgentRuntimeSocket, 'SecurityAgentRuntimeSocket');
