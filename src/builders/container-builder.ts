import { Size, SizeRoundingBehavior } from 'cdk8s';
import {
  Capability, ContainerLifecycle, ContainerProps, ContainerRestartPolicy, Cpu, ContainerResources, EnvFieldPaths, EnvFrom, EnvValue, Handler,
  ImagePullPolicy, k8s, MountPropagation, Protocol, SeccompProfileType, Volume, VolumeMount,
} from 'cdk8s-plus-28';
import { AgentVolumeMount, ContainerSettings } from '../agent-container';
import { HostMount } from '../host-mount';
import * as rules from '../private/rules';
import { TerminationMessagePolicy } from '../termination-message-policy';
import { ValidationProblems } from '../validation-problems';

/** The resources an agent gets unless it asks for others: small, because it runs on every node. */
export const DEFAULT_RESOURCES = {
  cpu: { request: Cpu.millis(50) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
};

/** The user an unprivileged agent runs as by default: nobody (65534), as node exporter does. */
export const DEFAULT_USER = 65534;

/** The security settings a container ends up with, after defaults. */
export interface ResolvedSecurity {
  readonly privileged: boolean;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly runAsNonRoot: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly addCapabilities: Capability[];
}

/** Everything the pod needs to know about a container once it is built. */
export interface BuiltContainer {
  readonly props: ContainerProps;
  readonly security: ResolvedSecurity;
  readonly portNames: string[];
  /**
   * The container's whole `resources`, when it has ephemeral storage: cdk8s-plus renders
   * ephemeral-storage in whole GiB only (and throws on 500Mi), so the DaemonSet patches it in.
   */
  readonly resourcesPatch?: k8s.ResourceRequirements;
  /** `terminationMessagePolicy`, when given (cdk8s-plus has no such field: the DaemonSet patches it in). */
  readonly terminationMessagePolicy?: TerminationMessagePolicy;
}

/** Resolves volumes by name so that every container shares one cdk8s-plus volume per name. */
export interface VolumeResolver {
  hostVolume(mount: HostMount, prop: string, problems: ValidationProblems): Volume | undefined;
  namedVolume(name: string, prop: string, problems: ValidationProblems): Volume | undefined;
}

export interface BuildOptions {
  /** The prop path of the container, e.g. "initContainers[0]" ("" for the main container's flat props). */
  readonly prefix: string;
  readonly name: string;
  /** The prop that set the name, for error messages. */
  readonly nameProp: string;
  readonly image: string;
  readonly settings: ContainerSettings;
  readonly problems: ValidationProblems;
  readonly volumes: VolumeResolver;
  /** Whether NODE_NAME is added from spec.nodeName (the main container). */
  readonly nodeNameEnv: boolean;
  /** Whether probes are allowed (not in init containers). */
  readonly probesAllowed: boolean;
  readonly hostNetwork: boolean;
  /** ALWAYS for a native sidecar (an init container that keeps running). */
  readonly restartPolicy?: ContainerRestartPolicy;
}

/**
 * Turns one container's settings into cdk8s-plus ContainerProps with every default set
 * explicitly (cdk8s-plus's own defaults — 1000m/512Mi, pull Always, no capability drop — are
 * wrong for an agent on every node), and records every problem in the settings.
 */
export function buildContainer(options: BuildOptions): BuiltContainer {
  const { settings: s, problems } = options;
  const at = (prop: string) => (options.prefix ? `${options.prefix}.${prop}` : prop);

  problems.check(options.nameProp, options.name, rules.dns1123Label(options.name));
  problems.check(at('image'), options.image, rules.pinnedImage(options.image));

  const security = resolveSecurity(s, at, problems);
  const ports = checkPorts(s, at, problems, options.hostNetwork);
  const env = buildEnv(s, at, problems, options.nodeNameEnv);
  const resources = resolveResources(s.resources, at('resources'), problems);
  const volumeMounts = [
    ...(s.hostMounts ?? []).map((m, i) => hostMount(m, `${at('hostMounts')}[${i}]`, security, options)),
    ...(s.volumeMounts ?? []).map((m, i) => podVolumeMount(m, `${at('volumeMounts')}[${i}]`, options)),
  ].filter((m): m is VolumeMount => m !== undefined);
  checkUnique(volumeMounts.map((m) => m.path), at('hostMounts/volumeMounts'), 'mount path', problems);

  if (!options.probesAllowed) {
    for (const probe of ['liveness', 'readiness', 'startup'] as const) {
      if (s[probe] !== undefined) {
        problems.add(at(probe), 'a probe', 'init containers run to completion and cannot have probes; remove it');
      }
    }
  }
  if (s.workingDir !== undefined) {
    problems.check(at('workingDir'), s.workingDir, rules.containerMountPath(s.workingDir));
  }
  checkEnvFrom(s.envFrom, at('envFrom'), problems);
  checkLifecycle(s.lifecycle, at('lifecycle'), options);

  const props: ContainerProps = {
    name: options.name,
    image: options.image,
    imagePullPolicy: s.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
    command: s.command,
    args: s.args,
    workingDir: s.workingDir,
    envVariables: env,
    ports: ports.map((p) => ({ number: p.containerPort, name: p.name, hostPort: p.hostPort, protocol: p.protocol ?? Protocol.TCP })),
    resources,
    liveness: s.liveness,
    readiness: s.readiness,
    startup: s.startup,
    envFrom: s.envFrom,
    lifecycle: s.lifecycle,
    restartPolicy: options.restartPolicy,
    volumeMounts,
    securityContext: {
      privileged: security.privileged,
      allowPrivilegeEscalation: security.allowPrivilegeEscalation,
      readOnlyRootFilesystem: security.readOnlyRootFilesystem,
      ensureNonRoot: security.runAsNonRoot,
      user: security.runAsUser,
      group: security.runAsGroup,
      // A privileged container has every capability anyway; everything else starts from none.
      capabilities: security.privileged
        ? (security.addCapabilities.length > 0 ? { add: security.addCapabilities } : undefined)
        : { drop: [Capability.ALL], add: security.addCapabilities.length > 0 ? security.addCapabilities : undefined },
      seccompProfile: s.seccompProfile ?? { type: SeccompProfileType.RUNTIME_DEFAULT },
    },
  };
  return {
    props: { ...props, resources: { cpu: resources.cpu, memory: resources.memory } },
    security,
    portNames: ports.map((p) => p.name).filter((n): n is string => !!n),
    resourcesPatch: resources.ephemeralStorage ? renderResources(resources) : undefined,
    terminationMessagePolicy: s.terminationMessagePolicy,
  };
}

function resolveSecurity(s: ContainerSettings, at: (p: string) => string, problems: ValidationProblems): ResolvedSecurity {
  const privileged = s.privileged ?? false;
  const addCapabilities = [...(s.addCapabilities ?? [])];
  const runAsUser = s.runAsUser ?? (privileged ? 0 : DEFAULT_USER);
  const runAsGroup = s.runAsGroup ?? runAsUser;
  const runAsNonRoot = s.runAsNonRoot ?? runAsUser !== 0;
  const sysAdmin = addCapabilities.includes(Capability.SYS_ADMIN);
  const allowPrivilegeEscalation = s.allowPrivilegeEscalation ?? (privileged || sysAdmin);

  for (const [prop, value] of [['runAsUser', runAsUser], ['runAsGroup', runAsGroup]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
      problems.add(at(prop), value, 'expected an integer ID from 0 to 2147483647');
    }
  }
  // The kubelet refuses to start a container that must not run as root but is told to (UID 0).
  if (runAsNonRoot && runAsUser === 0) {
    problems.add(at('runAsNonRoot'), true, 'runAsUser is 0 (root), so the kubelet would refuse to start the container; set runAsNonRoot: false or a non-zero runAsUser');
  }
  // ValidateSecurityContext: allowPrivilegeEscalation false conflicts with privileged and CAP_SYS_ADMIN.
  if (s.allowPrivilegeEscalation === false && privileged) {
    problems.add(at('allowPrivilegeEscalation'), false, 'a privileged container always allows privilege escalation (the API server rejects false with privileged: true); remove one of them');
  }
  if (s.allowPrivilegeEscalation === false && sysAdmin) {
    problems.add(at('allowPrivilegeEscalation'), false, 'CAP_SYS_ADMIN allows privilege escalation (the API server rejects false with SYS_ADMIN added); remove one of them');
  }
  const known = new Set<string>(Object.values(Capability));
  addCapabilities.forEach((cap, i) => {
    if (!known.has(cap) || cap === Capability.ALL) {
      problems.add(`${at('addCapabilities')}[${i}]`, cap, 'expected a single Linux capability such as NET_ADMIN (ALL is not something to add; use privileged if you really need everything)');
    }
  });
  checkUnique(addCapabilities, at('addCapabilities'), 'capability', problems);
  // Added capabilities reach only root's processes: the runtimes set no ambient capabilities,
  // so a non-root process starts with an empty effective set whatever `add` says.
  if (addCapabilities.length > 0 && runAsUser !== 0 && !privileged) {
    problems.add(at('addCapabilities'), addCapabilities, `capabilities have no effect for a non-root user (runAsUser ${runAsUser}): container runtimes give non-root processes no ambient capabilities; run the container as root (runAsUser: 0, runAsNonRoot: false) or remove them`);
  }
  if (s.seccompProfile !== undefined && !Object.values(SeccompProfileType).includes(s.seccompProfile.type)) {
    problems.add(at('seccompProfile.type'), s.seccompProfile.type, `expected one of ${Object.values(SeccompProfileType).join(', ')}`);
  }
  if (s.seccompProfile?.type === SeccompProfileType.LOCALHOST && !s.seccompProfile.localhostProfile) {
    problems.add(at('seccompProfile'), s.seccompProfile, 'a Localhost profile needs localhostProfile (the profile file on the node)');
  }

  return {
    privileged,
    runAsUser,
    runAsGroup,
    runAsNonRoot,
    readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? true,
    allowPrivilegeEscalation,
    addCapabilities,
  };
}

function checkPorts(s: ContainerSettings, at: (p: string) => string, problems: ValidationProblems, hostNetwork: boolean) {
  const ports = s.ports ?? [];
  ports.forEach((p, i) => {
    const prop = `${at('ports')}[${i}]`;
    problems.check(`${prop}.containerPort`, p.containerPort, rules.portNumber(p.containerPort));
    if (p.name !== undefined) {
      problems.check(`${prop}.name`, p.name, rules.portName(p.name));
    }
    if (p.hostPort !== undefined) {
      problems.check(`${prop}.hostPort`, p.hostPort, rules.portNumber(p.hostPort));
      // validateContainerPorts: with hostNetwork the host port is the container port.
      if (hostNetwork && p.hostPort !== p.containerPort) {
        problems.add(`${prop}.hostPort`, p.hostPort, `with hostNetwork the host port must equal containerPort (${p.containerPort}); omit hostPort`);
      }
    }
    if (p.protocol !== undefined && !Object.values(Protocol).includes(p.protocol)) {
      problems.add(`${prop}.protocol`, p.protocol, `expected one of ${Object.values(Protocol).join(', ')}`);
    }
  });
  checkUnique(ports.map((p) => p.name).filter((n) => n !== undefined), at('ports'), 'port name', problems);
  checkUnique(ports.map((p) => `${p.containerPort}/${p.protocol ?? Protocol.TCP}`), at('ports'), 'containerPort/protocol', problems);
  return ports;
}

function buildEnv(s: ContainerSettings, at: (p: string) => string, problems: ValidationProblems, nodeNameEnv: boolean) {
  const env: { [name: string]: EnvValue } = {};
  if (nodeNameEnv && !(s.env && 'NODE_NAME' in s.env)) {
    env.NODE_NAME = EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME);
  }
  for (const [name, value] of Object.entries(s.env ?? {})) {
    problems.check(`${at('env')}.${name}`, name, rules.envVarName(name));
    if (value === undefined || value === null) {
      problems.add(`${at('env')}.${name}`, value, 'expected an EnvValue, e.g. EnvValue.fromValue("info")');
      continue;
    }
    env[name] = value;
  }
  return env;
}

