import { Size } from 'cdk8s';
import { Cpu, EnvValue, Probe } from 'cdk8s-plus-28';
import { Problems } from './problems';
import { AgentVolume } from '../agent-volume';
import { HostMount } from '../host-mount';
import { NodeAffinityTerm } from '../node-affinity';
import { Toleration } from '../toleration';
import { UpdateStrategy } from '../update-strategy';

/**
 * Type checks for callers without a type checker (JavaScript, or a wrong cast): a value of the
 * wrong type gets the library's error naming the prop, never a TypeError from deep inside, and
 * never a silently malformed manifest. jsii languages are typed, so this only ever fires for
 * plain JavaScript or `as any`. `null` counts as absent, like `undefined`.
 */
type Shape = 'string' | 'number' | 'boolean' | 'strings' | 'stringMap' | 'object' | 'objects' | 'env' | 'resources' | Function;

const CONTAINER_SHAPES: { [prop: string]: Shape } = {
  imagePullPolicy: 'string',
  command: 'strings',
  args: 'strings',
  env: 'env',
  ports: 'objects',
  hostMounts: HostMount,
  volumeMounts: 'objects',
  resources: 'resources',
  liveness: Probe,
  readiness: Probe,
  startup: Probe,
  privileged: 'boolean',
  addCapabilities: 'strings',
  runAsUser: 'number',
  runAsGroup: 'number',
  runAsNonRoot: 'boolean',
  readOnlyRootFilesystem: 'boolean',
  allowPrivilegeEscalation: 'boolean',
  seccompProfile: 'object',
  workingDir: 'string',
};

const POD_SHAPES: { [prop: string]: Shape } = {
  ...CONTAINER_SHAPES,
  image: 'string',
  name: 'string',
  namespace: 'string',
  labels: 'stringMap',
  annotations: 'stringMap',
  podAnnotations: 'stringMap',
  component: 'string',
  containerName: 'string',
  tolerations: Toleration,
  nodeSelector: 'stringMap',
  requiredNodeAffinity: NodeAffinityTerm,
  updateStrategy: UpdateStrategy,
  minReadySeconds: 'number',
  revisionHistoryLimit: 'number',
  priorityClassName: 'string',
  hostNetwork: 'boolean',
  hostPid: 'boolean',
  hostIpc: 'boolean',
  dnsPolicy: 'string',
  terminationGracePeriodSeconds: 'number',
  initContainers: 'objects',
  sidecars: 'objects',
  volumes: AgentVolume,
  rbacRules: 'objects',
  serviceAccountName: 'string',
  automountServiceAccountToken: 'boolean',
  changeCause: 'string',
  fsGroup: 'number',
  excludeVirtualNodes: 'boolean',
  imagePlatforms: 'strings',
};

/** Records a problem for every prop of the wrong type; returns whether all were right. */
export function checkShapes(props: any, problems: Problems, prefix = '', shapes: { [prop: string]: Shape } = POD_SHAPES): boolean {
  const before = problems.count;
  for (const [prop, shape] of Object.entries(shapes)) {
    const value = props[prop];
    if (value === undefined || value === null) {
      continue;
    }
    const at = prefix ? `${prefix}.${prop}` : prop;
    const problem = shapeProblem(value, shape);
    if (problem) {
      problems.add(at, value, problem);
    } else if ((prop === 'initContainers' || prop === 'sidecars') && Array.isArray(value)) {
      value.forEach((c: any, i: number) => {
        const missing = shapeProblem(c.name, 'string') ?? shapeProblem(c.image, 'string');
        if (missing) {
          problems.add(`${at}[${i}]`, c, 'expected { name: string, image: string, ... }');
        }
        checkShapes(c, problems, `${at}[${i}]`, CONTAINER_SHAPES);
      });
    }
  }
  return problems.count === before;
}

function shapeProblem(value: any, shape: Shape): string | undefined {
  switch (shape) {
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === shape && !(shape === 'number' && !Number.isFinite(value)) ? undefined : `expected a ${shape}`;
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'expected a list of strings';
    case 'stringMap':
      return isMap(value) ? undefined : 'expected an object of string keys to string values';
    case 'object':
      return isMap(value) ? undefined : 'expected an object';
    case 'objects':
      return Array.isArray(value) && value.every(isMap) ? undefined : 'expected a list of objects';
    case 'env':
      return isMap(value) && Object.values(value).every((v) => v instanceof EnvValue)
        ? undefined : 'expected an object of names to EnvValue, e.g. { LEVEL: EnvValue.fromValue("info") }';
    case 'resources':
      if (!isMap(value)) {
        return 'expected { cpu?: { request?: Cpu, limit?: Cpu }, memory?: { request?: Size, limit?: Size } }';
      }
      for (const [kind, type] of [['cpu', Cpu], ['memory', Size], ['ephemeralStorage', Size]] as const) {
        const pair = value[kind];
        if (pair !== undefined && (!isMap(pair) || ['request', 'limit'].some((k) => pair[k] !== undefined && !(pair[k] instanceof type)))) {
          return `expected ${kind} as { request?: ${type.name}, limit?: ${type.name} } (e.g. ${kind === 'cpu' ? 'Cpu.millis(100)' : 'Size.mebibytes(64)'})`;
        }
      }
      return undefined;
    default:
      if (shape === Probe || shape === UpdateStrategy) {
        return value instanceof shape ? undefined : `expected a ${shape.name} (e.g. ${shape.name}.${shape === Probe ? 'fromHttpGet(...)' : 'rollingUpdate()'})`;
      }
      return Array.isArray(value) && value.every((v) => v instanceof (shape as Function))
        ? undefined : `expected a list of ${(shape as Function).name} (made with its static methods)`;
  }
}

function isMap(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The props with `null` values removed (JavaScript callers and some jsii languages send null
 * for "not set"), in init containers and sidecars too, so that every default applies to them.
 */
export function withoutNulls<T extends object>(props: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === null) {
      continue;
    }
    result[key] = (key === 'initContainers' || key === 'sidecars') && Array.isArray(value)
      ? value.map((c) => (isMap(c) ? withoutNulls(c) : c))
      : value;
  }
  return result as T;
}
