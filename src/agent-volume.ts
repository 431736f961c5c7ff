import { Size } from 'cdk8s';
import { ConfigMap, EmptyDirMedium, PathMapping, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Options for a ConfigMap or Secret volume. */
export interface KeyedVolumeOptions {
  /**
   * Which keys to project, and the file name for each (key to path).
   *
   * @default - every key, as a file of the same name
   */
  readonly items?: { [key: string]: string };

  /**
   * File mode bits of the projected files (decimal, e.g. 0o400 = 256).
   *
   * @default 0o444 for ConfigMaps, 0o400 for Secrets
   */
  readonly defaultMode?: number;

  /**
   * Whether the pod starts even if the ConfigMap or Secret does not exist.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/** Options for an emptyDir volume. */
export interface EmptyDirOptions {
  /**
   * Keep the directory in memory (tmpfs) instead of on the node's disk.
   *
   * @default false
   */
  readonly inMemory?: boolean;

  /**
   * The most the directory may hold.
   *
   * @default - no limit beyond the node's ephemeral storage
   */
  readonly sizeLimit?: Size;
}

/**
 * A pod volume that is not a host path: a ConfigMap, a Secret or an emptyDir. Containers mount
 * it by name through `volumeMounts`.
 */
export class AgentVolume {
  /** The files of a ConfigMap (mode 0444 by default). */
  public static fromConfigMap(name: string, configMapName: string, options: KeyedVolumeOptions = {}): AgentVolume {
    return new AgentVolume(name, (scope, id) => Volume.fromConfigMap(scope, id, ConfigMap.fromConfigMapName(scope, `${id}-source`, configMapName), {
      name,
      items: toItems(options.items),
      defaultMode: options.defaultMode ?? 0o444,
      optional: options.optional,
    }));
  }

  /** The files of a Secret (mode 0400 by default: only the container user can read them). */
  public static fromSecret(name: string, secretName: string, options: KeyedVolumeOptions = {}): AgentVolume {
    return new AgentVolume(name, (scope, id) => Volume.fromSecret(scope, id, Secret.fromSecretName(scope, `${id}-source`, secretName), {
      name,
      items: toItems(options.items),
      defaultMode: options.defaultMode ?? 0o400,
      optional: options.optional,
    }));
  }

  /** A scratch directory that lives as long as the pod (the writable place for a read-only root filesystem). */
  public static fromEmptyDir(name: string, options: EmptyDirOptions = {}): AgentVolume {
    return new AgentVolume(name, (scope, id) => Volume.fromEmptyDir(scope, id, name, {
      medium: options.inMemory ? EmptyDirMedium.MEMORY : undefined,
      sizeLimit: options.sizeLimit,
    }));
  }

  private constructor(
    /** The volume name, which containers use in `volumeMounts`. */
    public readonly name: string,
    private readonly bind: (scope: Construct, id: string) => Volume,
  ) {}

  /** Creates the cdk8s-plus volume. @internal */
  public _bind(scope: Construct, id: string): Volume {
    return this.bind(scope, id);
  }
}

function toItems(items?: { [key: string]: string }): { [key: string]: PathMapping } | undefined {
  if (items === undefined) {
    return undefined;
  }
  const result: { [key: string]: PathMapping } = {};
  for (const [key, path] of Object.entries(items)) {
    result[key] = { path };
  }
  return result;
}
