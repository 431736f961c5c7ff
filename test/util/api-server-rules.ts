import { isIP } from 'net';
import { parseQuantity } from './quantity';

/**
 * An independent, test-side model of the checks only the Kubernetes API server applies
 * (kubernetes-models validates the schema, not these). It reads the synthesized output, not the
 * props, so it also catches a rule the library's own input checks miss.
 *
 * Each rule names the Kubernetes function it mirrors. Sources, for Kubernetes 1.28:
 * - apimachinery (read at tag v0.28.9 of kubernetes/apimachinery): pkg/util/validation/validation.go
 *   (IsDNS1123Label, IsDNS1035Label, IsQualifiedName, IsValidPortName, IsEnvVarName, ...),
 *   pkg/api/validation (ValidateObjectMetaAccessor, NameIsDNS*Label, path.IsValidPathSegmentName),
 *   pkg/apis/meta/v1/validation (ValidateLabels, ValidateLabelSelector).
 * - kubernetes/kubernetes pkg/apis/core/validation/validation.go ("core"), pkg/apis/apps/validation
 *   ("apps"), pkg/apis/rbac/validation ("rbac"), pkg/apis/networking/validation ("networking"), and
 *   the defaults applied before validation, pkg/apis/{core,rbac}/v1/defaults.go.
 * Where a check changed after 1.28 the rule follows 1.28 and says so.
 *
 * The rules marked `kubelet` are not API-server rejections: the API server accepts the object and
 * the pod then fails on the node (or works other than intended). They stay because a manifest that
 * passes the API server but never runs is no better.
 */

/** One rule: a stable id, the Kubernetes function it mirrors, and the check. */
export interface ApiServerRule {
  /** Stable id, e.g. "metadata.name.dns1035-label"; tests key their fixtures on it. */
  readonly id: string;
  /** The Kubernetes function (and file) the rule mirrors. */
  readonly mirrors: string;
  /** `api-server` (the object is rejected) or `kubelet` (accepted, but the pod fails on the node). */
  readonly enforcedBy: 'api-server' | 'kubelet';
  /** The problems the object has under this rule; empty when it passes. */
  readonly check: (o: any) => string[];
}

/** A problem found by a rule. */
export interface ApiServerViolation {
  readonly rule: string;
  readonly message: string;
}

// --- apimachinery pkg/util/validation/validation.go -------------------------------------------
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PERCENT = /^[0-9]+%$/;
const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;
const MAX_ID = 2147483647; // IsValidUserID / IsValidGroupID: 0..math.MaxInt32

const isString = (v: unknown): v is string => typeof v === 'string';
/** IsDNS1123Label */
const isDns1123Label = (v: unknown) => isString(v) && v.length <= 63 && DNS1123_LABEL.test(v);
/** IsDNS1123Subdomain */
const isDns1123Subdomain = (v: unknown) => isString(v) && v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
/** IsDNS1035Label */
const isDns1035Label = (v: unknown) => isString(v) && v.length <= 63 && DNS1035_LABEL.test(v);
/** IsQualifiedName: [DNS-1123 subdomain "/"] name of at most 63 characters. */
function isQualifiedName(v: unknown): boolean {
  if (!isString(v)) {
    return false;
  }
  const parts = v.split('/');
  if (parts.length > 2 || (parts.length === 2 && (parts[0] === '' || !isDns1123Subdomain(parts[0])))) {
    return false;
  }
  const name = parts[parts.length - 1];
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}
/** IsValidLabelValue */
const isLabelValue = (v: unknown) => isString(v) && (v === '' || (v.length <= 63 && QUALIFIED_NAME.test(v)));
/** IsValidPortNum */
const isPortNumber = (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
/** IsValidPortName (IANA_SVC_NAME) */
const isPortName = (v: unknown) => isString(v) && v.length <= 15 && /^[-a-z0-9]+$/.test(v) && /[a-z]/.test(v)
  && !v.includes('--') && !v.startsWith('-') && !v.endsWith('-');
/** hasChDirPrefix */
const hasChDirPrefix = (v: string) => v === '.' || v === '..' || v.startsWith('..');
/** IsEnvVarName (1.28; RelaxedEnvironmentVariableValidation is a 1.30 alpha gate) */
const isEnvVarName = (v: unknown) => isString(v) && ENV_VAR_NAME.test(v) && !hasChDirPrefix(v);
/** IsConfigMapKey */
const isConfigMapKey = (v: unknown) => isString(v) && v.length <= 253 && CONFIG_MAP_KEY.test(v) && !hasChDirPrefix(v);
/** path.IsValidPathSegmentName (apimachinery pkg/api/validation/path/name.go) */
const isPathSegmentName = (v: unknown) => isString(v) && v !== '.' && v !== '..' && !v.includes('/') && !v.includes('%');
const isId = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_ID;
const isNonNegativeInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
/** core validatePathNoBacksteps */
const hasBacksteps = (p: string) => p.replace(/\\/g, '/').split('/').includes('..');
/** core ValidateLocalNonReservedPath: relative, no ".." element, not starting with "..". */
const isLocalNonReservedPath = (p: unknown) => isString(p) && !p.startsWith('/') && !hasBacksteps(p) && !p.startsWith('..');

const json = (v: unknown) => JSON.stringify(v);

// --- kinds ----------------------------------------------------------------------------------------
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'Node', 'PersistentVolume', 'StorageClass',
  'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'IngressClass', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
const NAMESPACED = new Set([
  'DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Job', 'Pod', 'Service', 'ServiceAccount',
  'ConfigMap', 'Secret', 'NetworkPolicy', 'Role', 'RoleBinding',
]);
const POD_TEMPLATE_KINDS = new Set(['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Job']);
const RBAC_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
// Kinds whose name validator is NameIsDNSSubdomain: apps ValidateDaemonSetName and
// ValidateDeploymentName, core ValidatePodName, ValidateSecretName, ValidateServiceAccountName,
// ValidateConfigMapName, networking ValidateNetworkPolicyName, scheduling ValidatePriorityClass.
const SUBDOMAIN_NAMED = new Set([
  'DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet', 'Job', 'Pod', 'ServiceAccount', 'ConfigMap', 'Secret',
  'NetworkPolicy', 'PriorityClass',
]);

/** The pod spec of a Pod or of a workload's template. */
function podSpecOf(o: any): any | undefined {
  if (o?.kind === 'Pod') {
    return o.spec;
  }
  return POD_TEMPLATE_KINDS.has(o?.kind) ? o.spec?.template?.spec : undefined;
}

interface ContainerRef {
  readonly c: any;
  readonly init: boolean;
  readonly where: string;
}

function containersOf(spec: any): ContainerRef[] {
  return [
    ...(spec?.initContainers ?? []).map((c: any) => ({ c, init: true, where: `initContainer ${c?.name}` })),
    ...(spec?.containers ?? []).map((c: any) => ({ c, init: false, where: `container ${c?.name}` })),
  ];
}

/** A rule over the pod spec of pod-bearing kinds. */
function podRule(id: string, mirrors: string, check: (spec: any, bad: (m: string) => void, o: any) => void): ApiServerRule {
  return rule(id, mirrors, (o, bad) => {
    const spec = podSpecOf(o);
    if (spec) {
      check(spec, bad, o);
    }
  });
}

/** A rule over each container (init containers included). */
function containerRule(id: string, mirrors: string, check: (ref: ContainerRef, bad: (m: string) => void, spec: any) => void): ApiServerRule {
  return podRule(id, mirrors, (spec, bad) => containersOf(spec).forEach((ref) => check(ref, (m) => bad(`${ref.where}: ${m}`), spec)));
}

function rule(id: string, mirrors: string, check: (o: any, bad: (m: string) => void) => void, enforcedBy: 'api-server' | 'kubelet' = 'api-server'): ApiServerRule {
  return {
    id,
    mirrors,
    enforcedBy,
    check: (o) => {
      const found: string[] = [];
      check(o, (m) => found.push(m));
      return found;
    },
  };
}

function kindRule(kinds: readonly string[], id: string, mirrors: string, check: (o: any, bad: (m: string) => void) => void): ApiServerRule {
  return rule(id, mirrors, (o, bad) => {
    if (kinds.includes(o?.kind)) {
      check(o, bad);
    }
  });
}

function nameRule(id: string, mirrors: string, applies: (kind: string) => boolean, valid: (name: unknown) => boolean, allowed: string)
  : ApiServerRule {
  return rule(id, mirrors, (o, bad) => {
    if (!applies(o?.kind)) {
      return;
    }
    const name = o.metadata?.name;
    if (name === undefined || name === '') {
      bad('metadata.name is required');
    } else if (!valid(name)) {
      bad(`metadata.name ${json(name)} is not ${allowed}`);
    }
  });
}

/** ValidateLabels: qualified-name keys, label values. */
function labelProblems(labels: any, where: string, bad: (m: string) => void) {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!isQualifiedName(k)) {
      bad(`${where}: label key ${json(k)} is not a qualified name`);
    }
    if (!isLabelValue(v)) {
      bad(`${where}: label value ${k}=${json(v)} is not a valid label value`);
    }
  }
}

