import { HostPathVolumeType } from 'cdk8s-plus-28';
import { brand } from '../private/brand';
import { checkArgs } from '../private/shapes';

/**
 * The container-runtime socket the Datadog agent reads containers from (container metrics and
 * tags, image metadata), mounted read-only under `/host` as the Datadog chart mounts it.
 *
 * The chart mounts the socket's directory, and with no socket configured it mounts all of
 * `/var/run` for `/var/run/docker.sock`, which exposes every other socket there (systemd,
 * D-Bus). This class mounts only the runtime's own directory (`DirectoryOrCreate`, as
 * `SecurityAgentRuntimeSocket` does), or Docker's socket file alone (type `Socket`).
 *
 * Read-only does not make the API read-only: whoever can connect to a runtime socket controls
 * the runtime.
 */
export class DatadogRuntimeSocket {
  /**
   * containerd's CRI socket, `/var/run/containerd/containerd.sock` (the chart's example for
   * `datadog.criSocketPath`): `DD_CRI_SOCKET_PATH`.
   */
  public static containerd(): DatadogRuntimeSocket {
    return new DatadogRuntimeSocket('/var/run/containerd/containerd.sock', '/var/run/containerd', HostPathVolumeType.DIRECTORY_OR_CREATE, false);
  }

  /** CRI-O's socket, `/var/run/crio/crio.sock`: `DD_CRI_SOCKET_PATH`. */
  public static crio(): DatadogRuntimeSocket {
    return new DatadogRuntimeSocket('/var/run/crio/crio.sock', '/var/run/crio', HostPathVolumeType.DIRECTORY_OR_CREATE, false);
  }

  /** k3s's embedded containerd, `/run/k3s/containerd/containerd.sock`: `DD_CRI_SOCKET_PATH`. */
  public static k3s(): DatadogRuntimeSocket {
    return new DatadogRuntimeSocket('/run/k3s/containerd/containerd.sock', '/run/k3s/containerd', HostPathVolumeType.DIRECTORY_OR_CREATE, false);
  }

  /**
   * Docker's socket, `/var/run/docker.sock`, mounted as a file with type `Socket` (`DOCKER_HOST`):
   * the pod does not start on a node without it. With log collection, Docker's own log
   * directory `/var/lib/docker/containers` is mounted too, as the chart does.
   */
  public static docker(): DatadogRuntimeSocket {
    return new DatadogRuntimeSocket('/var/run/docker.sock', '/var/run/docker.sock', HostPathVolumeType.SOCKET, true);
  }

  /**
   * Another CRI socket (`DD_CRI_SOCKET_PATH`): its directory is mounted, so it must have one of
   * its own (not "/", "/run", "/var/run" or "/var").
   *
   * @param socketPath the absolute path of the socket on the node
   */
  public static custom(socketPath: string): DatadogRuntimeSocket {
    checkArgs('DatadogRuntimeSocket.custom', [socketPath]);
    const dir = socketPath.replace(/\/+[^/]*$/, '') || '/';
    return new DatadogRuntimeSocket(socketPath, dir, HostPathVolumeType.DIRECTORY_OR_CREATE, false);
  }

  private constructor(
    /** The socket's path on the node. */
    public readonly socketPath: string,
    /** The host path mounted: the socket's directory, or the socket itself for `docker()`. */
    public readonly hostPath: string,
    /** The hostPath type of the mount. */
    public readonly hostPathType: HostPathVolumeType,
    /** Whether the socket speaks the Docker Engine API (`DOCKER_HOST`) rather than CRI (`DD_CRI_SOCKET_PATH`). */
    public readonly dockerApi: boolean,
  ) {}

  /** Where the mounted host path appears in the containers: under /host, as the chart mounts it. */
  public get mountPath(): string {
    return `/host${this.hostPath}`;
  }

  /** The socket's path inside the containers. */
  public get containerSocketPath(): string {
    return `/host${this.socketPath}`;
  }
}
brand(DatadogRuntimeSocket, 'DatadogRuntimeSocket');
