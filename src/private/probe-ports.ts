/**
 * The probes and lifecycle hooks of a pod as it is rendered: each HTTP or TCP one must aim at a
 * port its own container declares. Read from the synthesized manifest (cdk8s-plus keeps a
 * probe's options private), so it sees what the kubelet will get: cdk8s-plus's fallback (a
 * probe or hook that names no port aims at port 80, whatever the container declares) and any
 * escape-hatch edit made after construction.
 */

/** The fields of a rendered container this check reads. */
interface RenderedContainer {
  readonly name: string;
  readonly ports?: Array<{ readonly containerPort: number; readonly name?: string }>;
  readonly livenessProbe?: RenderedAction;
  readonly readinessProbe?: RenderedAction;
  readonly startupProbe?: RenderedAction;
  readonly lifecycle?: { readonly postStart?: RenderedAction; readonly preStop?: RenderedAction };
}

interface RenderedAction {
  readonly httpGet?: { readonly port?: number | string };
  readonly tcpSocket?: { readonly port?: number | string };
  readonly exec?: { readonly command?: string[] };
}

/** A rendered pod spec: its containers and init containers. */
export interface RenderedPodSpec {
  readonly containers?: RenderedContainer[];
  readonly initContainers?: RenderedContainer[];
}

/** One problem: the prop, the value, what is allowed. */
export type ProbeProblem = [prop: string, value: unknown, allowed: string];

const PROBES = [['liveness', 'livenessProbe'], ['readiness', 'readinessProbe'], ['startup', 'startupProbe']] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/**
 * The problems of a rendered pod's probes and hooks.
 *
 * @param pod the rendered pod spec (`spec.template.spec` of the synthesized DaemonSet)
 * @param propOf the prop prefix of a container by name ("" for the main container's flat props,
 *   "sidecars[0]", ...; an unknown name, a container added through the escape hatch, is named
 *   `containers "<name>"`)
 */
export function renderedProbeProblems(pod: RenderedPodSpec, propOf: (containerName: string) => string | undefined): ProbeProblem[] {
  const problems: ProbeProblem[] = [];
  for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    const prefix = propOf(container.name) ?? `containers "${container.name}"`;
    const at = (prop: string) => (prefix === '' ? prop : `${prefix}.${prop}`);
    const declared = (container.ports ?? []).map((p) => p.containerPort);
    const names = (container.ports ?? []).map((p) => p.name).filter((n): n is string => n !== undefined);
    const list = declared.join(', ') || 'none declared';
    const aimsAtDeclared = (port: number | string | undefined) =>
      (typeof port === 'number' ? declared.includes(port) : typeof port === 'string' && names.includes(port));
    for (const [prop, field] of PROBES) {
      const target = network(container[field]);
      if (target !== undefined && !aimsAtDeclared(target.port)) {
        problems.push([at(`${prop}.port`), target.port, `the ${target.kind} probe's port must be one of the container's ports (${list}); a probe that names no port probes 80 (cdk8s-plus's default): give it the port the agent listens on, e.g. Probe.fromHttpGet('/healthz', { port: ${declared[0] ?? 8080} })`]);
      }
    }
    for (const hook of HOOKS) {
      const handler = container.lifecycle?.[hook];
      const target = network(handler);
      if (target !== undefined && !aimsAtDeclared(target.port)) {
        problems.push([at(`lifecycle.${hook}.port`), target.port, `the handler's port must be one of the container's ports (${list}); a handler that names no port calls 80 (cdk8s-plus's default): give it the port it calls`]);
      }
      const command = handler?.exec?.command;
      if (handler?.exec !== undefined && (!Array.isArray(command) || command.length === 0)) {
        problems.push([at(`lifecycle.${hook}`), command, 'expected a non-empty command, e.g. ["/bin/sh", "-c", "sleep 5"]']);
      }
    }
  }
  return problems;
}

function network(action: RenderedAction | undefined): { kind: 'httpGet' | 'tcpSocket'; port: number | string | undefined } | undefined {
  if (action?.httpGet !== undefined) {
    return { kind: 'httpGet', port: action.httpGet.port };
  }
  if (action?.tcpSocket !== undefined) {
    return { kind: 'tcpSocket', port: action.tcpSocket.port };
  }
  return undefined;
}