function resolveResources(given: ContainerResources | undefined, prop: string, problems: ValidationProblems): ContainerResources {
  const resolved: ContainerResources = {
    cpu: given?.cpu ?? DEFAULT_RESOURCES.cpu,
    memory: given?.memory ?? DEFAULT_RESOURCES.memory,
    ephemeralStorage: given?.ephemeralStorage,
  };
  const cpuRequest = resolved.cpu?.request?.amount;
  const cpuLimit = resolved.cpu?.limit?.amount;
  for (const [field, value] of [['cpu.request', cpuRequest], ['cpu.limit', cpuLimit]] as const) {
    if (value !== undefined) {
      problems.check(`${prop}.${field}`, value, rules.quantity(value));
    }
  }
  // ValidateResourceRequirements: a request may not exceed its limit.
  if (cpuRequest !== undefined && cpuLimit !== undefined && (rules.quantityValue(cpuRequest) ?? 0) > (rules.quantityValue(cpuLimit) ?? Infinity)) {
    problems.add(`${prop}.cpu.request`, cpuRequest, `must not exceed the CPU limit (${cpuLimit})`);
  }
  for (const [kind, pair] of [['memory', resolved.memory], ['ephemeralStorage', resolved.ephemeralStorage]] as const) {
    const request = pair?.request?.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    const limit = pair?.limit?.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (request !== undefined && limit !== undefined && request > limit) {
      problems.add(`${prop}.${kind}.request`, `${request}Mi`, `must not exceed the ${kind} limit (${limit}Mi)`);
    }
    for (const [field, value] of [['request', request], ['limit', limit]] as const) {
      // cdk8s-plus renders memory in whole Mi: a fraction would be rounded silently.
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
        problems.add(`${prop}.${kind}.${field}`, value, 'expected a whole, positive number of MiB (cdk8s-plus renders memory in Mi)');
      }
    }
  }
  return resolved;
}