/** ValidateLabelSelector (AllowInvalidLabelValueInSelector false, as for new objects). */
function selectorProblems(selector: any, where: string, bad: (m: string) => void) {
  if (!selector) {
    return;
  }
  labelProblems(selector.matchLabels, `${where}.matchLabels`, bad);
  for (const e of selector.matchExpressions ?? []) {
    const values: unknown[] = e.values ?? [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) {
        bad(`${where}: operator ${e.operator} needs values`);
      }
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) {
        bad(`${where}: operator ${e.operator} takes no values`);
      }
    } else {
      bad(`${where}: ${json(e.operator)} is not a valid selector operator`);
    }
    if (!isQualifiedName(e.key)) {
      bad(`${where}: key ${json(e.key)} is not a qualified name`);
    }
    values.filter((v) => !isLabelValue(v)).forEach((v) => bad(`${where}: value ${json(v)} is not a valid label value`));
  }
}

/** metav1.LabelSelectorAsSelector(...).Matches(labels): nil matches nothing, empty matches everything. */
function selectorMatches(selector: any, labels: { [k: string]: string }): boolean {
  if (!selector) {
    return false;
  }
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(k) || labels[k] !== v) {
      return false;
    }
  }
  for (const e of selector.matchExpressions ?? []) {
    const values: string[] = e.values ?? [];
    const ok = e.operator === 'In' ? has(e.key) && values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has(e.key) || !values.includes(labels[e.key])
        : e.operator === 'Exists' ? has(e.key)
          : e.operator === 'DoesNotExist' ? !has(e.key) : false;
    if (!ok) {
      return false;
    }
  }
  return true;
}

/** apps getIntOrPercentValue: a percentage's number, else IntOrString.IntValue() (Atoi of a string). */
function intOrPercentValue(v: unknown): number {
  if (isString(v)) {
    if (PERCENT.test(v)) {
      return Number(v.slice(0, -1));
    }
    return /^[+-]?[0-9]+$/.test(v) ? Number(v) : 0;
  }
  return typeof v === 'number' ? v : 0;
}

// --- volumes --------------------------------------------------------------------------------------
// core.VolumeSource: the volume types, of which validateVolumeSource requires exactly one.
const VOLUME_TYPES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral',
];
// core supportedHostPathTypes ("" is HostPathUnset)
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];

/** Names of the volumes ValidateVolumes accepts (only valid volumes can be mounted). */
function validVolumeNames(spec: any): Set<string> {
  const names = new Set<string>();
  for (const v of spec.volumes ?? []) {
    const types = VOLUME_TYPES.filter((t) => v[t] !== undefined && v[t] !== null);
    if (isDns1123Label(v.name) && !names.has(v.name) && types.length === 1) {
      names.add(v.name);
    }
  }
  return names;
}

/** The key-to-path item lists of a volume, with what they project. */
function volumeItemLists(v: any): { where: string; name: unknown; nameField: string; items: any[] }[] {
  const lists = [];
  if (v.secret) {
    lists.push({ where: 'secret', name: v.secret.secretName, nameField: 'secretName', items: v.secret.items ?? [] });
  }
  if (v.configMap) {
    lists.push({ where: 'configMap', name: v.configMap.name, nameField: 'name', items: v.configMap.items ?? [] });
  }
  for (const [i, s] of (v.projected?.sources ?? []).entries()) {
    if (s.secret) {
      lists.push({ where: `projected.sources[${i}].secret`, name: s.secret.name, nameField: 'name', items: s.secret.items ?? [] });
    }
    if (s.configMap) {
      lists.push({ where: `projected.sources[${i}].configMap`, name: s.configMap.name, nameField: 'name', items: s.configMap.items ?? [] });
    }
  }
  return lists;
}

/** Every file mode of a volume: defaultMode and item modes, with where they are. */
function volumeModes(v: any): [string, unknown][] {
  const modes: [string, unknown][] = [];
  for (const key of ['secret', 'configMap', 'projected', 'downwardAPI']) {
    if (v[key]?.defaultMode !== undefined) {
      modes.push([`${key}.defaultMode`, v[key].defaultMode]);
    }
  }
  for (const list of volumeItemLists(v)) {
    list.items.filter((it) => it.mode !== undefined).forEach((it) => modes.push([`${list.where}.items[${it.key}].mode`, it.mode]));
  }
  for (const [i, s] of (v.projected?.sources ?? []).entries()) {
    (s.downwardAPI?.items ?? []).filter((it: any) => it.mode !== undefined)
      .forEach((it: any) => modes.push([`projected.sources[${i}].downwardAPI.items[${it.path}].mode`, it.mode]));
  }
  (v.downwardAPI?.items ?? []).filter((it: any) => it.mode !== undefined).forEach((it: any) => modes.push([`downwardAPI.items[${it.path}].mode`, it.mode]));
  return modes;
}

// --- containers -----------------------------------------------------------------------------------
const PROTOCOLS = ['TCP', 'UDP', 'SCTP']; // core supportedPortProtocols
// core validEnvDownwardAPIFieldPathExpressions (status.hostIPs is gated by PodHostIPs, alpha in 1.28)
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs'];
// core validContainerResourceFieldPathExpressions
const ENV_RESOURCE_FIELDS = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
// helper.IsStandardContainerResourceName: cpu, memory, ephemeral-storage and hugepages-<size>
const isStandardContainerResource = (r: string) => ['cpu', 'memory', 'ephemeral-storage'].includes(r) || r.startsWith('hugepages-');
// helper.IsNativeResource: no domain, or a *kubernetes.io/ domain
const isNativeResource = (r: string) => !r.includes('/') || r.split('/')[0].endsWith('kubernetes.io');
// helper.IsOvercommitAllowed: native and not hugepages; the others need requests equal to limits
const isOvercommitAllowed = (r: string) => isNativeResource(r) && !r.startsWith('hugepages-');

/** The probe and lifecycle handlers of a container, with their names. */
function handlersOf(c: any): [string, any, 'probe' | 'lifecycle'][] {
  const found: [string, any, 'probe' | 'lifecycle'][] = [];
  for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[p]) {
      found.push([p, c[p], 'probe']);
    }
  }
  for (const h of ['postStart', 'preStop']) {
    if (c.lifecycle?.[h]) {
      found.push([`lifecycle.${h}`, c.lifecycle[h], 'lifecycle']);
    }
  }
  return found;
}

/** core ValidatePortNumOrName */
const isPortNumOrName = (p: unknown) => (typeof p === 'number' ? isPortNumber(p) : isPortName(p));

/** The host ports of a container's ports, as SetDefaults_PodSpec (1.28) fills them with hostNetwork. */
const effectiveHostPort = (port: any, hostNetwork: boolean): number => port.hostPort || (hostNetwork ? port.containerPort : 0);

function securityContexts(spec: any): [string, any][] {
  return [
    ...(spec.securityContext ? [['pod securityContext', spec.securityContext] as [string, any]] : []),
    ...containersOf(spec).filter((r) => r.c.securityContext).map((r) => [`${r.where} securityContext`, r.c.securityContext] as [string, any]),
  ];
}

// --- the rules ------------------------------------------------------------------------------------

