/**
 * Internal: what a pod asks of its node, as the scheduler computes it (kubernetes/kubernetes at
 * v1.28):
 * - requests: pkg/api/v1/resource/helpers.go `PodRequests` (called by
 *   pkg/scheduler/framework/plugins/noderesources/fit.go `computePodResourceRequest`): the sum of
 *   the containers' requests; then, in order, each init container's requests plus the restartable
 *   (`restartPolicy: Always`, "sidecar") init containers before it; restartable init containers
 *   also add to the sum; the pod's request is the larger of the two, per resource; plus
 *   `spec.overhead`.
 * - a container with limits but no request for a resource gets the limit as its request:
 *   pkg/apis/core/v1/defaults.go `SetDefaults_Pod` (on pods, not on the DaemonSet's template, so
 *   the preview applies it to the template here).
 * - host ports: pkg/scheduler/framework/plugins/nodeports/node_ports.go `getContainerPorts`
 *   (containers only, `hostPort > 0`); a host-network pod's container ports get
 *   `hostPort = containerPort` from `SetDefaults_Pod` (`defaultHostNetworkPorts`); an empty
 *   `hostIP` is 0.0.0.0 and an empty protocol TCP (pkg/scheduler/framework/types.go
 *   `HostPortInfo.sanitize`).
 */
import { describeValue, isObject } from './daemonset-manifest';
import { parseQuantity } from './quantity';

/** Resource amounts: CPU in millis, bytes for memory and storage, counts for the rest. */
export class Resources {
  public cpu = 0;
  public memory = 0;
  public storage = 0;
  /** Every other resource (extended resources such as nvidia.com/gpu, hugepages-*). */
  public other: { [name: string]: number } | undefined;

  public get(name: string): number {
    switch (name) {
      case 'cpu': return this.cpu;
      case 'memory': return this.memory;
      case 'ephemeral-storage': return this.storage;
      default: return this.other?.[name] ?? 0;
    }
  }

  public set(name: string, value: number): void {
    switch (name) {
      case 'cpu': this.cpu = value; break;
      case 'memory': this.memory = value; break;
      case 'ephemeral-storage': this.storage = value; break;
      default:
        this.other = this.other ?? {};
        this.other[name] = value;
    }
  }

  public add(r: Resources, sign = 1): void {
    this.cpu += sign * r.cpu;
    this.memory += sign * r.memory;
    this.storage += sign * r.storage;
    if (r.other !== undefined) {
      for (const name of Object.keys(r.other)) {
        this.set(name, this.get(name) + sign * r.other[name]);
      }
    }
  }

  /** Per resource, the larger of the two (`maxResourceList`). */
  public max(r: Resources): void {
    this.cpu = Math.max(this.cpu, r.cpu);
    this.memory = Math.max(this.memory, r.memory);
    this.storage = Math.max(this.storage, r.storage);
    if (r.other !== undefined) {
      for (const name of Object.keys(r.other)) {
        this.set(name, Math.max(this.get(name), r.other[name]));
      }
    }
  }

  public copy(): Resources {
    const c = new Resources();
    c.add(this);
    return c;
  }

  /** The names of the resources with a non-zero amount, cpu, memory, ephemeral-storage first. */
  public names(): string[] {
    const names: string[] = [];
    if (this.cpu !== 0) names.push('cpu');
    if (this.memory !== 0) names.push('memory');
    if (this.storage !== 0) names.push('ephemeral-storage');
    for (const name of Object.keys(this.other ?? {})) {
      if (this.other![name] !== 0) names.push(name);
    }
    return names;
  }

  public isZero(): boolean {
    return this.names().length === 0;
  }
}

/** A host port a pod binds on its node. */
export interface HostPort {
  /** The host IP ('0.0.0.0' for all). */
  readonly ip: string;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
  readonly port: number;
}

/** A pod of the cluster, as the preview reads it from `kubectl get pods -A -o json`. */
export interface BoundPod {
  readonly namespace: string;
  readonly name: string;
  /** `spec.nodeName`, '' when not bound. */
  readonly nodeName: string;
  /** `status.phase`, '' when absent. */
  readonly phase: string;
  /** The name of the DaemonSet that controls it (ownerReferences), if any. */
  readonly ownerDaemonSet?: string;
  readonly request: Resources;
  readonly ports: HostPort[];
  /** `spec.priority` (set by admission on every pod the API server accepted). */
  readonly priority?: number;
  readonly priorityClassName: string;
  /** `status.startTime`, '' when absent. */
  readonly startTime: string;
}

/** Formats a host port for a message: `9100/TCP`, or `127.0.0.1:9100/TCP`. */
export function formatHostPort(p: HostPort): string {
  return `${p.ip === '0.0.0.0' ? '' : `${p.ip}:`}${p.port}/${p.protocol}`;
}