function hostMount(m: HostMount, prop: string, security: ResolvedSecurity, options: BuildOptions): VolumeMount | undefined {
  const { problems } = options;
  problems.check(`${prop}.path`, m.path, rules.absoluteHostPath(m.path));
  problems.check(`${prop}.mountPath`, m.mountPath, rules.containerMountPath(m.mountPath) ?? notOverRoot(m.mountPath));
  // Who owns a writable host path a non-root container writes is a pod-level question (a root
  // init container may prepare it): the DaemonSet checks it (checkHostPathOwners).
  // Files the container runtime and the kubelet write only for root: a non-root agent reads nothing.
  const rootOnly = security.runAsUser !== 0 ? rootOnlyHostPath(m.path) : undefined;
  if (rootOnly !== undefined) {
    problems.add(`${prop}.path`, m.path, `${rootOnly}, so user ${security.runAsUser} cannot read them; run this container as root (runAsUser: 0) with the mount read-only and no capabilities, as LogAgent does`);
  }
  problems.check(`${prop}.volumeName`, m.volumeName, rules.dns1123Label(m.volumeName));
  // validateMountPropagation: Bidirectional only in a privileged container.
  if (m.propagation === MountPropagation.BIDIRECTIONAL && !security.privileged) {
    problems.add(`${prop}.propagation`, m.propagation, 'Bidirectional propagation is only allowed in a privileged container; use HOST_TO_CONTAINER or set privileged: true');
  }
  const volume = options.volumes.hostVolume(m, prop, problems);
  return volume && { volume, path: m.mountPath, readOnly: m.isReadOnly, propagation: m.propagation };
}