export const API_SERVER_RULES: readonly ApiServerRule[] = [
  // Names (apimachinery ValidateObjectMetaAccessor calls the kind's name function).
  nameRule('metadata.name.dns1123-subdomain', 'apimachinery NameIsDNSSubdomain, the name function of DaemonSet (apps ValidateDaemonSetName), ConfigMap, ServiceAccount, Secret, Pod, NetworkPolicy, PriorityClass',
    (k) => SUBDOMAIN_NAMED.has(k), isDns1123Subdomain, 'a DNS-1123 subdomain (at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)'),
  nameRule('metadata.name.dns1035-label', 'core ValidateServiceName = apimachinery NameIsDNS1035Label',
    (k) => k === 'Service', isDns1035Label, 'a DNS-1035 label (at most 63 lowercase letters, digits and "-", starting with a letter, ending with a letter or digit)'),
  nameRule('metadata.name.dns1123-label', 'core ValidateNamespaceName = apimachinery ValidateNamespaceName = NameIsDNSLabel',
    (k) => k === 'Namespace', isDns1123Label, 'a DNS-1123 label (at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit)'),
  nameRule('metadata.name.path-segment', 'rbac minimalNameRequirements = apimachinery path.IsValidPathSegmentName (ValidateClusterRole, ValidateClusterRoleBinding, ValidateRole, ValidateRoleBinding)',
    (k) => RBAC_KINDS.has(k), isPathSegmentName, 'a path segment (not "." or "..", no "/" or "%")'),
  rule('metadata.namespace', 'apimachinery ValidateObjectMetaAccessor: ValidateNamespaceName for namespaced kinds, "not allowed on this type" for cluster-scoped ones', (o, bad) => {
    const ns = o?.metadata?.namespace;
    if (ns === undefined) {
      return;
    }
    if (CLUSTER_SCOPED.has(o.kind)) {
      bad(`metadata.namespace ${json(ns)} is not allowed on the cluster-scoped kind ${o.kind}`);
    } else if (NAMESPACED.has(o.kind) && !isDns1123Label(ns)) {
      bad(`metadata.namespace ${json(ns)} is not a DNS-1123 label`);
    }
  }),
  rule('metadata.labels', 'apimachinery ValidateLabels (object metadata, and the pod template in core ValidatePodTemplateSpec)', (o, bad) => {
    labelProblems(o?.metadata?.labels, 'metadata.labels', bad);
    if (POD_TEMPLATE_KINDS.has(o?.kind)) {
      labelProblems(o.spec?.template?.metadata?.labels, 'spec.template.metadata.labels', bad);
    }
  }),
  rule('metadata.annotations', 'apimachinery ValidateAnnotations: lowercased keys are qualified names; keys and values at most 256 KiB in total', (o, bad) => {
    const check = (annotations: any, where: string) => {
      let size = 0;
      for (const [k, v] of Object.entries(annotations ?? {})) {
        if (!isQualifiedName(k.toLowerCase())) {
          bad(`${where}: key ${json(k)} is not a qualified name`);
        }
        size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
      }
      if (size > 256 * 1024) {
        bad(`${where}: ${size} bytes, above the 262144-byte limit`);
      }
    };
    check(o?.metadata?.annotations, 'metadata.annotations');
    if (POD_TEMPLATE_KINDS.has(o?.kind)) {
      check(o.spec?.template?.metadata?.annotations, 'spec.template.metadata.annotations');
    }
  }),

  // DaemonSet (apps ValidateDaemonSetSpec).
  kindRule(['DaemonSet'], 'daemonset.selector.non-empty', 'apps ValidateDaemonSetSpec: "empty selector is invalid for daemonset"', (o, bad) => {
    const s = o.spec?.selector;
    if (s && Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions ?? []).length === 0) {
      bad('spec.selector is empty');
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.selector.matches-template', 'apps ValidateDaemonSetSpec: "`selector` does not match template `labels`" (metav1.LabelSelectorAsSelector; a missing selector matches nothing)', (o, bad) => {
    if (!selectorMatches(o.spec?.selector, o.spec?.template?.metadata?.labels ?? {})) {
      bad(`spec.selector ${json(o.spec?.selector)} does not match the template labels ${json(o.spec?.template?.metadata?.labels ?? {})}`);
    }
  }),
  rule('label-selector.valid', 'apimachinery ValidateLabelSelector / ValidateLabelSelectorRequirement (DaemonSet spec.selector; NetworkPolicy podSelector and peers)', (o, bad) => {
    if (o?.kind === 'DaemonSet') {
      selectorProblems(o.spec?.selector, 'spec.selector', bad);
    }
    if (o?.kind === 'NetworkPolicy') {
      selectorProblems(o.spec?.podSelector, 'spec.podSelector', bad);
      for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']]) {
        for (const r of o.spec?.[dir] ?? []) {
          for (const peer of r[peersKey] ?? []) {
            selectorProblems(peer.podSelector, `spec.${dir}.${peersKey}.podSelector`, bad);
            selectorProblems(peer.namespaceSelector, `spec.${dir}.${peersKey}.namespaceSelector`, bad);
          }
        }
      }
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.template.restart-policy', 'apps ValidateDaemonSetSpec: restartPolicy must be Always (SetDefaults_PodSpec fills an empty one with Always)', (o, bad) => {
    const policy = o.spec?.template?.spec?.restartPolicy;
    if (policy !== undefined && policy !== 'Always') {
      bad(`spec.template.spec.restartPolicy ${json(policy)} is not Always`);
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.template.active-deadline', 'apps ValidateDaemonSetSpec: "activeDeadlineSeconds in DaemonSet is not Supported"', (o, bad) => {
    if (o.spec?.template?.spec?.activeDeadlineSeconds !== undefined) {
      bad('spec.template.spec.activeDeadlineSeconds must not be set');
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.non-negative', 'apps ValidateDaemonSetSpec: ValidateNonnegativeField(minReadySeconds, revisionHistoryLimit)', (o, bad) => {
    for (const f of ['minReadySeconds', 'revisionHistoryLimit']) {
      const v = o.spec?.[f];
      if (v !== undefined && !isNonNegativeInteger(v)) {
        bad(`spec.${f} ${json(v)} must be a non-negative integer`);
      }
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.update-strategy.type', 'apps ValidateDaemonSetUpdateStrategy: RollingUpdate or OnDelete (SetDefaults_DaemonSet fills an empty type with RollingUpdate)', (o, bad) => {
    const type = o.spec?.updateStrategy?.type;
    if (type !== undefined && type !== 'RollingUpdate' && type !== 'OnDelete') {
      bad(`spec.updateStrategy.type ${json(type)} is not RollingUpdate or OnDelete`);
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.rolling-update.int-or-percent', 'apps ValidateRollingUpdateDaemonSet: ValidatePositiveIntOrPercent and IsNotMoreThan100Percent for maxUnavailable and maxSurge', (o, bad) => {
    const ru = o.spec?.updateStrategy?.rollingUpdate ?? {};
    for (const f of ['maxUnavailable', 'maxSurge']) {
      const v = ru[f];
      if (v === undefined) {
        continue;
      }
      if (isString(v) ? !PERCENT.test(v) || Number(v.slice(0, -1)) > 100 : !isNonNegativeInteger(v)) {
        bad(`spec.updateStrategy.rollingUpdate.${f} ${json(v)} is not a non-negative integer or a percentage up to "100%"`);
      }
    }
  }),
  kindRule(['DaemonSet'], 'daemonset.rolling-update.one-non-zero', 'apps ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge is non-zero (SetDefaults_DaemonSet: maxUnavailable 1, maxSurge 0)', (o, bad) => {
    const strategy = o.spec?.updateStrategy ?? {};
    if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') {
      return;
    }
    const ru = strategy.rollingUpdate ?? {};
    const unavailable = intOrPercentValue(ru.maxUnavailable ?? 1) !== 0;
    const surge = intOrPercentValue(ru.maxSurge ?? 0) !== 0;
    if (unavailable && surge) {
      bad(`maxSurge ${json(ru.maxSurge)} may not be set when maxUnavailable (${json(ru.maxUnavailable ?? 1)}) is non-zero`);
    } else if (!unavailable && !surge) {
      bad('maxUnavailable cannot be 0 when maxSurge is 0');
    }
  }),

  // Pod spec: volumes (core ValidateVolumes).
  podRule('pod.volumes.name', 'core ValidateVolumes: name required, ValidateDNS1123Label, no duplicates', (spec, bad) => {
    const seen = new Set<string>();
    for (const v of spec.volumes ?? []) {
      if (!isDns1123Label(v.name)) {
        bad(`volume name ${json(v.name)} is not a DNS-1123 label`);
      } else if (seen.has(v.name)) {
        bad(`duplicate volume name ${v.name}`);
      }
      seen.add(v.name);
    }
  }),
  podRule('pod.volumes.one-type', 'core validateVolumeSource: "must specify a volume type" / "may not specify more than 1 volume type"', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      const types = VOLUME_TYPES.filter((t) => v[t] !== undefined && v[t] !== null);
      if (types.length !== 1) {
        bad(`volume ${v.name} has ${types.length === 0 ? 'no volume type' : `${types.length} volume types (${types.join(', ')})`}`);
      }
    }
  }),
  podRule('pod.volumes.host-path', 'core validateHostPathVolumeSource: path required, validatePathNoBacksteps, validateHostPathType', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      const hp = v.hostPath;
      if (!hp) {
        continue;
      }
      if (!isString(hp.path) || hp.path === '') {
        bad(`volume ${v.name}: hostPath.path is required`);
        continue;
      }
      if (hasBacksteps(hp.path)) {
        bad(`volume ${v.name}: hostPath.path ${json(hp.path)} must not contain ".."`);
      }
      if (hp.type !== undefined && !HOST_PATH_TYPES.includes(hp.type)) {
        bad(`volume ${v.name}: hostPath.type ${json(hp.type)} is not one of ${HOST_PATH_TYPES.filter(Boolean).join(', ')}`);
      }
    }
  }),
  podRule('pod.volumes.file-mode', 'core validateSecretVolumeSource, validateConfigMapVolumeSource, validateProjectedVolumeSource, validateDownwardAPIVolumeSource, validateKeyToPath: "must be a number between 0 and 0777 (octal)"', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      for (const [where, mode] of volumeModes(v)) {
        if (!Number.isInteger(mode) || (mode as number) < 0 || (mode as number) > 0o777) {
          bad(`volume ${v.name}: ${where} ${json(mode)} is not between 0 and 0777 (511 decimal)`);
        }
      }
    }
  }),
  podRule('pod.volumes.items', 'core validateSecretVolumeSource / validateConfigMapVolumeSource (name required), validateKeyToPath (key and path required, ValidateLocalNonReservedPath), validateProjectionSources ("conflicting duplicate paths")', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      const projectedPaths = new Set<string>();
      for (const list of volumeItemLists(v)) {
        if (!isString(list.name) || list.name === '') {
          bad(`volume ${v.name}: ${list.where}.${list.nameField} is required`);
        }
        for (const item of list.items) {
          if (!isString(item.key) || item.key === '') {
            bad(`volume ${v.name}: ${list.where} item without a key`);
          }
          if (!isString(item.path) || item.path === '' || !isLocalNonReservedPath(item.path)) {
            bad(`volume ${v.name}: ${list.where} item path ${json(item.path)} must be a relative path without ".."`);
          } else if (list.where.startsWith('projected')) {
            if (projectedPaths.has(item.path)) {
              bad(`volume ${v.name}: projected path ${item.path} appears twice`);
            }
            projectedPaths.add(item.path);
          }
        }
      }
    }
  }),
  podRule('pod.volumes.empty-dir', 'core validateVolumeSource: emptyDir.sizeLimit "must be a valid resource quantity" (not negative)', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      const limit = v.emptyDir?.sizeLimit;
      if (limit !== undefined) {
        const value = parseQuantity(limit);
        if (value === undefined || value < 0n) {
          bad(`volume ${v.name}: emptyDir.sizeLimit ${json(limit)} is not a non-negative quantity`);
        }
      }
    }
  }),

  // Pod spec: containers (core validateContainers, validateInitContainers, validateContainerCommon).
  podRule('pod.containers.required', 'core validateContainers: spec.containers Required', (spec, bad) => {
    if ((spec.containers ?? []).length === 0) {
      bad('spec.containers is empty');
    }
  }),
  podRule('container.name', 'core validateContainerCommon (name required, ValidateDNS1123Label), validateContainers and validateInitContainers (unique across regular and init containers)', (spec, bad) => {
    const seen = new Set<string>();
    for (const { c, init } of containersOf(spec)) {
      const what = init ? 'initContainer' : 'container';
      if (!isDns1123Label(c.name)) {
        bad(`${what} name ${json(c.name)} is not a DNS-1123 label`);
      } else if (seen.has(c.name)) {
        bad(`duplicate container name ${c.name}`);
      }
      seen.add(c.name);
    }
  }),
  containerRule('container.image', 'core validateContainerCommon: image Required', ({ c }, bad) => {
    if (!isString(c.image) || c.image.length === 0) {
      bad('image is required');
    }
  }),
  containerRule('container.image.whitespace', 'core validateContainerOnlyForPod: "must not have leading or trailing whitespace"; the template is accepted, every pod the controller creates from it is rejected', ({ c }, bad) => {
    if (isString(c.image) && c.image.trim() !== c.image) {
      bad(`image ${json(c.image)} has leading or trailing whitespace, so every pod is rejected`);
    }
  }),
  containerRule('container.ports.number', 'core validateContainerPorts: containerPort Required and IsValidPortNum; hostPort 0 or IsValidPortNum', ({ c }, bad) => {
    for (const port of c.ports ?? []) {
      if (!isPortNumber(port.containerPort)) {
        bad(`containerPort ${json(port.containerPort)} is not between 1 and 65535`);
      }
      if (port.hostPort !== undefined && port.hostPort !== 0 && !isPortNumber(port.hostPort)) {
        bad(`hostPort ${json(port.hostPort)} is not between 1 and 65535`);
      }
    }
  }),
  containerRule('container.ports.name', 'core validateContainerPorts: IsValidPortName (IANA_SVC_NAME), no duplicate names within a container', ({ c }, bad) => {
    const seen = new Set<string>();
    for (const port of c.ports ?? []) {
      if (port.name === undefined || port.name === '') {
        continue;
      }
      if (!isPortName(port.name)) {
        bad(`port name ${json(port.name)} is not an IANA service name (at most 15 lowercase letters, digits and "-", at least one letter, no "--", no leading or trailing "-")`);
      } else if (seen.has(port.name)) {
        bad(`duplicate port name ${port.name}`);
      }
      seen.add(port.name);
    }
  }),
  containerRule('container.ports.protocol', 'core validateContainerPorts: protocol one of TCP, UDP, SCTP (SetDefaults_ContainerPort fills TCP)', ({ c }, bad) => {
    for (const port of c.ports ?? []) {
      if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
        bad(`port ${port.containerPort} protocol ${json(port.protocol)} is not TCP, UDP or SCTP`);
      }
    }
  }),
  podRule('pod.host-ports.unique', 'core checkHostPortConflicts / AccumulateUniqueHostPorts: protocol/hostIP/hostPort unique across containers (each init container on its own); SetDefaults_PodSpec (1.28) sets hostPort = containerPort with hostNetwork', (spec, bad) => {
    const key = (p: any) => `${p.protocol ?? 'TCP'}/${p.hostIP ?? ''}/${effectiveHostPort(p, spec.hostNetwork === true)}`;
    const seen = new Set<string>();
    for (const c of spec.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (effectiveHostPort(p, spec.hostNetwork === true) !== 0) {
          if (seen.has(key(p))) {
            bad(`host port ${key(p)} is claimed twice (container ${c.name})`);
          }
          seen.add(key(p));
        }
      }
    }
    for (const c of spec.initContainers ?? []) {
      const own = new Set<string>();
      for (const p of (c.ports ?? []).filter((q: any) => effectiveHostPort(q, spec.hostNetwork === true) !== 0)) {
        if (own.has(key(p))) {
          bad(`host port ${key(p)} is claimed twice (initContainer ${c.name})`);
        }
        own.add(key(p));
      }
    }
  }),
  podRule('pod.host-network.host-port', 'core validateHostNetwork (1.28; validatePodHostNetworkDeps from 1.30): with hostNetwork a hostPort must equal its containerPort', (spec, bad) => {
    if (spec.hostNetwork !== true) {
      return;
    }
    for (const c of spec.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (p.hostPort !== undefined && p.hostPort !== 0 && p.hostPort !== p.containerPort) {
          bad(`container ${c.name}: hostPort ${p.hostPort} must equal containerPort ${p.containerPort} with hostNetwork`);
        }
      }
    }
  }),
  containerRule('container.env.name', 'core ValidateEnv: name Required and IsEnvVarName', ({ c }, bad) => {
    for (const e of c.env ?? []) {
      if (!isEnvVarName(e.name)) {
        bad(`env name ${json(e.name)} is not a valid environment variable name (letters, digits, "_", "-", "."; not starting with a digit or "..")`);
      }
    }
  }),
  containerRule('container.env.value-from', 'core validateEnvVarValueFrom: exactly one source and no value beside it; validateObjectFieldSelector (supported fieldPaths; apiVersion defaulted to v1), validateContainerResourceFieldSelector, validateConfigMapKeySelector / validateSecretKeySelector (DNS subdomain name, IsConfigMapKey key)', ({ c }, bad) => {
    for (const e of c.env ?? []) {
      const from = e.valueFrom;
      if (!from) {
        continue;
      }
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => from[s] !== undefined);
      if (sources.length === 0) {
        bad(`env ${e.name}: valueFrom has no source`);
      } else if (e.value !== undefined && e.value !== '') {
        bad(`env ${e.name}: valueFrom may not be set beside a value`);
      } else if (sources.length > 1) {
        bad(`env ${e.name}: valueFrom has ${sources.length} sources`);
      }
      const fieldPath = from.fieldRef?.fieldPath;
      if (from.fieldRef && !ENV_FIELD_PATHS.includes(fieldPath) && !/^metadata\.(labels|annotations)\['[^']+'\]$/.test(fieldPath ?? '')) {
        bad(`env ${e.name}: fieldRef.fieldPath ${json(fieldPath)} is not supported`);
      }
      if (from.resourceFieldRef && !ENV_RESOURCE_FIELDS.includes(from.resourceFieldRef.resource) && !/^(requests|limits)\.hugepages-/.test(from.resourceFieldRef.resource ?? '')) {
        bad(`env ${e.name}: resourceFieldRef.resource ${json(from.resourceFieldRef.resource)} is not supported`);
      }
      for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
        if (from[ref] && (!isDns1123Subdomain(from[ref].name) || !isConfigMapKey(from[ref].key))) {
          bad(`env ${e.name}: ${ref} needs a DNS-1123 subdomain name and a key of letters, digits, "-", "_" and "." (got ${json(from[ref])})`);
        }
      }
    }
  }),
  containerRule('container.env-from', 'core ValidateEnvFrom: prefix IsEnvVarName; exactly one of configMapRef and secretRef, with a DNS-1123 subdomain name', ({ c }, bad) => {
    for (const e of c.envFrom ?? []) {
      if (e.prefix !== undefined && e.prefix !== '' && !isEnvVarName(e.prefix)) {
        bad(`envFrom prefix ${json(e.prefix)} is not a valid environment variable name`);
      }
      const refs = ['configMapRef', 'secretRef'].filter((r) => e[r] !== undefined);
      if (refs.length !== 1) {
        bad(`envFrom needs exactly one of configMapRef and secretRef (got ${refs.length})`);
      }
      refs.filter((r) => !isDns1123Subdomain(e[r].name)).forEach((r) => bad(`envFrom ${r}.name ${json(e[r].name)} is not a DNS-1123 subdomain`));
    }
  }),
  containerRule('container.volume-mounts.volume', 'core ValidateVolumeMounts: name Required and IsMatchedVolume (field.NotFound)', ({ c }, bad, spec) => {
    const volumes = validVolumeNames(spec);
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.has(m.name)) {
        bad(`volumeMount ${json(m.name)} names no (valid) volume`);
      }
    }
  }),
  containerRule('container.volume-mounts.path', 'core ValidateVolumeMounts: mountPath Required and "must be unique"; subPath / subPathExpr validateLocalDescendingPath and mutually exclusive', ({ c }, bad) => {
    const seen = new Set<string>();
    for (const m of c.volumeMounts ?? []) {
      if (!isString(m.mountPath) || m.mountPath === '') {
        bad(`volumeMount ${m.name}: mountPath is required`);
      } else if (seen.has(m.mountPath)) {
        bad(`mountPath ${m.mountPath} is mounted twice`);
      }
      seen.add(m.mountPath);
      for (const sub of ['subPath', 'subPathExpr']) {
        if (isString(m[sub]) && m[sub] !== '' && (m[sub].startsWith('/') || hasBacksteps(m[sub]))) {
          bad(`volumeMount ${m.name}: ${sub} ${json(m[sub])} must be a relative path without ".."`);
        }
      }
      if (m.subPath && m.subPathExpr) {
        bad(`volumeMount ${m.name}: subPath and subPathExpr are mutually exclusive`);
      }
    }
  }),
  containerRule('container.volume-mounts.propagation', 'core validateMountPropagation: None, HostToContainer or Bidirectional; Bidirectional only for privileged containers', ({ c }, bad) => {
    for (const m of c.volumeMounts ?? []) {
      const p = m.mountPropagation;
      if (p === undefined) {
        continue;
      }
      if (!['None', 'HostToContainer', 'Bidirectional'].includes(p)) {
        bad(`volumeMount ${m.name}: mountPropagation ${json(p)} is not None, HostToContainer or Bidirectional`);
      } else if (p === 'Bidirectional' && c.securityContext?.privileged !== true) {
        bad(`volumeMount ${m.name}: Bidirectional mount propagation is available only to privileged containers`);
      }
    }
  }),
  containerRule('container.image-pull-policy', 'core validatePullPolicy: Always, IfNotPresent or Never (SetDefaults_Container fills an empty one)', ({ c }, bad) => {
    if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      bad(`imagePullPolicy ${json(c.imagePullPolicy)} is not Always, IfNotPresent or Never`);
    }
  }),
  containerRule('container.resources.values', 'core ValidateResourceRequirements: validateContainerResourceName (standard or extended names), ValidateResourceQuantityValue (not negative; whole numbers for extended resources)', ({ c }, bad) => {
    for (const bag of ['limits', 'requests']) {
      for (const [name, q] of Object.entries(c.resources?.[bag] ?? {})) {
        const value = parseQuantity(q);
        if (name.includes('/') ? !isQualifiedName(name) : !isStandardContainerResource(name)) {
          bad(`resources.${bag}: ${json(name)} is not a standard or extended resource name`);
        }
        if (value === undefined) {
          bad(`resources.${bag}.${name} ${json(q)} is not a quantity`);
        } else if (value < 0n) {
          bad(`resources.${bag}.${name} ${json(q)} is negative`);
        } else if (!isNativeResource(name) && value % (10n ** 9n) !== 0n) {
          bad(`resources.${bag}.${name} ${json(q)} must be a whole number`);
        }
      }
    }
  }),
  containerRule('container.resources.requests-within-limits', 'core ValidateResourceRequirements: request "must be less than or equal to %s limit", or equal to it where IsOvercommitAllowed is false (extended resources, hugepages)', ({ c }, bad) => {
    for (const [name, req] of Object.entries(c.resources?.requests ?? {})) {
      const lim = c.resources?.limits?.[name];
      const r = parseQuantity(req);
      const l = parseQuantity(lim);
      if (r === undefined || l === undefined) {
        continue;
      }
      if (!isOvercommitAllowed(name) && r !== l) {
        bad(`${name} request ${req} must equal its limit ${lim}`);
      } else if (r > l) {
        bad(`${name} request ${req} is above its limit ${lim}`);
      }
    }
  }),
  containerRule('container.handlers.one', 'core validateHandler (probes via validateProbe, lifecycle via validateLifecycle): "must specify a handler type" / "may not specify more than 1 handler type" (the lifecycle sleep action is 1.29+ and not counted)', ({ c }, bad) => {
    for (const [where, h, kind] of handlersOf(c)) {
      const types = (kind === 'probe' ? ['exec', 'httpGet', 'tcpSocket', 'grpc'] : ['exec', 'httpGet', 'tcpSocket']).filter((t) => h[t] !== undefined);
      if (types.length !== 1) {
        bad(`${where} has ${types.length === 0 ? 'no handler' : `${types.length} handlers (${types.join(', ')})`}`);
      }
    }
  }),
  containerRule('container.handlers.action', 'core validateExecAction (command Required), validateHTTPGetAction (ValidatePortNumOrName, scheme HTTP or HTTPS, IsHTTPHeaderName; SetDefaults_HTTPGetAction fills path and scheme), validateTCPSocketAction, validateGRPCAction', ({ c }, bad) => {
    for (const [where, h] of handlersOf(c)) {
      if (h.exec && (h.exec.command ?? []).length === 0) {
        bad(`${where}.exec.command is required`);
      }
      if (h.httpGet) {
        if (!isPortNumOrName(h.httpGet.port)) {
          bad(`${where}.httpGet.port ${json(h.httpGet.port)} is not a port number or an IANA port name`);
        }
        if (h.httpGet.scheme !== undefined && !['HTTP', 'HTTPS'].includes(h.httpGet.scheme)) {
          bad(`${where}.httpGet.scheme ${json(h.httpGet.scheme)} is not HTTP or HTTPS`);
        }
        (h.httpGet.httpHeaders ?? []).filter((x: any) => !HTTP_HEADER_NAME.test(x.name ?? '')).forEach((x: any) => bad(`${where}.httpGet header ${json(x.name)} is not a header name`));
      }
      if (h.tcpSocket && !isPortNumOrName(h.tcpSocket.port)) {
        bad(`${where}.tcpSocket.port ${json(h.tcpSocket.port)} is not a port number or an IANA port name`);
      }
      if (h.grpc && !isPortNumber(h.grpc.port)) {
        bad(`${where}.grpc.port ${json(h.grpc.port)} is not between 1 and 65535`);
      }
    }
  }),
  containerRule('container.probes.fields', 'core validateProbe (ValidateNonnegativeField for delays, periods, thresholds; terminationGracePeriodSeconds > 0), validateLivenessProbe / validateStartupProbe (successThreshold 1; SetDefaults_Probe fills 0 with 1), validateReadinessProbe (no terminationGracePeriodSeconds)', ({ c }, bad) => {
    for (const [where, p, kind] of handlersOf(c)) {
      if (kind !== 'probe') {
        continue;
      }
      for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
        if (p[f] !== undefined && !isNonNegativeInteger(p[f])) {
          bad(`${where}.${f} ${json(p[f])} must be a non-negative integer`);
        }
      }
      if ((where === 'livenessProbe' || where === 'startupProbe') && p.successThreshold !== undefined && p.successThreshold !== 0 && p.successThreshold !== 1) {
        bad(`${where}.successThreshold must be 1 (got ${p.successThreshold})`);
      }
      if (p.terminationGracePeriodSeconds !== undefined) {
        if (where === 'readinessProbe') {
          bad('readinessProbe.terminationGracePeriodSeconds must not be set');
        } else if (!(p.terminationGracePeriodSeconds > 0)) {
          bad(`${where}.terminationGracePeriodSeconds must be greater than 0`);
        }
      }
    }
  }),
  podRule('init-container.handlers', 'core validateInitContainers: lifecycle and probes "may not be set for init containers without restartPolicy=Always"', (spec, bad) => {
    for (const c of spec.initContainers ?? []) {
      if (c.restartPolicy === 'Always') {
        continue;
      }
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'].filter((x) => c[x] !== undefined)) {
        bad(`initContainer ${c.name}: ${f} may not be set without restartPolicy Always`);
      }
    }
  }),

  // Security contexts (core ValidateSecurityContext, validatePodSpecSecurityContext).
  containerRule('security-context.privilege-escalation', 'core ValidateSecurityContext: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true" / "... and `capabilities.Add` CAP_SYS_ADMIN" (the check compares the literal "CAP_SYS_ADMIN"; "SYS_ADMIN" passes it)', ({ c }, bad) => {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) {
      return;
    }
    if (sc.privileged === true) {
      bad('allowPrivilegeEscalation false with privileged true');
    }
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
      bad('allowPrivilegeEscalation false with capabilities.add CAP_SYS_ADMIN');
    }
  }),
  podRule('security-context.ids', 'core ValidateSecurityContext and validatePodSpecSecurityContext: IsValidUserID / IsValidGroupID (0..2147483647) for runAsUser, runAsGroup, fsGroup, supplementalGroups', (spec, bad) => {
    for (const [where, sc] of securityContexts(spec)) {
      for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
        if (sc[f] !== undefined && !isId(sc[f])) {
          bad(`${where}.${f} ${json(sc[f])} is not between 0 and 2147483647`);
        }
      }
      (sc.supplementalGroups ?? []).filter((g: unknown) => !isId(g)).forEach((g: unknown) => bad(`${where}.supplementalGroups ${json(g)} is not between 0 and 2147483647`));
    }
  }),
  podRule('security-context.seccomp', 'core validateSeccompProfileField: type Required and one of Localhost, RuntimeDefault, Unconfined; localhostProfile required (relative, no "..") for Localhost and forbidden otherwise', (spec, bad) => {
    for (const [where, sc] of securityContexts(spec)) {
      const sp = sc.seccompProfile;
      if (!sp) {
        continue;
      }
      if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(sp.type)) {
        bad(`${where}.seccompProfile.type ${json(sp.type)} is not Localhost, RuntimeDefault or Unconfined`);
      }
      if (sp.type === 'Localhost' && !(isString(sp.localhostProfile) && !sp.localhostProfile.startsWith('/') && !hasBacksteps(sp.localhostProfile))) {
        bad(`${where}.seccompProfile.localhostProfile must be a relative path for type Localhost`);
      }
      if (sp.type !== 'Localhost' && sp.localhostProfile !== undefined) {
        bad(`${where}.seccompProfile.localhostProfile can only be set for type Localhost`);
      }
    }
  }),
  podRule('security-context.enums', 'core ValidateProcMountType (Default, Unmasked) and validateFSGroupChangePolicy (OnRootMismatch, Always)', (spec, bad) => {
    for (const [where, sc] of securityContexts(spec)) {
      if (sc.procMount !== undefined && !['Default', 'Unmasked'].includes(sc.procMount)) {
        bad(`${where}.procMount ${json(sc.procMount)} is not Default or Unmasked`);
      }
      if (sc.fsGroupChangePolicy !== undefined && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy)) {
        bad(`${where}.fsGroupChangePolicy ${json(sc.fsGroupChangePolicy)} is not OnRootMismatch or Always`);
      }
    }
  }),

  // Pod spec: scheduling and identity (core ValidatePodSpec).
  podRule('pod.dns-policy', 'core validateDNSPolicy (ClusterFirstWithHostNet, ClusterFirst, Default, None) and validatePodDNSConfig (None needs dnsConfig.nameservers)', (spec, bad) => {
    const policy = spec.dnsPolicy;
    if (policy !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(policy)) {
      bad(`dnsPolicy ${json(policy)} is not ClusterFirstWithHostNet, ClusterFirst, Default or None`);
    }
    if (policy === 'None' && (spec.dnsConfig?.nameservers ?? []).length === 0) {
      bad('dnsPolicy None needs dnsConfig.nameservers');
    }
  }),
  podRule('pod.node-selector', 'core ValidatePodSpec: ValidateLabels(nodeSelector)', (spec, bad) => labelProblems(spec.nodeSelector, 'nodeSelector', bad)),
  podRule('pod.tolerations', 'core ValidateTolerations: key a label name; empty key needs Exists; tolerationSeconds needs NoExecute; Equal needs a label value, Exists no value; operator Equal or Exists; effect NoSchedule, PreferNoSchedule or NoExecute', (spec, bad) => {
    for (const t of spec.tolerations ?? []) {
      const where = `toleration ${json(t)}`;
      if (t.key !== undefined && t.key !== '' && !isQualifiedName(t.key)) {
        bad(`${where}: key is not a qualified name`);
      }
      if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') {
        bad(`${where}: operator must be Exists when key is empty`);
      }
      if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
        bad(`${where}: tolerationSeconds needs effect NoExecute`);
      }
      if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') {
        if (!isLabelValue(t.value ?? '')) {
          bad(`${where}: value is not a valid label value`);
        }
      } else if (t.operator === 'Exists') {
        if (t.value !== undefined && t.value !== '') {
          bad(`${where}: value must be empty when operator is Exists`);
        }
      } else {
        bad(`${where}: operator is not Equal or Exists`);
      }
      if (t.effect !== undefined && t.effect !== '' && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
        bad(`${where}: effect is not NoSchedule, PreferNoSchedule or NoExecute`);
      }
    }
  }),
  podRule('pod.node-affinity', 'core validateNodeAffinity: ValidateNodeSelector (at least one term), ValidateNodeSelectorTerm / ValidateNodeSelectorRequirement (In/NotIn need values, Exists/DoesNotExist none, Gt/Lt exactly one; key a label name), preferred weight 1..100', (spec, bad) => {
    const na = spec.affinity?.nodeAffinity;
    if (!na) {
      return;
    }
    const requirement = (rq: any, where: string) => {
      const n = (rq.values ?? []).length;
      if (['In', 'NotIn'].includes(rq.operator) ? n === 0
        : ['Exists', 'DoesNotExist'].includes(rq.operator) ? n > 0
          : ['Gt', 'Lt'].includes(rq.operator) ? n !== 1 : true) {
        bad(`${where}: ${json(rq)} has the wrong values for its operator, or an unknown operator`);
      }
      if (!isQualifiedName(rq.key)) {
        bad(`${where}: key ${json(rq.key)} is not a label name`);
      }
    };
    const required = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      if ((required.nodeSelectorTerms ?? []).length === 0) {
        bad('required node affinity has no nodeSelectorTerms');
      }
      (required.nodeSelectorTerms ?? []).forEach((t: any) => (t.matchExpressions ?? []).forEach((rq: any) => requirement(rq, 'required node affinity')));
    }
    for (const p of na.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (!(Number.isInteger(p.weight) && p.weight >= 1 && p.weight <= 100)) {
        bad(`preferred node affinity weight ${json(p.weight)} is not between 1 and 100`);
      }
      (p.preference?.matchExpressions ?? []).forEach((rq: any) => requirement(rq, 'preferred node affinity'));
    }
  }),
  podRule('pod.object-references', 'core ValidatePodSpec: serviceAccountName (ValidateServiceAccountName) and priorityClassName (ValidatePriorityClassName) are DNS-1123 subdomains', (spec, bad) => {
    for (const f of ['serviceAccountName', 'priorityClassName']) {
      if (spec[f] !== undefined && spec[f] !== '' && !isDns1123Subdomain(spec[f])) {
        bad(`${f} ${json(spec[f])} is not a DNS-1123 subdomain`);
      }
    }
  }),

  // Service (core ValidateService, validateServicePort).
  kindRule(['Service'], 'service.ports.required', 'core ValidateService: ports Required unless headless (clusterIP None) or ExternalName', (o, bad) => {
    if ((o.spec?.ports ?? []).length === 0 && o.spec?.clusterIP !== 'None' && o.spec?.type !== 'ExternalName') {
      bad('spec.ports is empty');
    }
  }),
  kindRule(['Service'], 'service.ports.number', 'core validateServicePort: IsValidPortNum(port), ValidatePortNumOrName(targetPort) (SetDefaults_Service fills an empty targetPort with port)', (o, bad) => {
    for (const p of o.spec?.ports ?? []) {
      if (!isPortNumber(p.port)) {
        bad(`port ${json(p.port)} is not between 1 and 65535`);
      }
      if (p.targetPort !== undefined && p.targetPort !== 0 && p.targetPort !== '' && !isPortNumOrName(p.targetPort)) {
        bad(`targetPort ${json(p.targetPort)} is not a port number or an IANA port name`);
      }
    }
  }),
  kindRule(['Service'], 'service.ports.name', 'core validateServicePort: name Required when there is more than one port, ValidateDNS1123Label, no duplicates', (o, bad) => {
    const ports = o.spec?.ports ?? [];
    const seen = new Set<string>();
    for (const p of ports) {
      if (p.name === undefined || p.name === '') {
        if (ports.length > 1) {
          bad(`port ${p.port} needs a name (the Service has ${ports.length} ports)`);
        }
      } else if (!isDns1123Label(p.name)) {
        bad(`port name ${json(p.name)} is not a DNS-1123 label`);
      } else if (seen.has(p.name)) {
        bad(`duplicate port name ${p.name}`);
      }
      seen.add(p.name);
    }
  }),
  kindRule(['Service'], 'service.ports.protocol', 'core validateServicePort: protocol one of TCP, UDP, SCTP (SetDefaults_Service fills TCP)', (o, bad) => {
    (o.spec?.ports ?? []).filter((p: any) => p.protocol !== undefined && !PROTOCOLS.includes(p.protocol))
      .forEach((p: any) => bad(`port ${p.port} protocol ${json(p.protocol)} is not TCP, UDP or SCTP`));
  }),
  kindRule(['Service'], 'service.ports.unique', 'core ValidateService: "Check for duplicate Ports, considering (protocol,port) pairs"', (o, bad) => {
    const seen = new Set<string>();
    for (const p of o.spec?.ports ?? []) {
      const key = `${p.protocol ?? 'TCP'}/${p.port}`;
      if (seen.has(key)) {
        bad(`port ${key} appears twice`);
      }
      seen.add(key);
    }
  }),
  kindRule(['Service'], 'service.selector-and-type', 'core ValidateService: ValidateLabels(selector); type one of ClusterIP, NodePort, LoadBalancer, ExternalName', (o, bad) => {
    labelProblems(o.spec?.selector, 'spec.selector', bad);
    const type = o.spec?.type;
    if (type !== undefined && !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
      bad(`spec.type ${json(type)} is not ClusterIP, NodePort, LoadBalancer or ExternalName`);
    }
  }),

  // NetworkPolicy (networking ValidateNetworkPolicySpec).
  kindRule(['NetworkPolicy'], 'network-policy.ports', 'networking ValidateNetworkPolicyPort: protocol TCP, UDP or SCTP; numeric port IsValidPortNum, named port IsValidPortName; endPort only with a numeric port, not below it, IsValidPortNum', (o, bad) => {
    for (const dir of ['ingress', 'egress']) {
      for (const r of o.spec?.[dir] ?? []) {
        for (const p of r.ports ?? []) {
          if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
            bad(`${dir} port protocol ${json(p.protocol)} is not TCP, UDP or SCTP`);
          }
          if (p.port !== undefined && !isPortNumOrName(p.port)) {
            bad(`${dir} port ${json(p.port)} is not a port number or an IANA port name`);
          }
          if (p.endPort !== undefined && (typeof p.port !== 'number' || !isPortNumber(p.endPort) || p.endPort < p.port)) {
            bad(`${dir} endPort ${json(p.endPort)} needs a numeric port at or below it and must be between 1 and 65535`);
          }
        }
      }
    }
  }),
  kindRule(['NetworkPolicy'], 'network-policy.peers', 'networking ValidateNetworkPolicyPeer: "must specify a peer"; "may not specify both ipBlock and another peer"', (o, bad) => {
    for (const [dir, key] of [['ingress', 'from'], ['egress', 'to']]) {
      for (const r of o.spec?.[dir] ?? []) {
        for (const peer of r[key] ?? []) {
          const n = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((f) => peer[f] !== undefined).length;
          if (n === 0) {
            bad(`${dir}.${key} peer ${json(peer)} specifies nothing`);
          } else if (n > 1 && peer.ipBlock !== undefined) {
            bad(`${dir}.${key} peer combines ipBlock with another selector`);
          }
        }
      }
    }
  }),
  kindRule(['NetworkPolicy'], 'network-policy.policy-types', 'networking ValidateNetworkPolicySpec: at most two policyTypes, each Ingress or Egress', (o, bad) => {
    const types: unknown[] = o.spec?.policyTypes ?? [];
    if (types.length > 2 || types.some((t) => t !== 'Ingress' && t !== 'Egress')) {
      bad(`spec.policyTypes ${json(types)} must be at most Ingress and Egress`);
    }
  }),

  // ConfigMap (core ValidateConfigMap).
  kindRule(['ConfigMap'], 'config-map.keys', 'core ValidateConfigMap: IsConfigMapKey for data and binaryData keys; no key in both', (o, bad) => {
    for (const bag of ['data', 'binaryData']) {
      Object.keys(o[bag] ?? {}).filter((k) => !isConfigMapKey(k)).forEach((k) => bad(`${bag} key ${json(k)} is not letters, digits, "-", "_" and "." (at most 253, not "." or "..")`));
    }
    Object.keys(o.data ?? {}).filter((k) => k in (o.binaryData ?? {})).forEach((k) => bad(`key ${k} is in both data and binaryData`));
  }),
  kindRule(['ConfigMap'], 'config-map.size', 'core ValidateConfigMap: data and binaryData at most core.MaxSecretSize (1 MiB) together', (o, bad) => {
    const size = Object.values(o.data ?? {}).reduce((n: number, v) => n + Buffer.byteLength(String(v)), 0)
      + Object.values(o.binaryData ?? {}).reduce((n: number, v) => n + Buffer.from(String(v), 'base64').length, 0);
    if (size > 1024 * 1024) {
      bad(`data is ${size} bytes, above the 1048576-byte limit`);
    }
  }),

  // RBAC (rbac ValidateClusterRole, ValidateClusterRoleBinding, ValidateRole, ValidateRoleBinding).
  kindRule(['ClusterRole', 'Role'], 'rbac.rules', 'rbac validatePolicyRule: verbs required; nonResourceURLs only in ClusterRoles and not with apiGroups/resources/resourceNames; resource rules need apiGroups and resources', (o, bad) => {
    for (const r of o.rules ?? []) {
      const where = `rule ${json(r)}`;
      if ((r.verbs ?? []).length === 0) {
        bad(`${where}: verbs must contain at least one value`);
      }
      if ((r.nonResourceURLs ?? []).length > 0) {
        if (o.kind === 'Role') {
          bad(`${where}: namespaced rules cannot apply to non-resource URLs`);
        }
        if ((r.apiGroups ?? []).length + (r.resources ?? []).length + (r.resourceNames ?? []).length > 0) {
          bad(`${where}: rules cannot apply to both regular resources and non-resource URLs`);
        }
        continue;
      }
      if ((r.apiGroups ?? []).length === 0) {
        bad(`${where}: resource rules must supply at least one api group`);
      }
      if ((r.resources ?? []).length === 0) {
        bad(`${where}: resource rules must supply at least one resource`);
      }
    }
  }),
  kindRule(['ClusterRoleBinding', 'RoleBinding'], 'rbac.role-ref', 'rbac ValidateClusterRoleBinding / ValidateRoleBinding: roleRef.apiGroup rbac.authorization.k8s.io (SetDefaults_*RoleBinding fills it), kind ClusterRole (or Role in a RoleBinding), name Required and a path segment', (o, bad) => {
    const ref = o.roleRef ?? {};
    if ((ref.apiGroup || 'rbac.authorization.k8s.io') !== 'rbac.authorization.k8s.io') {
      bad(`roleRef.apiGroup ${json(ref.apiGroup)} is not rbac.authorization.k8s.io`);
    }
    const kinds = o.kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!kinds.includes(ref.kind)) {
      bad(`roleRef.kind ${json(ref.kind)} is not ${kinds.join(' or ')}`);
    }
    if (!isString(ref.name) || ref.name === '' || !isPathSegmentName(ref.name)) {
      bad(`roleRef.name ${json(ref.name)} is missing or not a path segment`);
    }
  }),
  kindRule(['ClusterRoleBinding', 'RoleBinding'], 'rbac.subjects', 'rbac validateRoleBindingSubject: name Required; ServiceAccount: ValidateServiceAccountName, apiGroup "", namespace Required in a ClusterRoleBinding; User and Group: apiGroup rbac.authorization.k8s.io (SetDefaults_Subject fills it); other kinds NotSupported', (o, bad) => {
    for (const s of o.subjects ?? []) {
      const where = `subject ${json(s)}`;
      if (!isString(s.name) || s.name === '') {
        bad(`${where}: name is required`);
      }
      if (s.kind === 'ServiceAccount') {
        if (isString(s.name) && s.name !== '' && !isDns1123Subdomain(s.name)) {
          bad(`${where}: a ServiceAccount name must be a DNS-1123 subdomain`);
        }
        if (s.apiGroup !== undefined && s.apiGroup !== '') {
          bad(`${where}: a ServiceAccount subject has apiGroup ""`);
        }
        if (o.kind === 'ClusterRoleBinding' && (s.namespace === undefined || s.namespace === '')) {
          bad(`${where}: a ServiceAccount subject of a ClusterRoleBinding needs a namespace`);
        }
      } else if (s.kind === 'User' || s.kind === 'Group') {
        if ((s.apiGroup || 'rbac.authorization.k8s.io') !== 'rbac.authorization.k8s.io') {
          bad(`${where}: apiGroup must be rbac.authorization.k8s.io`);
        }
      } else {
        bad(`${where}: kind is not ServiceAccount, User or Group`);
      }
    }
  }),

  // Accepted by the API server, broken on the node.
  rule('kubelet.run-as-non-root', 'kubelet verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go): runAsNonRoot with an explicit runAsUser 0 is CreateContainerConfigError', (o, bad) => {
    const spec = podSpecOf(o);
    for (const { c, where } of containersOf(spec)) {
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) === true && (sc.runAsUser ?? spec.securityContext?.runAsUser) === 0) {
        bad(`${where}: runAsNonRoot with runAsUser 0 never starts`);
      }
    }
  }, 'kubelet'),
  rule('kubelet.volume-item-key', 'kubelet configmap/secret volume makePayload (pkg/volume/configmap, pkg/volume/secret): an item key the object lacks fails the mount unless the volume is optional; core IsConfigMapKey bounds the keys a ConfigMap or Secret can hold', (o, bad) => {
    for (const v of podSpecOf(o)?.volumes ?? []) {
      for (const source of [v.configMap, v.secret].filter(Boolean)) {
        if (source.optional === true) {
          continue;
        }
        (source.items ?? []).filter((it: any) => isString(it.key) && it.key !== '' && !isConfigMapKey(it.key))
          .forEach((it: any) => bad(`volume ${v.name}: item key ${json(it.key)} can never exist in a ConfigMap or Secret, so the pod never starts`));
      }
    }
  }, 'kubelet'),
  rule('kubelet.host-network-dns', 'kubelet getPodDNSType (pkg/kubelet/network/dns/dns.go): dnsPolicy ClusterFirst with hostNetwork falls back to the node\'s resolv.conf; ClusterFirstWithHostNet is the policy that reaches cluster DNS', (o, bad) => {
    const spec = podSpecOf(o);
    if (spec?.hostNetwork === true && (spec.dnsPolicy ?? 'ClusterFirst') === 'ClusterFirst') {
      bad('hostNetwork with dnsPolicy ClusterFirst resolves through the node, not the cluster (use ClusterFirstWithHostNet)');
    }
  }, 'kubelet'),

  // Pod settings of issue 13 (core validation.go, 1.28 unless said otherwise).
  podRule('pod.host-users', 'core validateHostUsers: hostUsers false forbids hostNetwork, hostPID and hostIPC', (spec, bad) => {
    if (spec.hostUsers === false) {
      ['hostNetwork', 'hostPID', 'hostIPC'].filter((f) => spec[f] === true).forEach((f) => bad(`${f} is not allowed when hostUsers is false`));
    }
  }),
  podRule('pod.host-aliases', 'core ValidateHostAliases: an IP address (IsValidIP) and DNS-1123 subdomain host names', (spec, bad) => {
    for (const a of spec.hostAliases ?? []) {
      if (!isString(a.ip) || isIP(a.ip) === 0) {
        bad(`hostAliases ip ${json(a.ip)} is not an IP address`);
      }
      (a.hostnames ?? []).filter((h: unknown) => !isDns1123Subdomain(h)).forEach((h: unknown) => bad(`hostAliases hostname ${json(h)} is not a DNS-1123 subdomain`));
    }
  }),
  podRule('pod.dns-config', 'core validatePodDNSConfig: at most 3 nameservers (IPs), at most 32 search domains of at most 2048 characters in all (ExpandedDNSConfig, GA in 1.28), each a DNS-1123 subdomain (a trailing "." allowed), named options', (spec, bad) => {
    const c = spec.dnsConfig;
    if (c === undefined) {
      return;
    }
    const nameservers: unknown[] = c.nameservers ?? [];
    if (nameservers.length > 3) {
      bad(`dnsConfig has ${nameservers.length} nameservers, more than 3`);
    }
    nameservers.filter((ip) => !isString(ip) || isIP(ip) === 0).forEach((ip) => bad(`dnsConfig nameserver ${json(ip)} is not an IP address`));
    const searches: unknown[] = c.searches ?? [];
    if (searches.length > 32 || searches.join(' ').length > 2048) {
      bad(`dnsConfig has ${searches.length} search domains (${searches.join(' ').length} characters), more than 32 or 2048`);
    }
    searches.filter((d) => !isString(d) || !isDns1123Subdomain(d.replace(/\.$/, '')))
      .forEach((d) => bad(`dnsConfig search ${json(d)} is not a DNS-1123 subdomain`));
    (c.options ?? []).filter((opt: any) => !isString(opt?.name) || opt.name === '').forEach(() => bad('a dnsConfig option has no name'));
  }),
  podRule('pod.volumes.projected-token', 'core validateProjectionSources: a serviceAccountToken needs a relative path without ".." (validateLocalDescendingPath) and expirationSeconds from 600 to 2^32', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      for (const s of v.projected?.sources ?? []) {
        const t = s.serviceAccountToken;
        if (t === undefined) {
          continue;
        }
        if (!isString(t.path) || t.path === '' || t.path.startsWith('/') || t.path.split('/').includes('..')) {
          bad(`volume ${v.name}: token path ${json(t.path)} is not a relative path inside the volume`);
        }
        const seconds = t.expirationSeconds;
        if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 600 && seconds <= 2 ** 32)) {
          bad(`volume ${v.name}: token expirationSeconds ${json(t.expirationSeconds)} is not between 600 and 2^32`);
        }
      }
    }
  }),
  podRule('pod.volumes.csi', 'core validateCSIVolumeSource: ValidateCSIDriverName (a DNS-1123 subdomain of at most 63 characters); nodePublishSecretRef needs a name', (spec, bad) => {
    for (const v of spec.volumes ?? []) {
      if (v.csi === undefined) {
        continue;
      }
      if (!isDns1123Subdomain(v.csi.driver) || v.csi.driver.length > 63) {
        bad(`volume ${v.name}: CSI driver ${json(v.csi.driver)} is not a DNS-1123 subdomain of at most 63 characters`);
      }
      if (v.csi.nodePublishSecretRef !== undefined && !isString(v.csi.nodePublishSecretRef.name)) {
        bad(`volume ${v.name}: nodePublishSecretRef has no name`);
      }
    }
  }),
  containerRule('container.restart-policy', 'core validateContainers ("may not be set for non-init containers") and validateInitContainers (only Always, with SidecarContainers: alpha in 1.28, beta in 1.29)', (ref, bad) => {
    const policy = ref.c.restartPolicy;
    if (policy === undefined) {
      return;
    }
    if (!ref.init) {
      bad(`restartPolicy ${json(policy)} may not be set on a regular container`);
    } else if (policy !== 'Always') {
      bad(`restartPolicy ${json(policy)} is not Always`);
    }
  }),
];

/** Every rule violation of one object, with the rule id. */
export function apiServerViolations(o: any): ApiServerViolation[] {
  return API_SERVER_RULES.flatMap((r) => r.check(o).map((message) => ({ rule: r.id, message })));
}

/** The problems of one object as `Kind/name: message [rule]` lines; empty when the API server accepts it. */
export function apiServerProblems(o: any): string[] {
  const where = `${o?.kind}/${o?.metadata?.name}`;
  return apiServerViolations(o).map((v) => `${where}: ${v.message} [${v.rule}]`);
}