/** `HostPortInfo.CheckConflict`: the same protocol and port, and the same IP or either one 0.0.0.0. */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0');
}

/** Reads a resource list (`requests`, `limits`, `overhead`, node `allocatable`) into `into`; throws naming the path. */
export function addResourceList(into: Resources, list: unknown, path: string, subject: string, only?: (name: string) => boolean): void {
  if (list === undefined || list === null) {
    return;
  }
  if (!isObject(list)) {
    throw new Error(`${subject}: ${path} is ${describeValue(list)}; expected an object of quantities such as { cpu: "100m", memory: "128Mi" }`);
  }
  for (const name of Object.keys(list)) {
    if (only !== undefined && !only(name)) {
      continue;
    }
    into.set(name, into.get(name) + quantity(list[name], name, `${path}["${name}"]`, subject));
  }
}

/** One quantity, CPU in millis; throws naming the path. */
export function quantity(value: unknown, name: string, path: string, subject: string): number {
  const parsed = parseQuantity(value, name === 'cpu');
  if (parsed === undefined) {
    throw new Error(`${subject}: ${path} is ${describeValue(value)}; expected a Kubernetes quantity such as "100m", "128Mi" or "1"`);
  }
  return parsed;
}

/** A container's requests after `SetDefaults_Pod`: every limit without a request becomes the request. */
function containerRequests(container: { [key: string]: unknown }, path: string, subject: string): Resources {
  const r = new Resources();
  const resources = container.resources;
  if (resources === undefined || resources === null) {
    return r;
  }
  if (!isObject(resources)) {
    throw new Error(`${subject}: ${path}.resources is ${describeValue(resources)}; expected an object`);
  }
  const requests = isObject(resources.requests) ? resources.requests : undefined;
  addResourceList(r, resources.requests, `${path}.resources.requests`, subject);
  addResourceList(r, resources.limits, `${path}.resources.limits`, subject, (name) => requests === undefined || !(name in requests));
  return r;
}

function containers(podSpec: { [key: string]: unknown }, field: string, subject: string): Array<{ [key: string]: unknown }> {
  const list = podSpec[field];
  if (list === undefined || list === null) {
    return [];
  }
  if (!Array.isArray(list)) {
    throw new Error(`${subject}: ${field} is ${describeValue(list)}; expected a list of containers`);
  }
  return list.map((c, i) => {
    if (!isObject(c)) {
      throw new Error(`${subject}: ${field}[${i}] is ${describeValue(c)}; expected a container`);
    }
    return c;
  });
}

/** `PodRequests` (see the file comment); `prefix` is the path of the pod spec in messages. */
export function podRequests(podSpec: { [key: string]: unknown }, subject: string, prefix: string): Resources {
  const total = new Resources();
  containers(podSpec, 'containers', subject).forEach((c, i) => total.add(containerRequests(c, `${prefix}containers[${i}]`, subject)));
  const sidecars = new Resources();
  const init = new Resources();
  containers(podSpec, 'initContainers', subject).forEach((c, i) => {
    const r = containerRequests(c, `${prefix}initContainers[${i}]`, subject);
    if (c.restartPolicy === 'Always') {
      total.add(r);
      sidecars.add(r);
      init.max(sidecars);
    } else {
      r.add(sidecars);
      init.max(r);
    }
  });
  total.max(init);
  addResourceList(total, podSpec.overhead, `${prefix}overhead`, subject);
  return total;
}

/** The host ports of the pod's containers, after `defaultHostNetworkPorts`. */
export function podHostPorts(podSpec: { [key: string]: unknown }, subject: string, prefix: string): HostPort[] {
  const hostNetwork = podSpec.hostNetwork === true;
  const ports: HostPort[] = [];
  containers(podSpec, 'containers', subject).forEach((c, i) => {
    const list = c.ports;
    if (list === undefined || list === null) {
      return;
    }
    if (!Array.isArray(list)) {
      throw new Error(`${subject}: ${prefix}containers[${i}].ports is ${describeValue(list)}; expected a list`);
    }
    list.forEach((p: unknown, j) => {
      if (!isObject(p)) {
        throw new Error(`${subject}: ${prefix}containers[${i}].ports[${j}] is ${describeValue(p)}; expected a container port`);
      }
      const hostPort = typeof p.hostPort === 'number' && p.hostPort > 0 ? p.hostPort : hostNetwork && typeof p.containerPort === 'number' ? p.containerPort : 0;
      if (hostPort > 0) {
        ports.push({
          ip: typeof p.hostIP === 'string' && p.hostIP !== '' ? p.hostIP : '0.0.0.0',
          protocol: typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol : 'TCP',
          port: hostPort,
        });
      }
    });
  });
  return ports;
}
