/**
 * Fixtures for the API-server rule oracle: for each rule id, objects that break it and, beside
 * each, the closest variant the API server accepts. `api-server-rules.test.ts` requires at least
 * one fixture for every rule in API_SERVER_RULES, so a rule cannot be added without them.
 */

/** A valid DaemonSet that uses every part of the pod spec the rules look at. */
export function daemonSet(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'agent' }, annotations: { 'example.com/owner': 'platform' } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'agent' } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/version': '1.2.3' } },
        spec: {
          serviceAccountName: 'agent',
          priorityClassName: 'system-node-critical',
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
              },
            },
          },
          securityContext: { runAsNonRoot: true, fsGroup: 65534, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
          initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['true'] }],
          containers: [{
            name: 'agent',
            image: 'registry.example.com/agent:1.2.3',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
            env: [
              { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'LOG_LEVEL', value: 'info' },
            ],
            livenessProbe: { httpGet: { path: '/', port: 9100, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 },
            readinessProbe: { tcpSocket: { port: 'metrics' } },
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              runAsUser: 65534,
              runAsGroup: 65534,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'host-var-log', mountPath: '/var/log', readOnly: true },
              { name: 'config', mountPath: '/etc/agent', readOnly: true },
              { name: 'credentials', mountPath: '/etc/agent/credentials', readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          }],
          volumes: [
            { name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } },
            { name: 'config', configMap: { name: 'agent-config', defaultMode: 0o444, items: [{ key: 'agent.yaml', path: 'agent.yaml' }] } },
            { name: 'credentials', secret: { secretName: 'agent-credentials', defaultMode: 0o440 } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

/** A headless Service with one named port, as the NodeExporter preset emits. */
export function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'node-exporter', namespace: 'monitoring' },
    spec: {
      clusterIP: 'None',
      selector: { 'app.kubernetes.io/name': 'node-exporter' },
      ports: [{ name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }],
    },
  };
}

export function networkPolicy(): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'node-exporter', namespace: 'monitoring' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'node-exporter' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 9100, protocol: 'TCP' }],
      }],
    },
  };
}

export function configMap(): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fluent-bit-config', namespace: 'logging' }, data: { 'fluent-bit.conf': '[SERVICE]\n' } };
}

export function clusterRole(): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'fluent-bit' },
    rules: [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
  };
}

export function role(): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'fluent-bit', namespace: 'logging' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
  };
}

export function clusterRoleBinding(): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'fluent-bit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'fluent-bit' },
    subjects: [{ kind: 'ServiceAccount', name: 'fluent-bit', namespace: 'logging' }],
  };
}

export function namespace(): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } };
}

export function serviceAccount(): any {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent', namespace: 'monitoring' }, automountServiceAccountToken: false };
}

export const BASES = { daemonSet, service, networkPolicy, configMap, clusterRole, role, clusterRoleBinding, namespace, serviceAccount };

/** A failing object and its passing variant, both derived from a base object. */
export interface RuleFixture {
  readonly rule: string;
  /** What is wrong in the failing object. */
  readonly case: string;
  readonly base: () => any;
  readonly fails: (o: any) => void;
  readonly passes: (o: any) => void;
  /** Other rules the failing object necessarily breaks too. */
  readonly alsoBreaks?: readonly string[];
}

const pod = (o: any) => o.spec.template.spec;
const main = (o: any) => pod(o).containers[0];
const volume = (o: any, name: string) => pod(o).volumes.find((v: any) => v.name === name);
const rollingUpdate = (o: any) => o.spec.updateStrategy.rollingUpdate;
const fx = (rule: string, what: string, base: () => any, fails: (o: any) => void, passes: (o: any) => void, alsoBreaks?: string[]): RuleFixture =>
  ({ rule, case: what, base, fails, passes, alsoBreaks });
const sidecar = (o: any, c: any) => pod(o).containers.push({ image: 'busybox:1.36', ...c });