function podVolumeMount(m: AgentVolumeMount, prop: string, options: BuildOptions): VolumeMount | undefined {
  options.problems.check(`${prop}.mountPath`, m.mountPath, rules.containerMountPath(m.mountPath) ?? notOverRoot(m.mountPath));
  if (m.subPath !== undefined && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
    options.problems.add(`${prop}.subPath`, m.subPath, 'expected a relative path inside the volume, without ".."');
  }
  const volume = options.volumes.namedVolume(m.volumeName, `${prop}.volumeName`, options.problems);
  return volume && { volume, path: m.mountPath, readOnly: m.readOnly ?? true, subPath: m.subPath };
}

/** ValidateEnvFrom: a ConfigMap or Secret name, and a prefix that is an environment variable name. */
function checkEnvFrom(envFrom: EnvFrom[] | undefined, prop: string, problems: ValidationProblems): void {
  (envFrom ?? []).forEach((source, i) => {
    if (!(source instanceof EnvFrom)) {
      problems.add(`${prop}[${i}]`, source, 'expected an EnvFrom made with Env.fromConfigMap(...) or Env.fromSecret(...)');
      return;
    }
    const kube = source._toKube();
    const name = kube.configMapRef?.name ?? kube.secretRef?.name;
    if (name === undefined || rules.dns1123Subdomain(name) !== undefined) {
      problems.add(`${prop}[${i}]`, name, `expected the name of a ${kube.configMapRef ? 'ConfigMap' : 'Secret'}: ${rules.dns1123Subdomain(name ?? '')}`);
    }
    if (kube.prefix !== undefined && kube.prefix !== '') {
      problems.check(`${prop}[${i}].prefix`, kube.prefix, rules.envVarName(kube.prefix));
    }
  });
}

