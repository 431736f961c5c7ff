import { Size } from 'cdk8s';
import { ConfigMap, EmptyDirMedium, PathMapping, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkArgs } from './private/shapes';

/** Options for a ConfigMap or Secret volume. */
export interface KeyedVolumeOptions {
  /**
   * Which keys to project, and the file name for each (key to path).
   *
   * @default - every key, as a file of the same name
   */
  readonly items?: { [key: string]: string };

  /**
   * File mode bits of the projected files, 0 to 0o777 (in decimal 0 to 511; e.g. 0o440 = 288).
   * The files belong to root and to the pod's `fsGroup`, so the group bits are what a non-root
   * agent reads through.
   *
   * @default 0o444 for ConfigMaps; 0o440 for Secrets (root and the pod's fsGroup only)
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
    checkArgs('AgentVolume.fromConfigMap', [name, configMapName, options]);
    return new AgentVolume(name, 'configMap', options, (scope, id) => Volume.fromConfigMap(scope, id, ConfigMap.fromConfigMapName(scope, `${id}-source`, configMapName), {
      name,
      items: toItems(options.items),
      defaultMode: options.defaultMode ?? 0o444,
      optional: options.optional,
    }));
  }

  /**
   * The files of a Secret, mode 0440 by default: owned by root and the pod's `fsGroup`, which the
   * core sets to the agent's group when a non-root container mounts a Secret or ConfigMap, so the
   * agent (and root) can read them and other users on the node cannot.
   */
  public static fromSecret(name: string, secretName: string, options: KeyedVolumeOptions = {}): AgentVolume {
    checkArgs('AgentVolume.fromSecret', [name, secretName, options]);
    return new AgentVolume(name, 'secret', options, (scope, id) => Volume.fromSecret(scope, id, Secret.fromSecretName(scope, `${id}-source`, secretName), {
      name,
      items: toItems(options.items),
      defaultMode: options.defaultMode ?? 0o440,
      optional: options.optional,
    }));
  }

  /** A scratch directory that lives as long as the pod (the writable place for a read-only root filesystem). */
  public static fromEmptyDir(name: string, options: EmptyDirOptions = {}): AgentVolume {
    checkArgs('AgentVolume.fromEmptyDir', [name, options]);
    return new AgentVolume(name, 'emptyDir', {}, (scope, id) => Volume.fromEmptyDir(scope, id, name, {
      medium: options.inMemory ? EmptyDirMedium.MEMORY : undefined,
      sizeLimit: options.sizeLimit,
    }));
  }

  private constructor(
    /** The volume name, which containers use in `volumeMounts`. */
    public readonly name: string,
    /** The volume's source kind: "configMap", "secret" or "emptyDir". */
    public readonly kind: string,
    private readonly options: KeyedVolumeOptions,
    private readonly bind: (scope: Construct, id: string) => Volume,
  ) {}

  /** Whether the kubelet writes the files as root and the pod's fsGroup (ConfigMap, Secret). @internal */
  public get _keyed(): boolean {
    return this.kind === 'configMap' || this.kind === 'secret';
  }

  /** What is wrong with the options: [field, value, what is allowed]. @internal */
  public _problems(): Array<[string, unknown, string]> {
    const problems: Array<[string, unknown, string]> = [];
    const mode = this.options.defaultMode;
    // validateSecretVolumeSource / validateConfigMapVolumeSource: 0 <= mode <= 0777.
    if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o777)) {
      problems.push(['defaultMode', mode, 'expected file mode bits from 0 to 0o777 (decimal 0 to 511); write octal with 0o, e.g. 0o440 (a decimal 777 is 0o1411)']);
    }
    for (const [key, path] of Object.entries(this.options.items ?? {})) {
      // IsConfigMapKey: a key no ConfigMap or Secret can hold would never be found.
      if (key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key === '..') {
        problems.push([`items.${key}`, key, 'expected a ConfigMap or Secret key: at most 253 letters, digits, "-", "_" and "."']);
      }
      // validateKeyToPath / ValidateLocalNonReservedPath: relative, no ".." element, not starting with "..".
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').includes('..') || path.startsWith('..')) {
        problems.push([`items.${key}`, path, 'expected a relative file path inside the volume, without ".." (e.g. "cert.pem" or "tls/cert.pem")']);
      }
    }
    return problems;
  }

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
