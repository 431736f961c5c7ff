/**
 * An independent, test-side check of synthesized objects against the rules only the Kubernetes
 * API server applies (kubernetes-models validates the schema, not these). It reads the output,
 * not the props, so it also catches a rule the library's own input checks miss.
 * References: pkg/apis/apps/validation (ValidateDaemonSet*), pkg/apis/core/validation
 * (ValidatePodSpec, validateContainers, validateVolumes, ValidateResourceRequirements), and
 * apimachinery validation (names, labels).
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PERCENT = /^[0-9]+%$/;
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass']);

export function apiServerProblems(o: any): string[] {
  const p: string[] = [];
  const where = `${o.kind}/${o.metadata?.name}`;
  const bad = (msg: string) => p.push(`${where}: ${msg}`);
  const name = o.metadata?.name;
  // RBAC objects: ValidateRBACName is path.IsValidPathSegmentName (no "/" or "%", not "." or "..").
  const nameRule = ['Namespace', 'Service'].includes(o.kind) ? DNS_LABEL
    : ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(o.kind) ? /^(?!\.\.?$)[^/%]+$/ : DNS_SUBDOMAIN;
  if (typeof name !== 'string' || name.length > (o.kind === 'Namespace' || o.kind === 'Service' ? 63 : 253) || !nameRule.test(name)) {
    bad(`invalid metadata.name ${JSON.stringify(name)}`);
  }
  if (CLUSTER_SCOPED.has(o.kind) && o.metadata?.namespace !== undefined) {
    bad('cluster-scoped object has a namespace');
  }
  if (!CLUSTER_SCOPED.has(o.kind) && o.metadata?.namespace !== undefined && !DNS_LABEL.test(o.metadata.namespace)) {
    bad(`invalid namespace ${o.metadata.namespace}`);
  }
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      bad(`invalid label value ${k}=${JSON.stringify(v)}`);
    }
  }
  if (o.kind === 'DaemonSet') {
    daemonSet(o, bad);
  }
  if (o.kind === 'Service') {
    for (const port of o.spec?.ports ?? []) {
      if (!(port.port >= 1 && port.port <= 65535)) {
        bad(`service port ${port.port} out of range`);
      }
    }
  }
  return p;
}

function daemonSet(o: any, bad: (m: string) => void) {
  const spec = o.spec;
  const selector = spec.selector?.matchLabels ?? {};
  const templateLabels = spec.template?.metadata?.labels ?? {};
  if (Object.keys(selector).length === 0 && (spec.selector?.matchExpressions ?? []).length === 0) {
    bad('empty selector');
  }
  for (const [k, v] of Object.entries(selector)) {
    if (templateLabels[k] !== v) {
      bad(`selector ${k}=${v} does not match the template labels`);
    }
  }
  const strategy = spec.updateStrategy;
  if (strategy?.type === 'RollingUpdate') {
    const ru = strategy.rollingUpdate ?? {};
    const zero = (v: any) => v === 0 || v === '0%';
    for (const field of ['maxUnavailable', 'maxSurge']) {
      const v = ru[field];
      if (v === undefined) {
        continue;
      }
      if (typeof v === 'number' ? !(Number.isInteger(v) && v >= 0) : !(PERCENT.test(v) && Number(v.slice(0, -1)) <= 100)) {
        bad(`${field} ${JSON.stringify(v)} is not a non-negative integer or a percentage up to 100%`);
      }
    }
    if (zero(ru.maxUnavailable ?? 1) && zero(ru.maxSurge ?? 0)) {
      bad('maxUnavailable and maxSurge are both 0');
    }
    if (!zero(ru.maxUnavailable ?? 1) && !zero(ru.maxSurge ?? 0)) {
      bad('maxUnavailable and maxSurge are both non-zero');
    }
  } else if (strategy?.type !== 'OnDelete' && strategy !== undefined) {
    bad(`unknown update strategy ${strategy.type}`);
  }
  const pod = spec.template.spec;
  const volumes = new Set<string>();
  for (const v of pod.volumes ?? []) {
    if (!DNS_LABEL.test(v.name) || v.name.length > 63) {
      bad(`invalid volume name ${v.name}`);
    }
    if (volumes.has(v.name)) {
      bad(`duplicate volume ${v.name}`);
    }
    volumes.add(v.name);
  }
  const names = new Set<string>();
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    if (!DNS_LABEL.test(c.name) || c.name.length > 63) {
      bad(`invalid container name ${c.name}`);
    }
    if (names.has(c.name)) {
      bad(`duplicate container name ${c.name}`);
    }
    names.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '') {
      bad(`container ${c.name} has no image`);
    }
    const portNames = new Set<string>();
    for (const port of c.ports ?? []) {
      if (!(port.containerPort >= 1 && port.containerPort <= 65535)) {
        bad(`container ${c.name} port ${port.containerPort} out of range`);
      }
      if (port.hostPort !== undefined && !(port.hostPort >= 0 && port.hostPort <= 65535)) {
        bad(`container ${c.name} hostPort ${port.hostPort} out of range`);
      }
      if (pod.hostNetwork && port.hostPort !== undefined && port.hostPort !== port.containerPort) {
        bad(`container ${c.name}: hostPort must equal containerPort with hostNetwork`);
      }
      if (port.name !== undefined) {
        if (portNames.has(port.name)) {
          bad(`container ${c.name}: duplicate port name ${port.name}`);
        }
        portNames.add(port.name);
      }
    }
    const mountPaths = new Set<string>();
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) {
        bad(`container ${c.name} mounts unknown volume ${m.name}`);
      }
      if (mountPaths.has(m.mountPath)) {
        bad(`container ${c.name}: duplicate mount path ${m.mountPath}`);
      }
      mountPaths.add(m.mountPath);
      if (m.mountPropagation === 'Bidirectional' && c.securityContext?.privileged !== true) {
        bad(`container ${c.name}: Bidirectional propagation needs a privileged container`);
      }
    }
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation === false && (sc.privileged === true || (sc.capabilities?.add ?? []).some((x: string) => x === 'SYS_ADMIN' || x === 'CAP_SYS_ADMIN'))) {
      bad(`container ${c.name}: allowPrivilegeEscalation false with privileged or SYS_ADMIN`);
    }
    if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true && (sc.runAsUser ?? pod.securityContext?.runAsUser) === 0) {
      bad(`container ${c.name}: runAsNonRoot with runAsUser 0 never starts`);
    }
    for (const kind of ['cpu', 'memory', 'ephemeral-storage']) {
      const req = c.resources?.requests?.[kind];
      const lim = c.resources?.limits?.[kind];
      if (req !== undefined && lim !== undefined && quantity(String(req)) > quantity(String(lim))) {
        bad(`container ${c.name}: ${kind} request ${req} above limit ${lim}`);
      }
    }
  }
  if (pod.hostNetwork && pod.dnsPolicy === 'ClusterFirst') {
    bad('hostNetwork with dnsPolicy ClusterFirst resolves through the node, not the cluster (use ClusterFirstWithHostNet)');
  }
  for (const t of pod.tolerations ?? []) {
    if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') {
      bad('toleration with operator Exists has a value');
    }
    if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') {
      bad('toleration with an empty key must use operator Exists');
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      bad('tolerationSeconds without effect NoExecute');
    }
  }
}

function quantity(q: string): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q);
  if (!m) {
    return NaN;
  }
  const units: { [k: string]: number } = { '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4 };
  return Number(m[1]) * (units[m[2]] ?? NaN);
}