/**
 * Lifecycle hooks: only where the container runs beside the others (validateInitContainers
 * rejects them in a plain init container), each a Handler. Their ports and commands are checked
 * on the rendered pod (private/probe-ports.ts), where cdk8s-plus's port fallback is visible.
 */
function checkLifecycle(lifecycle: ContainerLifecycle | undefined, prop: string, options: BuildOptions): void {
  if (lifecycle === undefined) {
    return;
  }
  const { problems } = options;
  if (!options.probesAllowed) {
    problems.add(prop, 'lifecycle hooks', 'a plain init container cannot have lifecycle hooks; remove them, or make it a native sidecar with restartPolicy: ContainerRestartPolicy.ALWAYS');
    return;
  }
  for (const hook of ['postStart', 'preStop'] as const) {
    const handler = lifecycle[hook];
    if (handler !== undefined && !(handler instanceof Handler)) {
      problems.add(`${prop}.${hook}`, handler, 'expected a Handler made with Handler.fromCommand(...), Handler.fromHttpGet(...) or Handler.fromTcpSocket(...)');
    }
  }
}

/** A size as a quantity: whole GiB when it is one, else MiB (the builder checks it is whole MiB). */
function sizeQuantity(size: Size): k8s.Quantity {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  return k8s.Quantity.fromString(mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);
}

/** The resources as cdk8s-plus renders them (cpu as given, memory in Mi), plus ephemeral-storage. */
function renderResources(r: ContainerResources): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  const put = (target: { [key: string]: k8s.Quantity }, key: string, value: k8s.Quantity | undefined) => {
    if (value !== undefined) {
      target[key] = value;
    }
  };
  const mi = (size?: Size) => size && k8s.Quantity.fromString(`${size.toMebibytes({ rounding: SizeRoundingBehavior.NONE })}Mi`);
  const cpu = (c?: Cpu) => c && k8s.Quantity.fromString(c.amount);
  put(requests, 'cpu', cpu(r.cpu?.request));
  put(limits, 'cpu', cpu(r.cpu?.limit));
  put(requests, 'memory', mi(r.memory?.request));
  put(limits, 'memory', mi(r.memory?.limit));
  put(requests, 'ephemeral-storage', r.ephemeralStorage?.request && sizeQuantity(r.ephemeralStorage.request));
  put(limits, 'ephemeral-storage', r.ephemeralStorage?.limit && sizeQuantity(r.ephemeralStorage.limit));
  return {
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  };
}