export const FIXTURES: readonly RuleFixture[] = [
  // Names.
  fx('metadata.name.dns1123-subdomain', 'an upper-case DaemonSet name', daemonSet, (o) => { o.metadata.name = 'Agent'; }, (o) => { o.metadata.name = 'agent.v2'; }),
  fx('metadata.name.dns1123-subdomain', 'a ConfigMap without a name', configMap, (o) => { o.metadata.name = ''; }, (o) => { o.metadata.name = '2nd-config'; }),
  fx('metadata.name.dns1123-subdomain', 'a 254-character ServiceAccount name', serviceAccount, (o) => { o.metadata.name = 'a'.repeat(254); }, (o) => { o.metadata.name = 'a'.repeat(253); }),
  fx('metadata.name.dns1035-label', 'a Service name starting with a digit', service, (o) => { o.metadata.name = '2nd-node-exporter'; }, (o) => { o.metadata.name = 'second-node-exporter'; }),
  fx('metadata.name.dns1035-label', 'a Service name with a dot', service, (o) => { o.metadata.name = 'node.exporter'; }, (o) => { o.metadata.name = 'node-exporter-2'; }),
  fx('metadata.name.dns1035-label', 'a 64-character Service name', service, (o) => { o.metadata.name = 'a'.repeat(64); }, (o) => { o.metadata.name = 'a'.repeat(63); }),
  fx('metadata.name.dns1123-label', 'a Namespace name with a dot', namespace, (o) => { o.metadata.name = 'monitoring.prod'; }, (o) => { o.metadata.name = '2nd-monitoring'; }),
  fx('metadata.name.path-segment', 'a ClusterRole name with "/"', clusterRole, (o) => { o.metadata.name = 'logging/fluent-bit'; }, (o) => { o.metadata.name = 'system:fluent-bit'; }),
  fx('metadata.name.path-segment', 'a ClusterRoleBinding named ".."', clusterRoleBinding, (o) => { o.metadata.name = '..'; }, (o) => { o.metadata.name = 'logging.fluent-bit'; }),
  fx('metadata.name.path-segment', 'a Role name with "%"', role, (o) => { o.metadata.name = 'fluent%bit'; }, (o) => { o.metadata.name = 'Fluent_Bit'; }),
  fx('metadata.namespace', 'a ClusterRole with a namespace', clusterRole, (o) => { o.metadata.namespace = 'logging'; }, () => {}),
  fx('metadata.namespace', 'an upper-case namespace', daemonSet, (o) => { o.metadata.namespace = 'Monitoring'; }, (o) => { o.metadata.namespace = 'monitoring-2'; }),
  fx('metadata.labels', 'a label value with a space', daemonSet, (o) => { o.metadata.labels.team = 'node agents'; }, (o) => { o.metadata.labels.team = 'node_agents'; }),
  fx('metadata.labels', 'a 64-character label value on the pod template', daemonSet,
    (o) => { o.spec.template.metadata.labels.team = 'a'.repeat(64); }, (o) => { o.spec.template.metadata.labels.team = 'a'.repeat(63); }),
  fx('metadata.labels', 'a label key with an empty name part', service, (o) => { o.metadata.labels = { 'example.com/': 'x' }; }, (o) => { o.metadata.labels = { 'example.com/team': '' }; }),
  fx('metadata.annotations', 'an annotation key with a space', daemonSet,
    (o) => { o.metadata.annotations['example.com/owner team'] = 'x'; }, (o) => { o.metadata.annotations['Example.com/Owner-Team'] = 'x'; }),
  fx('metadata.annotations', 'pod template annotations above 256 KiB', daemonSet,
    (o) => { o.spec.template.metadata.annotations = { 'example.com/blob': 'x'.repeat(256 * 1024) }; },
    (o) => { o.spec.template.metadata.annotations = { 'example.com/blob': 'x'.repeat(256 * 1024 - 'example.com/blob'.length) }; }),

  // DaemonSet.
  fx('daemonset.selector.non-empty', 'an empty selector', daemonSet, (o) => { o.spec.selector = {}; }, (o) => { o.spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] }; }),
  fx('daemonset.selector.matches-template', 'a selector the template labels do not satisfy', daemonSet,
    (o) => { o.spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'; },
    (o) => { o.spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['agent', 'other'] }] }; }),
  fx('daemonset.selector.matches-template', 'no selector (matches nothing)', daemonSet, (o) => { delete o.spec.selector; }, () => {}),
  fx('daemonset.selector.matches-template', 'a NotIn expression that excludes the template', daemonSet,
    (o) => { o.spec.selector.matchExpressions = [{ key: 'app.kubernetes.io/version', operator: 'NotIn', values: ['1.2.3'] }]; },
    (o) => { o.spec.selector.matchExpressions = [{ key: 'app.kubernetes.io/version', operator: 'NotIn', values: ['1.2.2'] }]; }),
  fx('label-selector.valid', 'an In expression without values in a NetworkPolicy podSelector', networkPolicy,
    (o) => { o.spec.podSelector.matchExpressions = [{ key: 'tier', operator: 'In', values: [] }]; },
    (o) => { o.spec.podSelector.matchExpressions = [{ key: 'tier', operator: 'In', values: ['node'] }]; }),
  fx('label-selector.valid', 'an Exists expression with values in a DaemonSet selector', daemonSet,
    (o) => { o.spec.selector.matchExpressions = [{ key: 'app.kubernetes.io/version', operator: 'Exists', values: ['1.2.3'] }]; },
    (o) => { o.spec.selector.matchExpressions = [{ key: 'app.kubernetes.io/version', operator: 'Exists' }]; }),
  fx('label-selector.valid', 'an invalid label value in a peer namespaceSelector', networkPolicy,
    (o) => { o.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'monitoring!'; },
    (o) => { o.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'monitoring-2'; }),
  fx('daemonset.template.restart-policy', 'restartPolicy OnFailure', daemonSet, (o) => { pod(o).restartPolicy = 'OnFailure'; }, (o) => { delete pod(o).restartPolicy; }),
  fx('daemonset.template.active-deadline', 'activeDeadlineSeconds', daemonSet, (o) => { pod(o).activeDeadlineSeconds = 60; }, () => {}),
  fx('daemonset.non-negative', 'a negative minReadySeconds', daemonSet, (o) => { o.spec.minReadySeconds = -1; }, (o) => { o.spec.minReadySeconds = 0; }),
  fx('daemonset.non-negative', 'a negative revisionHistoryLimit', daemonSet, (o) => { o.spec.revisionHistoryLimit = -1; }, (o) => { o.spec.revisionHistoryLimit = 0; }),
  fx('daemonset.update-strategy.type', 'a Deployment strategy type', daemonSet, (o) => { o.spec.updateStrategy = { type: 'Recreate' }; }, (o) => { o.spec.updateStrategy = { type: 'OnDelete' }; }),
  fx('daemonset.rolling-update.int-or-percent', 'maxUnavailable above 100%', daemonSet, (o) => { rollingUpdate(o).maxUnavailable = '150%'; }, (o) => { rollingUpdate(o).maxUnavailable = '100%'; }),
  fx('daemonset.rolling-update.int-or-percent', 'a count written as a string', daemonSet, (o) => { rollingUpdate(o).maxUnavailable = '5'; }, (o) => { rollingUpdate(o).maxUnavailable = 5; }),
  fx('daemonset.rolling-update.int-or-percent', 'a negative maxUnavailable', daemonSet, (o) => { rollingUpdate(o).maxUnavailable = -1; }, (o) => { rollingUpdate(o).maxUnavailable = 2; }),
  fx('daemonset.rolling-update.one-non-zero', 'maxUnavailable and maxSurge both zero', daemonSet,
    (o) => { o.spec.updateStrategy.rollingUpdate = { maxUnavailable: '0%', maxSurge: 0 }; },
    (o) => { o.spec.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge: 1 }; }),
  fx('daemonset.rolling-update.one-non-zero', 'maxSurge beside the default maxUnavailable 1', daemonSet,
    (o) => { o.spec.updateStrategy.rollingUpdate = { maxSurge: '10%' }; },
    (o) => { o.spec.updateStrategy.rollingUpdate = { maxSurge: '10%', maxUnavailable: 0 }; }),

  // Volumes.
  fx('pod.volumes.name', 'an upper-case volume name', daemonSet, (o) => { pod(o).volumes.push({ name: 'Cache', emptyDir: {} }); }, (o) => { pod(o).volumes.push({ name: 'cache', emptyDir: {} }); }),
  fx('pod.volumes.name', 'two volumes with one name', daemonSet, (o) => { pod(o).volumes.push({ name: 'tmp', emptyDir: {} }); }, (o) => { pod(o).volumes.push({ name: 'tmp-2', emptyDir: {} }); }),
  fx('pod.volumes.one-type', 'a volume with two types', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'cache', emptyDir: {}, hostPath: { path: '/var/cache' } }); }, (o) => { pod(o).volumes.push({ name: 'cache', emptyDir: {} }); }),
  fx('pod.volumes.one-type', 'a volume with no type', daemonSet, (o) => { pod(o).volumes.push({ name: 'cache' }); }, (o) => { pod(o).volumes.push({ name: 'cache', emptyDir: {} }); }),
  fx('pod.volumes.host-path', 'an unknown hostPath type', daemonSet, (o) => { volume(o, 'host-var-log').hostPath.type = 'Dir'; }, (o) => { volume(o, 'host-var-log').hostPath.type = ''; }),
  fx('pod.volumes.host-path', 'a hostPath with ".."', daemonSet, (o) => { volume(o, 'host-var-log').hostPath.path = '/var/log/../../etc'; }, (o) => { volume(o, 'host-var-log').hostPath.path = '/var/log/..d'; }),
  fx('pod.volumes.host-path', 'an empty hostPath', daemonSet, (o) => { volume(o, 'host-var-log').hostPath.path = ''; }, (o) => { volume(o, 'host-var-log').hostPath.path = '/'; }),
  fx('pod.volumes.file-mode', 'a Secret defaultMode of decimal 777', daemonSet, (o) => { volume(o, 'credentials').secret.defaultMode = 777; }, (o) => { volume(o, 'credentials').secret.defaultMode = 0o777; }),
  fx('pod.volumes.file-mode', 'a negative ConfigMap item mode', daemonSet, (o) => { volume(o, 'config').configMap.items[0].mode = -1; }, (o) => { volume(o, 'config').configMap.items[0].mode = 0; }),
  fx('pod.volumes.file-mode', 'a projected defaultMode of 512', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'bundle', projected: { defaultMode: 512, sources: [{ configMap: { name: 'ca' } }] } }); },
    (o) => { pod(o).volumes.push({ name: 'bundle', projected: { defaultMode: 511, sources: [{ configMap: { name: 'ca' } }] } }); }),
  fx('pod.volumes.items', 'an item path with ".."', daemonSet, (o) => { volume(o, 'config').configMap.items[0].path = '../agent.yaml'; }, (o) => { volume(o, 'config').configMap.items[0].path = 'conf/agent.yaml'; }),
  fx('pod.volumes.items', 'an absolute item path', daemonSet, (o) => { volume(o, 'config').configMap.items[0].path = '/agent.yaml'; }, (o) => { volume(o, 'config').configMap.items[0].path = 'agent..yaml'; }),
  fx('pod.volumes.items', 'an item without a key', daemonSet, (o) => { volume(o, 'config').configMap.items[0].key = ''; }, (o) => { volume(o, 'config').configMap.items[0].key = 'other.yaml'; }),
  fx('pod.volumes.items', 'a Secret volume without a secretName', daemonSet, (o) => { delete volume(o, 'credentials').secret.secretName; }, (o) => { volume(o, 'credentials').secret.secretName = 'x'; }),
  fx('pod.volumes.items', 'one path projected twice', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'bundle', projected: { sources: [{ configMap: { name: 'a', items: [{ key: 'ca', path: 'ca.crt' }] } }, { secret: { name: 'b', items: [{ key: 'ca', path: 'ca.crt' }] } }] } }); },
    (o) => { pod(o).volumes.push({ name: 'bundle', projected: { sources: [{ configMap: { name: 'a', items: [{ key: 'ca', path: 'ca.crt' }] } }, { secret: { name: 'b', items: [{ key: 'ca', path: 'ca-2.crt' }] } }] } }); }),
  fx('pod.volumes.empty-dir', 'a negative emptyDir sizeLimit', daemonSet, (o) => { volume(o, 'tmp').emptyDir.sizeLimit = '-1Gi'; }, (o) => { volume(o, 'tmp').emptyDir.sizeLimit = '0'; }),

  // Containers.
  fx('pod.containers.required', 'no containers', daemonSet, (o) => { pod(o).containers = []; pod(o).volumes = []; }, (o) => { pod(o).containers = [{ name: 'a', image: 'a:1' }]; pod(o).volumes = []; }),
  fx('container.name', 'an upper-case container name', daemonSet, (o) => { main(o).name = 'Agent'; }, (o) => { main(o).name = 'agent-2'; }),
  fx('container.name', 'an init container named like a container', daemonSet, (o) => { pod(o).initContainers[0].name = 'agent'; }, (o) => { pod(o).initContainers[0].name = 'agent-init'; }),
  fx('container.image', 'an empty image', daemonSet, (o) => { pod(o).initContainers[0].image = ''; }, (o) => { pod(o).initContainers[0].image = 'busybox'; }),
  fx('container.image.whitespace', 'an image with a trailing space', daemonSet, (o) => { main(o).image += ' '; }, () => {}),
  fx('container.ports.number', 'a containerPort above 65535', daemonSet, (o) => { main(o).ports[0].containerPort = 70000; }, (o) => { main(o).ports[0].containerPort = 65535; }),
  fx('container.ports.number', 'no containerPort', daemonSet, (o) => { delete main(o).ports[0].containerPort; }, (o) => { main(o).ports[0].containerPort = 1; }),
  fx('container.ports.number', 'a hostPort above 65535', daemonSet, (o) => { main(o).ports[0].hostPort = 70000; }, (o) => { main(o).ports[0].hostPort = 0; }),
  fx('container.ports.name', 'a 16-character port name', daemonSet,
    (o) => { main(o).ports[0].name = 'metrics-endpoint'; main(o).readinessProbe.tcpSocket.port = 9100; },
    (o) => { main(o).ports[0].name = 'metrics-endpoin'; main(o).readinessProbe.tcpSocket.port = 9100; }),
  fx('container.ports.name', 'a port name without a letter', daemonSet, (o) => { main(o).ports.push({ name: '9101', containerPort: 9101 }); }, (o) => { main(o).ports.push({ name: 'p9101', containerPort: 9101 }); }),
  fx('container.ports.name', 'a port name with "--"', daemonSet, (o) => { main(o).ports.push({ name: 'debug--http', containerPort: 9101 }); }, (o) => { main(o).ports.push({ name: 'debug-http', containerPort: 9101 }); }),
  fx('container.ports.name', 'two ports named alike', daemonSet, (o) => { main(o).ports.push({ name: 'metrics', containerPort: 9101 }); }, (o) => { main(o).ports.push({ name: 'metrics-tls', containerPort: 9101 }); }),
  fx('container.ports.protocol', 'protocol HTTP', daemonSet, (o) => { main(o).ports[0].protocol = 'HTTP'; }, (o) => { main(o).ports[0].protocol = 'SCTP'; }),
  fx('pod.host-ports.unique', 'two containers on one host port', daemonSet,
    (o) => { main(o).ports[0].hostPort = 9100; sidecar(o, { name: 'proxy', ports: [{ containerPort: 8080, hostPort: 9100 }] }); },
    (o) => { main(o).ports[0].hostPort = 9100; sidecar(o, { name: 'proxy', ports: [{ containerPort: 8080, hostPort: 9100, protocol: 'UDP' }] }); }),
  fx('pod.host-ports.unique', 'two containers on one port with hostNetwork', daemonSet,
    (o) => { pod(o).hostNetwork = true; pod(o).dnsPolicy = 'ClusterFirstWithHostNet'; sidecar(o, { name: 'proxy', ports: [{ containerPort: 9100 }] }); },
    (o) => { pod(o).hostNetwork = true; pod(o).dnsPolicy = 'ClusterFirstWithHostNet'; sidecar(o, { name: 'proxy', ports: [{ containerPort: 9101 }] }); }),
  fx('pod.host-network.host-port', 'a hostPort unlike the containerPort with hostNetwork', daemonSet,
    (o) => { pod(o).hostNetwork = true; pod(o).dnsPolicy = 'ClusterFirstWithHostNet'; main(o).ports[0].hostPort = 19100; },
    (o) => { pod(o).hostNetwork = false; main(o).ports[0].hostPort = 19100; }),
  fx('container.env.name', 'an env name starting with a digit', daemonSet, (o) => { main(o).env[1].name = '1ST'; }, (o) => { main(o).env[1].name = 'log.level-1'; }),
  fx('container.env.name', 'an env name starting with ".."', daemonSet, (o) => { main(o).env[1].name = '..LEVEL'; }, (o) => { main(o).env[1].name = '.LEVEL'; }),
  fx('container.env.value-from', 'an unsupported fieldPath', daemonSet,
    (o) => { main(o).env[0].valueFrom.fieldRef.fieldPath = 'status.nodeName'; }, (o) => { main(o).env[0].valueFrom.fieldRef.fieldPath = 'status.hostIP'; }),
  fx('container.env.value-from', 'a value beside valueFrom', daemonSet, (o) => { main(o).env[0].value = 'node-1'; }, (o) => { main(o).env[0].value = ''; }),
  fx('container.env.value-from', 'a secretKeyRef key with "/"', daemonSet,
    (o) => { main(o).env[1] = { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'agent', key: 'auth/token' } } }; },
    (o) => { main(o).env[1] = { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'agent', key: 'auth.token' } } }; }),
  fx('container.env.value-from', 'valueFrom without a source', daemonSet, (o) => { main(o).env[1] = { name: 'X', valueFrom: {} }; }, (o) => { main(o).env[1] = { name: 'X' }; }),
  fx('container.env-from', 'envFrom without a source', daemonSet, (o) => { main(o).envFrom = [{ prefix: 'AGENT_' }]; }, (o) => { main(o).envFrom = [{ prefix: 'AGENT_', configMapRef: { name: 'agent-env' } }]; }),
  fx('container.env-from', 'an envFrom prefix starting with a digit', daemonSet,
    (o) => { main(o).envFrom = [{ prefix: '1_', secretRef: { name: 'agent-env' } }]; }, (o) => { main(o).envFrom = [{ prefix: '_1', secretRef: { name: 'agent-env' } }]; }),
  fx('container.volume-mounts.volume', 'a mount of a volume that does not exist', daemonSet,
    (o) => { main(o).volumeMounts.push({ name: 'cache', mountPath: '/cache' }); },
    (o) => { main(o).volumeMounts.push({ name: 'cache', mountPath: '/cache' }); pod(o).volumes.push({ name: 'cache', emptyDir: {} }); }),
  fx('container.volume-mounts.volume', 'a mount of an invalid volume', daemonSet,
    (o) => { volume(o, 'tmp').hostPath = { path: '/tmp' }; }, (o) => { volume(o, 'tmp').emptyDir = {}; }, ['pod.volumes.one-type']),
  fx('container.volume-mounts.path', 'two mounts on one path', daemonSet, (o) => { main(o).volumeMounts[3].mountPath = '/var/log'; }, (o) => { main(o).volumeMounts[3].mountPath = '/var/log/agent'; }),
  fx('container.volume-mounts.path', 'a subPath with ".."', daemonSet, (o) => { main(o).volumeMounts[1].subPath = '../etc'; }, (o) => { main(o).volumeMounts[1].subPath = 'etc'; }),
  fx('container.volume-mounts.path', 'subPath and subPathExpr together', daemonSet,
    (o) => { Object.assign(main(o).volumeMounts[3], { subPath: 'a', subPathExpr: '$(NODE_NAME)' }); }, (o) => { main(o).volumeMounts[3].subPathExpr = '$(NODE_NAME)'; }),
  fx('container.volume-mounts.propagation', 'Bidirectional propagation in an unprivileged container', daemonSet,
    (o) => { main(o).volumeMounts[0].mountPropagation = 'Bidirectional'; }, (o) => { main(o).volumeMounts[0].mountPropagation = 'HostToContainer'; }),
  fx('container.volume-mounts.propagation', 'an unknown propagation', daemonSet,
    (o) => { main(o).volumeMounts[0].mountPropagation = 'Shared'; }, (o) => { main(o).volumeMounts[0].mountPropagation = 'None'; }),
  fx('container.image-pull-policy', 'an unknown pull policy', daemonSet, (o) => { main(o).imagePullPolicy = 'Sometimes'; }, (o) => { main(o).imagePullPolicy = 'Never'; }),
  fx('container.resources.values', 'a negative CPU request', daemonSet, (o) => { main(o).resources.requests.cpu = '-100m'; }, (o) => { main(o).resources.requests.cpu = '100m'; }),
  fx('container.resources.values', 'a quantity that does not parse', daemonSet, (o) => { main(o).resources.requests.cpu = '1 core'; }, (o) => { main(o).resources.requests.cpu = '1'; }),
  fx('container.resources.values', 'a resource name that is neither standard nor extended', daemonSet,
    (o) => { main(o).resources.limits.gpu = '1'; }, (o) => { main(o).resources.limits['nvidia.com/gpu'] = '1'; }),
  fx('container.resources.values', 'half an extended resource', daemonSet,
    (o) => { main(o).resources.limits['nvidia.com/gpu'] = '500m'; }, (o) => { main(o).resources.limits['nvidia.com/gpu'] = '1e0'; }),
  fx('container.resources.requests-within-limits', 'a memory request above its limit', daemonSet,
    (o) => { main(o).resources.requests.memory = '1Gi'; }, (o) => { main(o).resources.requests.memory = '128Mi'; }),
  fx('container.resources.requests-within-limits', 'a request in E above a limit in P', daemonSet,
    (o) => { main(o).resources.requests.memory = '1E'; main(o).resources.limits.memory = '2P'; },
    (o) => { main(o).resources.requests.memory = '2P'; main(o).resources.limits.memory = '1E'; }),
  fx('container.resources.requests-within-limits', 'a CPU request in exponent form above its limit', daemonSet,
    (o) => { main(o).resources.requests.cpu = '3e-3'; main(o).resources.limits.cpu = '2m'; },
    (o) => { main(o).resources.requests.cpu = '1.5e-3'; main(o).resources.limits.cpu = '2m'; }),
  fx('container.resources.requests-within-limits', 'an extended-resource request below its limit', daemonSet,
    (o) => { main(o).resources.requests['nvidia.com/gpu'] = '1'; main(o).resources.limits['nvidia.com/gpu'] = '2'; },
    (o) => { main(o).resources.requests['nvidia.com/gpu'] = '2'; main(o).resources.limits['nvidia.com/gpu'] = '2'; }),
  fx('container.handlers.one', 'a probe with two handlers', daemonSet,
    (o) => { main(o).livenessProbe.exec = { command: ['true'] }; }, (o) => { main(o).livenessProbe = { exec: { command: ['true'] } }; }),
  fx('container.handlers.one', 'a probe without a handler', daemonSet, (o) => { main(o).readinessProbe = { periodSeconds: 5 }; }, (o) => { main(o).readinessProbe = { periodSeconds: 5, grpc: { port: 9100 } }; }),
  fx('container.handlers.one', 'a preStop hook without a handler', daemonSet, (o) => { main(o).lifecycle = { preStop: {} }; }, (o) => { main(o).lifecycle = { preStop: { exec: { command: ['sleep', '5'] } } }; }),
  fx('container.handlers.action', 'an httpGet port name that is too long', daemonSet,
    (o) => { main(o).livenessProbe.httpGet.port = 'metrics-endpoint'; }, (o) => { main(o).livenessProbe.httpGet.port = 'metrics'; }),
  fx('container.handlers.action', 'an exec probe without a command', daemonSet, (o) => { main(o).livenessProbe = { exec: { command: [] } }; }, (o) => { main(o).livenessProbe = { exec: { command: ['true'] } }; }),
  fx('container.handlers.action', 'an httpGet scheme TCP', daemonSet, (o) => { main(o).livenessProbe.httpGet.scheme = 'TCP'; }, (o) => { main(o).livenessProbe.httpGet.scheme = 'HTTPS'; }),
  fx('container.probes.fields', 'a liveness successThreshold of 2', daemonSet, (o) => { main(o).livenessProbe.successThreshold = 2; }, (o) => { main(o).readinessProbe.successThreshold = 2; }),
  fx('container.probes.fields', 'a negative periodSeconds', daemonSet, (o) => { main(o).livenessProbe.periodSeconds = -1; }, (o) => { main(o).livenessProbe.periodSeconds = 0; }),
  fx('container.probes.fields', 'terminationGracePeriodSeconds on a readiness probe', daemonSet,
    (o) => { main(o).readinessProbe.terminationGracePeriodSeconds = 10; }, (o) => { main(o).livenessProbe.terminationGracePeriodSeconds = 10; }),
  fx('init-container.handlers', 'a liveness probe on an init container', daemonSet,
    (o) => { pod(o).initContainers[0].livenessProbe = { exec: { command: ['true'] } }; }, (o) => { main(o).startupProbe = { exec: { command: ['true'] } }; }),

  // Security contexts.
  fx('security-context.privilege-escalation', 'privileged with allowPrivilegeEscalation false', daemonSet,
    (o) => { main(o).securityContext.privileged = true; },
    (o) => { Object.assign(main(o).securityContext, { privileged: true, allowPrivilegeEscalation: true }); }),
  fx('security-context.privilege-escalation', 'CAP_SYS_ADMIN with allowPrivilegeEscalation false', daemonSet,
    (o) => { main(o).securityContext.capabilities.add = ['CAP_SYS_ADMIN']; }, (o) => { main(o).securityContext.capabilities.add = ['SYS_ADMIN']; }),
  fx('security-context.ids', 'a runAsUser above 2^31-1', daemonSet, (o) => { main(o).securityContext.runAsUser = 2147483648; }, (o) => { main(o).securityContext.runAsUser = 2147483647; }),
  fx('security-context.ids', 'a negative fsGroup', daemonSet, (o) => { pod(o).securityContext.fsGroup = -1; }, (o) => { pod(o).securityContext.fsGroup = 0; }),
  fx('security-context.ids', 'a negative supplemental group', daemonSet, (o) => { pod(o).securityContext.supplementalGroups = [-5]; }, (o) => { pod(o).securityContext.supplementalGroups = [5]; }),
  fx('security-context.seccomp', 'a Localhost profile without a path', daemonSet,
    (o) => { pod(o).securityContext.seccompProfile = { type: 'Localhost' }; }, (o) => { pod(o).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/agent.json' }; }),
  fx('security-context.seccomp', 'a localhostProfile with RuntimeDefault', daemonSet,
    (o) => { main(o).securityContext.seccompProfile = { type: 'RuntimeDefault', localhostProfile: 'a.json' }; }, (o) => { main(o).securityContext.seccompProfile = { type: 'Unconfined' }; }),
  fx('security-context.seccomp', 'a seccomp profile without a type', daemonSet, (o) => { main(o).securityContext.seccompProfile = {}; }, (o) => { main(o).securityContext.seccompProfile = { type: 'RuntimeDefault' }; }),
  fx('security-context.enums', 'procMount Masked', daemonSet, (o) => { main(o).securityContext.procMount = 'Masked'; }, (o) => { main(o).securityContext.procMount = 'Default'; }),
  fx('security-context.enums', 'an unknown fsGroupChangePolicy', daemonSet, (o) => { pod(o).securityContext.fsGroupChangePolicy = 'Never'; }, (o) => { pod(o).securityContext.fsGroupChangePolicy = 'Always'; }),

  // Pod scheduling and identity.
  fx('pod.dns-policy', 'an unknown dnsPolicy', daemonSet, (o) => { pod(o).dnsPolicy = 'ClusterFirstWithHost'; }, (o) => { pod(o).dnsPolicy = 'Default'; }),
  fx('pod.dns-policy', 'dnsPolicy None without nameservers', daemonSet, (o) => { pod(o).dnsPolicy = 'None'; }, (o) => { pod(o).dnsPolicy = 'None'; pod(o).dnsConfig = { nameservers: ['10.0.0.10'] }; }),
  fx('pod.node-selector', 'a nodeSelector value with a space', daemonSet, (o) => { pod(o).nodeSelector['kubernetes.io/os'] = 'linux os'; }, (o) => { pod(o).nodeSelector['kubernetes.io/os'] = 'linux'; }),
  fx('pod.tolerations', 'an empty key with operator Equal', daemonSet, (o) => { pod(o).tolerations = [{ operator: 'Equal' }]; }, (o) => { pod(o).tolerations = [{ operator: 'Exists' }]; }),
  fx('pod.tolerations', 'tolerationSeconds without NoExecute', daemonSet,
    (o) => { pod(o).tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }]; },
    (o) => { pod(o).tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]; }),
  fx('pod.tolerations', 'a value with operator Exists', daemonSet, (o) => { pod(o).tolerations = [{ key: 'gpu', operator: 'Exists', value: 'true' }]; }, (o) => { pod(o).tolerations = [{ key: 'gpu', value: 'true' }]; }),
  fx('pod.tolerations', 'an unknown effect', daemonSet, (o) => { pod(o).tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'NoRun' }]; }, (o) => { pod(o).tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'PreferNoSchedule' }]; }),
  fx('pod.tolerations', 'an unknown operator', daemonSet, (o) => { pod(o).tolerations = [{ key: 'gpu', operator: 'In' }]; }, (o) => { pod(o).tolerations = [{ key: 'gpu', operator: 'Equal' }]; }),
  fx('pod.node-affinity', 'operator In without values', daemonSet,
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = []; },
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = ['amd64']; }),
  fx('pod.node-affinity', 'operator Gt with two values', daemonSet,
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions = [{ key: 'example.com/gen', operator: 'Gt', values: ['1', '2'] }]; },
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions = [{ key: 'example.com/gen', operator: 'Gt', values: ['-5'] }]; }),
  fx('pod.node-affinity', 'required affinity without terms', daemonSet,
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = []; },
    (o) => { pod(o).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = [{}]; }),
  fx('pod.node-affinity', 'a preferred weight of 0', daemonSet,
    (o) => { pod(o).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution = [{ weight: 0, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }]; },
    (o) => { pod(o).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution = [{ weight: 100, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }]; }),
  fx('pod.object-references', 'an upper-case serviceAccountName', daemonSet, (o) => { pod(o).serviceAccountName = 'Agent'; }, (o) => { pod(o).serviceAccountName = 'agent.v2'; }),
  fx('pod.object-references', 'a priorityClassName with "_"', daemonSet, (o) => { pod(o).priorityClassName = 'system_node_critical'; }, (o) => { pod(o).priorityClassName = 'system-cluster-critical'; }),

  // Service.
  fx('service.ports.required', 'a ClusterIP Service without ports', service, (o) => { delete o.spec.clusterIP; o.spec.ports = []; }, (o) => { o.spec.ports = []; }),
  fx('service.ports.number', 'port 0', service, (o) => { o.spec.ports[0].port = 0; }, (o) => { o.spec.ports[0].port = 1; }),
  fx('service.ports.number', 'a targetPort above 65535', service, (o) => { o.spec.ports[0].targetPort = 70000; }, (o) => { o.spec.ports[0].targetPort = 65535; }),
  fx('service.ports.number', 'a targetPort name that is not an IANA name', service, (o) => { o.spec.ports[0].targetPort = 'metrics-endpoint'; }, (o) => { o.spec.ports[0].targetPort = 'metrics-http'; }),
  fx('service.ports.name', 'an unnamed port beside another', service,
    (o) => { o.spec.ports.push({ port: 9101, protocol: 'TCP' }); }, (o) => { o.spec.ports.push({ name: 'tls', port: 9101, protocol: 'TCP' }); }),
  fx('service.ports.name', 'an upper-case port name', service, (o) => { o.spec.ports[0].name = 'Metrics'; }, (o) => { delete o.spec.ports[0].name; }),
  fx('service.ports.name', 'two ports named alike', service, (o) => { o.spec.ports.push({ name: 'metrics', port: 9101 }); }, (o) => { o.spec.ports.push({ name: 'metrics-2', port: 9101 }); }),
  fx('service.ports.protocol', 'protocol HTTP', service, (o) => { o.spec.ports[0].protocol = 'HTTP'; }, (o) => { o.spec.ports[0].protocol = 'UDP'; }),
  fx('service.ports.unique', 'one port and protocol twice', service, (o) => { o.spec.ports.push({ name: 'again', port: 9100 }); }, (o) => { o.spec.ports.push({ name: 'again', port: 9100, protocol: 'UDP' }); }),
  fx('service.selector-and-type', 'a selector value with a space', service, (o) => { o.spec.selector.tier = 'node agent'; }, (o) => { o.spec.selector.tier = 'node-agent'; }),
  fx('service.selector-and-type', 'an unknown type', service, (o) => { o.spec.type = 'Headless'; }, (o) => { o.spec.type = 'ClusterIP'; }),

  // NetworkPolicy.
  fx('network-policy.ports', 'port 0', networkPolicy, (o) => { o.spec.ingress[0].ports[0].port = 0; }, (o) => { o.spec.ingress[0].ports[0].port = 'metrics'; }),
  fx('network-policy.ports', 'an endPort below its port', networkPolicy, (o) => { o.spec.ingress[0].ports[0].endPort = 9000; }, (o) => { o.spec.ingress[0].ports[0].endPort = 9100; }),
  fx('network-policy.ports', 'an endPort with a named port', networkPolicy,
    (o) => { Object.assign(o.spec.ingress[0].ports[0], { port: 'metrics', endPort: 9200 }); }, (o) => { o.spec.ingress[0].ports[0].endPort = 9200; }),
  fx('network-policy.ports', 'protocol ICMP', networkPolicy, (o) => { o.spec.ingress[0].ports[0].protocol = 'ICMP'; }, (o) => { delete o.spec.ingress[0].ports[0].protocol; }),
  fx('network-policy.peers', 'a peer without selectors', networkPolicy, (o) => { o.spec.ingress[0].from = [{}]; }, (o) => { o.spec.ingress[0].from = [{ podSelector: {} }]; }),
  fx('network-policy.peers', 'an ipBlock beside a podSelector', networkPolicy,
    (o) => { o.spec.ingress[0].from = [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }]; }, (o) => { o.spec.ingress[0].from = [{ ipBlock: { cidr: '10.0.0.0/8' } }, { podSelector: {} }]; }),
  fx('network-policy.policy-types', 'an unknown policy type', networkPolicy, (o) => { o.spec.policyTypes = ['Inbound']; }, (o) => { o.spec.policyTypes = ['Ingress', 'Egress']; }),
  fx('network-policy.policy-types', 'three policy types', networkPolicy, (o) => { o.spec.policyTypes = ['Ingress', 'Egress', 'Ingress']; }, (o) => { o.spec.policyTypes = ['Egress']; }),

  // ConfigMap.
  fx('config-map.keys', 'a key with "/"', configMap, (o) => { o.data['conf/fluent-bit.conf'] = 'x'; }, (o) => { o.data['conf_fluent-bit.conf'] = 'x'; }),
  fx('config-map.keys', 'a key starting with ".."', configMap, (o) => { o.data['..conf'] = 'x'; }, (o) => { o.data['.conf'] = 'x'; }),
  fx('config-map.keys', 'a key in data and binaryData', configMap, (o) => { o.binaryData = { 'fluent-bit.conf': 'AA==' }; }, (o) => { o.binaryData = { 'parsers.bin': 'AA==' }; }),
  fx('config-map.size', 'data above 1 MiB', configMap, (o) => { o.data['fluent-bit.conf'] = 'x'.repeat(1024 * 1024 + 1); }, (o) => { o.data['fluent-bit.conf'] = 'x'.repeat(1024 * 1024); }),

  // RBAC.
  fx('rbac.rules', 'a rule without verbs', clusterRole, (o) => { o.rules[0].verbs = []; }, (o) => { o.rules[0].verbs = ['get']; }),
  fx('rbac.rules', 'a rule without apiGroups', clusterRole, (o) => { delete o.rules[0].apiGroups; }, (o) => { o.rules[0].apiGroups = ['*']; }),
  fx('rbac.rules', 'nonResourceURLs beside resources', clusterRole,
    (o) => { o.rules[0].nonResourceURLs = ['/metrics']; }, (o) => { o.rules.push({ nonResourceURLs: ['/metrics'], verbs: ['get'] }); }),
  fx('rbac.rules', 'nonResourceURLs in a Role', role, (o) => { o.rules = [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]; }, (o) => { o.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]; }),
  fx('rbac.role-ref', 'a ClusterRoleBinding to a Role', clusterRoleBinding, (o) => { o.roleRef.kind = 'Role'; }, (o) => { o.roleRef.name = 'Fluent Bit'; }),
  fx('rbac.role-ref', 'a roleRef in another API group', clusterRoleBinding, (o) => { o.roleRef.apiGroup = 'rbac'; }, (o) => { o.roleRef.name = 'system:node-proxier'; }),
  fx('rbac.subjects', 'a ServiceAccount subject without a namespace', clusterRoleBinding, (o) => { delete o.subjects[0].namespace; }, (o) => { o.subjects[0].namespace = 'default'; }),
  fx('rbac.subjects', 'an unknown subject kind', clusterRoleBinding, (o) => { o.subjects.push({ kind: 'Robot', name: 'r2' }); }, (o) => { o.subjects.push({ kind: 'User', name: 'r2' }); }),
  fx('rbac.subjects', 'an upper-case ServiceAccount subject', clusterRoleBinding, (o) => { o.subjects[0].name = 'Fluent_Bit'; }, (o) => { o.subjects[0].name = 'fluent-bit.v2'; }),
  fx('rbac.subjects', 'a Group subject with the core API group', clusterRoleBinding,
    (o) => { o.subjects.push({ kind: 'Group', name: 'system:nodes', apiGroup: 'v1' }); },
    (o) => { o.subjects.push({ kind: 'Group', name: 'system:nodes', apiGroup: 'rbac.authorization.k8s.io' }); }),

  // Kubelet.
  fx('kubelet.run-as-non-root', 'runAsNonRoot with runAsUser 0', daemonSet,
    (o) => { main(o).securityContext.runAsUser = 0; }, (o) => { Object.assign(main(o).securityContext, { runAsUser: 0, runAsNonRoot: false }); }),
  fx('kubelet.run-as-non-root', 'pod-level runAsNonRoot with a container runAsUser 0', daemonSet,
    (o) => { delete main(o).securityContext.runAsNonRoot; main(o).securityContext.runAsUser = 0; },
    (o) => { delete main(o).securityContext.runAsNonRoot; }),
  fx('kubelet.volume-item-key', 'a ConfigMap item key with "/"', daemonSet,
    (o) => { volume(o, 'config').configMap.items[0].key = 'conf/agent.yaml'; }, (o) => { volume(o, 'config').configMap.items[0].key = 'conf_agent.yaml'; }),
  fx('kubelet.volume-item-key', 'a Secret item key with a space', daemonSet,
    (o) => { volume(o, 'credentials').secret.items = [{ key: 'api token', path: 'token' }]; },
    (o) => { Object.assign(volume(o, 'credentials').secret, { optional: true, items: [{ key: 'api token', path: 'token' }] }); }),
  fx('kubelet.host-network-dns', 'hostNetwork with the default dnsPolicy', daemonSet,
    (o) => { pod(o).hostNetwork = true; delete pod(o).dnsPolicy; }, (o) => { pod(o).hostNetwork = true; pod(o).dnsPolicy = 'ClusterFirstWithHostNet'; }),

  // Pod settings of issue 13.
  fx('pod.host-users', 'hostUsers false with hostPID', daemonSet, (o) => { Object.assign(pod(o), { hostUsers: false, hostPID: true }); }, (o) => { Object.assign(pod(o), { hostUsers: false, hostPID: false }); }),
  fx('pod.host-users', 'hostUsers false with hostNetwork', daemonSet,
    (o) => { Object.assign(pod(o), { hostUsers: false, hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }); },
    (o) => { Object.assign(pod(o), { hostUsers: true, hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }); }),
  fx('pod.host-aliases', 'an IP address with an octet above 255', daemonSet,
    (o) => { pod(o).hostAliases = [{ ip: '10.0.0.256', hostnames: ['logs'] }]; }, (o) => { pod(o).hostAliases = [{ ip: 'fd00::1', hostnames: ['logs'] }]; }),
  fx('pod.host-aliases', 'a host name with "_"', daemonSet,
    (o) => { pod(o).hostAliases = [{ ip: '10.0.0.1', hostnames: ['log_store'] }]; }, (o) => { pod(o).hostAliases = [{ ip: '10.0.0.1', hostnames: ['log-store.internal'] }]; }),
  fx('pod.dns-config', 'four nameservers', daemonSet,
    (o) => { pod(o).dnsConfig = { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] }; }, (o) => { pod(o).dnsConfig = { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8'] }; }),
  fx('pod.dns-config', 'a nameserver that is a host name', daemonSet,
    (o) => { pod(o).dnsConfig = { nameservers: ['dns.example.com'] }; }, (o) => { pod(o).dnsConfig = { nameservers: ['10.96.0.10'] }; }),
  fx('pod.dns-config', '33 search domains', daemonSet,
    (o) => { pod(o).dnsConfig = { searches: Array.from({ length: 33 }, (_, i) => `d${i}.example.com`) }; },
    (o) => { pod(o).dnsConfig = { searches: Array.from({ length: 32 }, (_, i) => `d${i}.example.com.`) }; }),
  fx('pod.dns-config', 'an option without a name', daemonSet,
    (o) => { pod(o).dnsConfig = { options: [{ value: '2' }] }; }, (o) => { pod(o).dnsConfig = { options: [{ name: 'ndots', value: '2' }] }; }),
  fx('pod.volumes.projected-token', 'a token that expires after 5 minutes', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 300 } }] } }); },
    (o) => { pod(o).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 600 } }] } }); }),
  fx('pod.volumes.projected-token', 'an absolute token path', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: '/token' } }] } }); },
    (o) => { pod(o).volumes.push({ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'vault/token', audience: 'vault' } }] } }); }),
  fx('pod.volumes.csi', 'a CSI driver name with "_"', daemonSet,
    (o) => { pod(o).volumes.push({ name: 'secrets', csi: { driver: 'secrets_store' } }); },
    (o) => { pod(o).volumes.push({ name: 'secrets', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, nodePublishSecretRef: { name: 'creds' } } }); }),
  fx('container.restart-policy', 'restartPolicy on a regular container', daemonSet,
    (o) => { main(o).restartPolicy = 'Always'; }, (o) => { pod(o).initContainers[0].restartPolicy = 'Always'; }),
  fx('container.restart-policy', 'an init container restartPolicy other than Always', daemonSet,
    (o) => { pod(o).initContainers[0].restartPolicy = 'OnFailure'; }, (o) => { pod(o).initContainers[0].restartPolicy = 'Always'; }),
];
