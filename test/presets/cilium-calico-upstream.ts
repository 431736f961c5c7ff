/**
 * Point-by-point comparison of a preset's DaemonSet and RBAC with the upstream documents of
 * test/fixtures/upstream/ (CiliumAgent, CalicoNode). Each field is normalized to what the API
 * server applies when it is left out (defaults), so that only real differences remain; each
 * difference is a key ("<container>.<field>[.<detail>]", "pod.<field>", "rbac.<rule>").
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

export function upstreamDocuments(file: string): any[] {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'upstream', file), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
}

function probe(p: any): unknown {
  if (p === undefined) {
    return undefined;
  }
  const handler = p.httpGet
    ? {
      httpGet: {
        host: p.httpGet.host,
        path: p.httpGet.path,
        port: p.httpGet.port,
        scheme: p.httpGet.scheme ?? 'HTTP',
        headers: (p.httpGet.httpHeaders ?? []).map((h: any) => `${h.name}=${h.value}`),
      },
    }
    : p.exec ? { exec: p.exec.command } : p;
  return {
    ...handler,
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    successThreshold: p.successThreshold ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

function envValue(e: any): unknown {
  if (e.value !== undefined) {
    return { value: String(e.value) };
  }
  const from = e.valueFrom ?? {};
  if (from.fieldRef) {
    return { fieldRef: from.fieldRef.fieldPath };
  }
  if (from.resourceFieldRef) {
    return { resourceFieldRef: from.resourceFieldRef.resource, divisor: String(from.resourceFieldRef.divisor ?? '1') };
  }
  if (from.configMapKeyRef) {
    return { configMapKeyRef: `${from.configMapKeyRef.name}/${from.configMapKeyRef.key}`, optional: from.configMapKeyRef.optional ?? false };
  }
  return from;
}

function volumeSource(v: any): unknown {
  if (v === undefined) {
    return 'missing';
  }
  if (v.hostPath) {
    return { hostPath: v.hostPath.path.replace(/(.)\/$/, '$1'), type: v.hostPath.type ?? '' };
  }
  if (v.emptyDir) {
    return { emptyDir: true };
  }
  if (v.configMap) {
    return { configMap: v.configMap.name };
  }
  if (v.secret) {
    return { secret: v.secret.secretName };
  }
  return { other: Object.keys(v).filter((k) => k !== 'name') };
}

/** The container's settings, normalized; pod-level security settings folded in as the kubelet applies them. */
function containerFields(c: any, pod: any): Record<string, unknown> {
  const volumes = new Map<string, any>((pod.volumes ?? []).map((v: any) => [v.name, v]));
  const sc = c.securityContext ?? {};
  const psc = pod.securityContext ?? {};
  const fields: Record<string, unknown> = {
    'image': c.image,
    'imagePullPolicy': c.imagePullPolicy ?? 'IfNotPresent',
    'command': c.command,
    'args': c.args,
    'ports': (c.ports ?? []).map((p: any) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).sort(),
    'resources': c.resources ?? {},
    'lifecycle': c.lifecycle,
    'terminationMessagePolicy': c.terminationMessagePolicy ?? 'File',
    'securityContext.privileged': sc.privileged ?? false,
    'securityContext.capabilities.add': [...(sc.capabilities?.add ?? [])].sort(),
    'securityContext.capabilities.drop': [...(sc.capabilities?.drop ?? [])].sort(),
    'securityContext.runAsUser': sc.runAsUser ?? psc.runAsUser ?? 'image default',
    'securityContext.runAsNonRoot': sc.runAsNonRoot ?? psc.runAsNonRoot ?? false,
    'securityContext.readOnlyRootFilesystem': sc.readOnlyRootFilesystem ?? false,
    'securityContext.allowPrivilegeEscalation': sc.allowPrivilegeEscalation ?? 'unset',
    'securityContext.seccompProfile': (sc.seccompProfile ?? psc.seccompProfile)?.type ?? 'unset',
    'securityContext.seLinuxOptions': sc.seLinuxOptions ?? psc.seLinuxOptions ?? 'unset',
    'startupProbe': probe(c.startupProbe),
    'livenessProbe': probe(c.livenessProbe),
    'readinessProbe': probe(c.readinessProbe),
  };
  for (const e of c.env ?? []) {
    fields[`env.${e.name}`] = envValue(e);
  }
  for (const m of c.volumeMounts ?? []) {
    fields[`mount ${m.mountPath}`] = {
      source: volumeSource(volumes.get(m.name)),
      readOnly: m.readOnly ?? false,
      propagation: m.mountPropagation ?? 'None',
      subPath: m.subPath,
    };
  }
  return fields;
}