/** A mount at "/" would hide the container's own filesystem (its binary, libraries and /tmp). */
/** The container's own system directories: a mount over one hides the agent's binaries and libraries. */
const SYSTEM_DIRECTORIES = ['/etc', '/usr', '/lib', '/lib64', '/bin', '/sbin'];

function notOverRoot(mountPath: string): string | undefined {
  const path = mountPath.replace(/\/+$/, '');
  if (path === '') {
    return 'a mount at "/" hides the container\'s own filesystem (the agent\'s binary included); mount it elsewhere, e.g. { mountPath: "/host/root" }';
  }
  return SYSTEM_DIRECTORIES.includes(path)
    ? `a mount at "${path}" hides the container's own ${path} (its libraries, binaries or configuration); mount it elsewhere, e.g. { mountPath: "/host${path}" }`
    : undefined;
}

/**
 * Host paths whose files only root can read on every common node image, with the reason
 * (containerd and CRI-O write pod logs 0640 root:root; the kubelet's and Docker's state is root's).
 */
const ROOT_ONLY_HOST_PATHS: Array<[string, string]> = [
  ['/var/log/pods', 'the container runtime writes pod logs as root with mode 0640'],
  ['/var/log/containers', 'the pod logs these links point to are written as root with mode 0640'],
  ['/var/lib/docker/containers', 'Docker writes container logs as root with mode 0640'],
  ['/var/lib/kubelet/pki', 'the kubelet\'s keys are root\'s, mode 0600'],
  ['/etc/kubernetes/pki', 'the cluster\'s keys are root\'s, mode 0600'],
  ['/var/log/journal', 'journald writes its files as root:systemd-journal with mode 0640'],
  ['/var/lib/containerd', 'containerd\'s state is root\'s (mode 0700 or 0711)'],
  ['/run/containerd', 'containerd\'s socket is root\'s (mode 0660)'],
  ['/var/run/containerd', 'containerd\'s socket is root\'s (mode 0660)'],
  ['/run/crio', 'CRI-O\'s socket is root\'s (mode 0660)'],
  ['/var/run/crio', 'CRI-O\'s socket is root\'s (mode 0660)'],
  ['/run/docker.sock', 'Docker\'s socket is root:docker (mode 0660)'],
  ['/var/run/docker.sock', 'Docker\'s socket is root:docker (mode 0660)'],
  ['/etc/shadow', 'the password hashes are root\'s (mode 0640 or 0000)'],
  ['/etc/gshadow', 'the group password hashes are root\'s (mode 0640 or 0000)'],
];

function rootOnlyHostPath(path: string): string | undefined {
  if (typeof path !== 'string') {
    return undefined;
  }
  const normalized = path.replace(/\/+$/, '') || '/';
  for (const [root, why] of ROOT_ONLY_HOST_PATHS) {
    // The path itself, one inside it, or a parent that is mounted to read it (e.g. /var/log).
    if (normalized === root || normalized.startsWith(`${root}/`) || (root.startsWith(`${normalized}/`) && normalized.split('/').length >= 3)) {
      return `files under ${root}: ${why}`;
    }
  }
  return undefined;
}

/** Records a problem for each value that appears more than once. */
export function checkUnique(values: string[], prop: string, what: string, problems: ValidationProblems): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) {
      problems.add(prop, value, `each ${what} may appear only once`);
    }
    seen.add(value);
  }
}
