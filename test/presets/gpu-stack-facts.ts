/**
 * A DaemonSet (and its RBAC) as a set of comparable facts, for the point-by-point comparisons of
 * the GPU stack presets with NVIDIA's own manifests (test/presets/gpu-stack-upstream.test.ts).
 * Kubernetes' defaults are filled in on both sides (an omitted `readOnly` is false, an omitted
 * rolling update is maxUnavailable 1 and maxSurge 0, probe fields their defaults), so that only
 * real differences remain.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

export function upstreamDocuments(fixture: string): any[] {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'upstream', fixture), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
}

/** The facts of the DaemonSet in `objects` whose main container is `main`. */
export function facts(objects: any[], main: string): Set<string> {
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const spec = ds.spec.template.spec;
  const out = new Set<string>();
  const add = (f: string) => out.add(f);

  if (spec.priorityClassName) add(`priorityClassName=${spec.priorityClassName}`);
  if (spec.hostPID) add('hostPID');
  if (spec.hostNetwork) add('hostNetwork');
  if (spec.hostIPC) add('hostIPC');
  if (spec.runtimeClassName) add(`runtimeClassName=${spec.runtimeClassName}`);
  if (spec.shareProcessNamespace) add('shareProcessNamespace');
  for (const t of spec.tolerations ?? []) {
    add(`toleration ${t.key ?? '*'} ${t.operator ?? 'Equal'}${t.value !== undefined ? ` ${t.value}` : ''} ${t.effect ?? '*'}`);
  }
  const us = ds.spec.updateStrategy ?? { type: 'RollingUpdate' };
  add(us.type === 'OnDelete' ? 'updateStrategy OnDelete'
    : `updateStrategy RollingUpdate maxUnavailable=${us.rollingUpdate?.maxUnavailable ?? 1} maxSurge=${us.rollingUpdate?.maxSurge ?? 0}`);
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const exprs = (term.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator}${e.values ? ` ${e.values.join(',')}` : ''}`);
    add(`node term: ${exprs.join(' & ')}`);
  }
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) add(`nodeSelector ${k}=${v}`);
  if (spec.automountServiceAccountToken !== false && spec.serviceAccountName) add('serviceAccount token mounted');

  for (const c of spec.initContainers ?? []) add(`init container ${c.name}`);
  for (const c of spec.containers ?? []) add(`container ${c.name}`);

  const c = spec.containers.find((x: any) => x.name === main);
  if (!c) {
    throw new Error(`no container ${main}`);
  }
  add(`main image=${c.image}`);
  add(`main imagePullPolicy=${c.imagePullPolicy ?? 'IfNotPresent'}`);
  if (c.command) add(`main command=${JSON.stringify(c.command)}`);
  if (c.args) add(`main args=${JSON.stringify(c.args)}`);
  for (const e of c.env ?? []) {
    add(`main env ${e.name}=${e.valueFrom ? `fieldRef:${e.valueFrom.fieldRef?.fieldPath}` : String(e.value)}`);
  }
  for (const p of c.ports ?? []) add(`main port ${p.name ?? ''}:${p.containerPort}${p.hostPort ? ` host ${p.hostPort}` : ''}`);
  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    const source = v?.hostPath ? `host ${v.hostPath.path} (${v.hostPath.type || 'no type'})`
      : v?.configMap ? 'configMap' : v?.emptyDir ? 'emptyDir' : v?.secret ? 'secret' : 'unknown';
    const path = m.mountPath.replace(/(.)\/+$/, '$1');
    add(`main mount ${source} at ${path}${m.subPath ? ` subPath ${m.subPath}` : ''} ${m.readOnly ? 'ro' : 'rw'}${m.mountPropagation && m.mountPropagation !== 'None' ? ` ${m.mountPropagation}` : ''}`);
  }
  for (const [k, v] of Object.entries(flatten(c.securityContext ?? {}))) add(`main securityContext ${k}=${v}`);
  for (const [k, v] of Object.entries(flatten(spec.securityContext ?? {}))) add(`pod securityContext ${k}=${v}`);
  if (c.resources && Object.keys(c.resources).length > 0) add(`main resources=${JSON.stringify(c.resources)}`);
  for (const [name, probe] of [['liveness', c.livenessProbe], ['readiness', c.readinessProbe], ['startup', c.startupProbe]] as const) {
    if (probe) add(`main ${name} ${normalizeProbe(probe)}`);
  }

  for (const o of objects.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
    for (const r of o.rules ?? []) add(`rbac ${o.kind} ${JSON.stringify(r)}`);
  }
  return out;
}

function flatten(o: any, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) {
      out[prefix + k] = [...v].map(String).sort().join(',');
    } else if (v && typeof v === 'object') {
      Object.assign(out, flatten(v, `${prefix}${k}.`));
    } else {
      out[prefix + k] = String(v);
    }
  }
  return out;
}

function normalizeProbe(p: any): string {
  const handler = p.httpGet ? `httpGet ${p.httpGet.path} ${p.httpGet.port}` : p.exec ? `exec ${JSON.stringify(p.exec.command)}` : p.tcpSocket ? `tcp ${p.tcpSocket.port}` : 'grpc';
  return `${handler} delay=${p.initialDelaySeconds ?? 0} period=${p.periodSeconds ?? 10} timeout=${p.timeoutSeconds ?? 1} failures=${p.failureThreshold ?? 3}`;
}

/** A documented difference: the facts it covers, and the reason, which the docs page must state. */
export interface Difference {
  readonly fact: RegExp;
  readonly why: string;
}

/** The facts on one side only, each with the first documented difference that covers it. */
export function compare(upstream: Set<string>, ours: Set<string>, differences: Difference[]) {
  const onlyUpstream = [...upstream].filter((f) => !ours.has(f)).map((f) => `- ${f}`);
  const onlyOurs = [...ours].filter((f) => !upstream.has(f)).map((f) => `+ ${f}`);
  const all = [...onlyUpstream, ...onlyOurs];
  const undocumented = all.filter((f) => !differences.some((d) => d.fact.test(f)));
  const unused = differences.filter((d) => !all.some((f) => d.fact.test(f))).map((d) => String(d.fact));
  return { all, undocumented, unused };
}