function podFields(ds: any): Record<string, unknown> {
  const spec = ds.spec.template.spec;
  const rolling = ds.spec.updateStrategy?.rollingUpdate ?? {};
  return {
    hostNetwork: spec.hostNetwork ?? false,
    hostPID: spec.hostPID ?? false,
    dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
    priorityClassName: spec.priorityClassName,
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    tolerations: spec.tolerations ?? [],
    nodeSelector: spec.nodeSelector ?? {},
    affinity: spec.affinity ?? {},
    updateStrategy: { type: ds.spec.updateStrategy?.type ?? 'RollingUpdate', maxUnavailable: rolling.maxUnavailable ?? 1, maxSurge: rolling.maxSurge ?? 0 },
    initContainers: (spec.initContainers ?? []).map((c: any) => c.name),
    containers: spec.containers.map((c: any) => c.name),
    selector: ds.spec.selector.matchLabels,
    podAnnotations: Object.keys(ds.spec.template.metadata?.annotations ?? {}).sort(),
  };
}

/** Each rule expanded to "group/resource[:name] verb" lines. */
export function ruleLines(rules: any[]): string[] {
  const lines = new Set<string>();
  for (const r of rules ?? []) {
    for (const g of r.apiGroups ?? ['']) {
      for (const res of r.resources ?? []) {
        for (const verb of r.verbs) {
          for (const name of r.resourceNames ?? ['']) {
            lines.add(`${g || 'core'}/${res}${name ? `:${name}` : ''} ${verb}`);
          }
        }
      }
    }
  }
  return [...lines].sort();
}

/**
 * The keys whose values differ between the upstream DaemonSet and the preset's (containers matched
 * by name; the main containers by `mainNames`).
 */
export function differences(upstream: any, preset: any): string[] {
  const diffs: string[] = [];
  const compare = (scope: string, a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
        diffs.push(`${scope}.${key}`);
      }
    }
  };
  compare('pod', podFields(upstream), podFields(preset));
  const up = upstream.spec.template.spec;
  const ours = preset.spec.template.spec;
  const all = (spec: any) => [...(spec.initContainers ?? []), ...spec.containers];
  for (const c of all(up)) {
    const mine = all(ours).find((o: any) => o.name === c.name);
    if (mine === undefined) {
      diffs.push(`${c.name}: not in the preset`);
      continue;
    }
    compare(c.name, containerFields(c, up), containerFields(mine, ours));
  }
  for (const c of all(ours)) {
    if (!all(up).some((u: any) => u.name === c.name)) {
      diffs.push(`${c.name}: not upstream`);
    }
  }
  return diffs;
}

/** Which difference keys a value detail explains; the test prints the values of each for review. */
export function detail(upstream: any, preset: any, key: string): string {
  const [scope, ...rest] = key.split('.');
  const field = rest.join('.');
  const pick = (ds: any) => {
    const spec = ds.spec.template.spec;
    if (scope === 'pod') {
      return podFields(ds)[field];
    }
    const c = [...(spec.initContainers ?? []), ...spec.containers].find((x: any) => x.name === scope);
    return c ? containerFields(c, spec)[field] : undefined;
  };
  return `${key}: upstream ${JSON.stringify(pick(upstream))} / preset ${JSON.stringify(pick(preset))}`;
}
