import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { ConfigMap, EmptyDirMedium, k8s, PathMapping, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { brand, isBranded } from './private/brand';
import * as rules from './private/rules';
import { checkArgs } from './private/shapes';
import { ValidationProblems } from './validation-problems';

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

/** Options of a projected volume. */
export interface ProjectedVolumeOptions {
  /**
   * File mode bits of the projected files (decimal, 0-511, e.g. 0o440 = 288).
   *
   * @default - 0o644, the API's default (the ServiceAccount token gets 0o600, or 0o640 with an
   * fsGroup, from the kubelet)
   */
  readonly defaultMode?: number;
}

/** Options of a ServiceAccount token in a projected volume. */
export interface ServiceAccountTokenOptions {
  /**
   * Who the token is for (its `aud` claim): the service that receives it checks it, e.g.
   * "sts.amazonaws.com" or the URL of a Vault server.
   *
   * @default - the API server's own audience (the token then also works against the API server)
   */
  readonly audience?: string;

  /**
   * How long the token is valid; the kubelet renews it at 80% of that. At least 10 minutes.
   *
   * @default Duration.hours(1)
   */
  readonly expiration?: Duration;
}

/** Options of a ConfigMap or Secret in a projected volume. */
export interface ProjectedKeysOptions {
  /**
   * Which keys to project, and the file name for each (key to path).
   *
   * @default - every key, as a file of the same name
   */
  readonly items?: { [key: string]: string };

  /**
   * Whether the pod starts even if the ConfigMap or Secret does not exist.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/** One source of a projected volume (`AgentVolume.fromProjected`). */
export class ProjectedSource {
  /**
   * A ServiceAccount token for another audience than the API server (e.g. for AWS STS or Vault),
   * at `path` in the volume, renewed by the kubelet before it expires.
   */
  public static serviceAccountToken(path: string, options: ServiceAccountTokenOptions = {}): ProjectedSource {
    checkArgs('ProjectedSource.serviceAccountToken', [path, options]);
    const expiration = options.expiration ?? Duration.hours(1);
    // NaN (reported by _check) when an untyped caller passes something that is not a Duration.
    const seconds = expiration instanceof Duration ? expiration.toSeconds({ integral: false }) : NaN;
    return new ProjectedSource(
      { serviceAccountToken: { path, audience: options.audience, expirationSeconds: seconds } },
      [path],
    );
  }

  /** The keys of a ConfigMap. */
  public static configMap(configMapName: string, options: ProjectedKeysOptions = {}): ProjectedSource {
    checkArgs('ProjectedSource.configMap', [configMapName, options]);
    return new ProjectedSource(
      { configMap: { name: configMapName, items: toKeyToPath(options.items), optional: options.optional } },
      Object.values(options.items ?? {}),
    );
  }

  /** The keys of a Secret. */
  public static secret(secretName: string, options: ProjectedKeysOptions = {}): ProjectedSource {
    checkArgs('ProjectedSource.secret', [secretName, options]);
    return new ProjectedSource(
      { secret: { name: secretName, items: toKeyToPath(options.items), optional: options.optional } },
      Object.values(options.items ?? {}),
    );
  }

  private constructor(private readonly projection: k8s.VolumeProjection, private readonly paths: string[]) {}

  /** The files this source names explicitly (for the duplicate-path check). @internal */
  public get _paths(): string[] {
    return [...this.paths];
  }

  /** Records what is wrong with this source (validateProjectionSources). @internal */
  public _check(prop: string, problems: ValidationProblems): void {
    const p = this.projection;
    const token = p.serviceAccountToken;
    if (token !== undefined) {
      problems.check(`${prop}.path`, token.path, relativePath(token.path));
      const seconds = token.expirationSeconds!;
      if (!Number.isInteger(seconds) || seconds < 600 || seconds > 2 ** 32) {
        problems.add(`${prop}.expiration`, Number.isNaN(seconds) ? 'not a Duration' : `${seconds}s`, 'expected a Duration of whole seconds from 10 minutes (600 s) to 2^32 s, e.g. Duration.hours(1)');
      }
      if (token.audience !== undefined && (typeof token.audience !== 'string' || token.audience.length === 0)) {
        problems.add(`${prop}.audience`, token.audience, 'expected a non-empty audience, or leave it out');
      }
    }
    const keyed = p.configMap ?? p.secret;
    if (keyed !== undefined) {
      problems.check(`${prop}.name`, keyed.name, rules.dns1123Subdomain(keyed.name ?? ''));
      for (const item of keyed.items ?? []) {
        problems.check(`${prop}.items.${item.key}`, item.path, relativePath(item.path));
      }
    }
  }

  /** @internal */
  public _toKube(): k8s.VolumeProjection {
    return this.projection;
  }
}
brand(ProjectedSource, 'ProjectedSource');

/** Options of an inline CSI volume. */
export interface CsiInlineVolumeOptions {
  /**
   * Mount the volume read-only (the Secrets Store CSI driver requires it).
   *
   * @default true
   */
  readonly readOnly?: boolean;

  /**
   * The filesystem type, e.g. "ext4".
   *
   * @default - the driver's default
   */
  readonly fsType?: string;

  /**
   * Driver-specific attributes, e.g. `{ secretProviderClass: 'agent-secrets' }`.
   *
   * @default - none
   */
  readonly volumeAttributes?: { [key: string]: string };

  /**
   * A Secret (in the pod's namespace) the driver gets when it mounts the volume, e.g. cloud
   * credentials for a secrets provider.
   *
   * @default - none
   */
  readonly nodePublishSecretName?: string;
}

/**
 * A pod volume that is not a host path: a ConfigMap, a Secret, an emptyDir, a projected volume
 * or an inline CSI volume. Containers mount it by name through `volumeMounts`.
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
    // cdk8s-plus renders the limit in whole MiB and throws, without the prop's name, otherwise:
    // such a limit is reported by the check below and left out of the (never synthesized) volume.
    const kib = options.sizeLimit?.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
    const wholeMib = kib === undefined || Number.isInteger(kib / 1024);
    const volume = new AgentVolume(name, 'emptyDir', {}, (scope, id) => Volume.fromEmptyDir(scope, id, name, {
      medium: options.inMemory ? EmptyDirMedium.MEMORY : undefined,
      sizeLimit: wholeMib ? options.sizeLimit : undefined,
    }));
    volume.check = (prop, problems) => {
      if (!wholeMib) {
        problems.add(`${prop}.sizeLimit`, `${kib}KiB`, 'expected a whole number of MiB (cdk8s-plus writes the limit in Mi), e.g. Size.mebibytes(64)');
      }
    };
    return volume;
  }

  /**
   * Several sources in one directory (a `projected` volume): ServiceAccount tokens for other
   * audiences, ConfigMaps and Secrets. Allowed by the restricted Pod Security level.
   *
   * @example
   * AgentVolume.fromProjected('credentials', [
   *   ProjectedSource.serviceAccountToken('token', { audience: 'vault', expiration: Duration.hours(1) }),
   *   ProjectedSource.secret('agent-tls'),
   * ]);
   */
  public static fromProjected(name: string, sources: ProjectedSource[], options: ProjectedVolumeOptions = {}): AgentVolume {
    checkArgs('AgentVolume.fromProjected', [name, sources, options]);
    const volume = new AgentVolume(name, 'projected', { defaultMode: options.defaultMode }, (scope, id) => rawVolume(scope, id, name, {
      projected: { sources: sources.map((s) => s._toKube()), defaultMode: options.defaultMode },
    }));
    volume.check = (prop, problems) => {
      if (!Array.isArray(sources) || sources.length === 0) {
        problems.add(`${prop}.sources`, sources, 'expected at least one ProjectedSource');
        return;
      }
      sources.forEach((s, i) => {
        if (!isBranded<ProjectedSource>(s, 'ProjectedSource')) {
          problems.add(`${prop}.sources[${i}]`, s, 'expected a ProjectedSource, e.g. ProjectedSource.secret("name")');
        } else {
          s._check(`${prop}.sources[${i}]`, problems);
        }
      });
      const paths = sources.filter((s) => isBranded<ProjectedSource>(s, 'ProjectedSource')).flatMap((s) => s._paths);
      new Set(paths.filter((p, i) => paths.indexOf(p) !== i)).forEach((p) => problems.add(`${prop}.sources`, p, 'each file path may appear in only one source (the API server rejects conflicting paths)'));
    };
    return volume;
  }

  /**
   * A volume a CSI driver provides for the pod's lifetime (an inline ephemeral CSI volume), e.g.
   * `secrets-store.csi.k8s.io` with a SecretProviderClass. Allowed by the restricted Pod
   * Security level; the driver must support the Ephemeral volume lifecycle mode.
   */
  public static fromCsi(name: string, driver: string, options: CsiInlineVolumeOptions = {}): AgentVolume {
    checkArgs('AgentVolume.fromCsi', [name, driver, options]);
    const volume = new AgentVolume(name, 'csi', {}, (scope, id) => rawVolume(scope, id, name, {
      csi: {
        driver,
        readOnly: options.readOnly ?? true,
        fsType: options.fsType,
        volumeAttributes: options.volumeAttributes && { ...options.volumeAttributes },
        nodePublishSecretRef: options.nodePublishSecretName !== undefined ? { name: options.nodePublishSecretName } : undefined,
      },
    }));
    volume.check = (prop, problems) => {
      // ValidateCSIDriverName: a DNS-1123 subdomain of at most 63 characters.
      if (typeof driver !== 'string' || driver.length > 63 || rules.dns1123Subdomain(driver) !== undefined) {
        problems.add(`${prop}.driver`, driver, 'expected a CSI driver name: a DNS-1123 subdomain of at most 63 characters, e.g. "secrets-store.csi.k8s.io"');
      }
      if (options.nodePublishSecretName !== undefined) {
        problems.check(`${prop}.nodePublishSecretName`, options.nodePublishSecretName, rules.dns1123Subdomain(options.nodePublishSecretName));
      }
      const attributes = options.volumeAttributes;
      if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))) {
        problems.add(`${prop}.volumeAttributes`, attributes, 'expected an object of string keys to string values');
        return;
      }
      for (const [key, value] of Object.entries(attributes ?? {})) {
        if (typeof value !== 'string') {
          problems.add(`${prop}.volumeAttributes.${key}`, value, 'expected a string value');
        }
      }
    };
    return volume;
  }

  /** Checks of the factory's own options (projected, CSI), recorded by the DaemonSet. */
  private check?: (prop: string, problems: ValidationProblems) => void;

  private constructor(
    /** The volume name, which containers use in `volumeMounts`. */
    public readonly name: string,
    /** The volume's source kind: "configMap", "secret", "emptyDir", "projected" or "csi". */
    public readonly kind: string,
    private readonly options: KeyedVolumeOptions,
    private readonly bind: (scope: Construct, id: string) => Volume,
  ) {}

  /** Records what is wrong with the volume's options. @internal */
  public _check(prop: string, problems: ValidationProblems): void {
    this.check?.(prop, problems);
  }

  /** Whether the kubelet writes the files as root and the pod's fsGroup (ConfigMap, Secret, projected). @internal */
  public get _keyed(): boolean {
    return this.kind === 'configMap' || this.kind === 'secret' || this.kind === 'projected';
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
brand(AgentVolume, 'AgentVolume');

/**
 * A cdk8s-plus volume of a kind it has no factory for (projected; CSI with a publish Secret).
 * Its constructor is private in the type declarations only: it takes the L1 volume source.
 */
function rawVolume(scope: Construct, id: string, name: string, source: Omit<k8s.Volume, 'name'>): Volume {
  const VolumeClass = Volume as unknown as new (s: Construct, i: string, n: string, c: Omit<k8s.Volume, 'name'>) => Volume;
  return new VolumeClass(scope, id, name, source);
}

/** validateLocalDescendingPath: a relative path without ".." segments. */
function relativePath(path: string | undefined): string | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.startsWith('/') || path.split('/').includes('..')) {
    return 'expected a relative path inside the volume, without ".." segments, e.g. "token"';
  }
  return undefined;
}

function toKeyToPath(items?: { [key: string]: string }): k8s.KeyToPath[] | undefined {
  return items === undefined ? undefined : Object.entries(items).map(([key, path]) => ({ key, path }));
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
