/**
 * The same agent as the library's core `DaemonSet` with only `image` and `name` given (a
 * ServiceAccount plus a DaemonSet), written the three other ways a cdk8s user could write it:
 * plain objects, the L1 classes, and cdk8s-plus-28 by hand. `synthesis.ts` checks that all four
 * synthesize the same YAML (apart from the `cdk8s.io/metadata.addr` pod label cdk8s-plus adds),
 * so that the comparison is of the cost of producing one and the same manifest.
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export const IMAGE = 'registry.example.com/agent:1.2.3';
export const NAMESPACE = 'default';

/** The labels the core puts on every object and pod. */
export function agentLabels(name: string): { [key: string]: string } {
  return {
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/managed-by': 'cdk8s',
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/version': '1.2.3',
  };
}

/**
 * The required node affinity the core adds by default (`excludeVirtualNodes`): no EKS Fargate or
 * virtual-kubelet node. A fresh object at each use (see `plainObjects`).
 */
function virtualNodeExclusion() {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{
          matchExpressions: [
            { key: 'eks.amazonaws.com/compute-type', operator: 'NotIn', values: ['fargate'] },
            { key: 'type', operator: 'NotIn', values: ['virtual-kubelet'] },
          ],
        }],
      },
    },
  };
}

function selectorLabels(name: string): { [key: string]: string } {
  return { 'app.kubernetes.io/instance': name, 'app.kubernetes.io/name': name };
}

/** The floor: the two objects as plain data, keys in the order cdk8s writes them. */
export function plainObjects(name: string): unknown[] {
  // A fresh labels object at each use: `yaml` writes an object seen twice as an anchor and alias.
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { labels: agentLabels(name), name, namespace: NAMESPACE },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { labels: agentLabels(name), name, namespace: NAMESPACE },
      spec: {
        minReadySeconds: 0,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selectorLabels(name) },
        template: {
          metadata: { labels: agentLabels(name) },
          spec: {
            affinity: virtualNodeExclusion(),
            automountServiceAccountToken: false,
            containers: [{
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              name,
              resources: { limits: { memory: '128Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsGroup: 65534,
                runAsNonRoot: true,
                runAsUser: 65534,
                seccompProfile: { type: 'RuntimeDefault' },
              },
            }],
            dnsPolicy: 'ClusterFirst',
            hostIPC: false,
            hostNetwork: false,
            hostPID: false,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            restartPolicy: 'Always',
            securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
            serviceAccountName: name,
            setHostnameAsFQDN: false,
            terminationGracePeriodSeconds: 30,
            tolerations: [{ operator: 'Exists' }],
          },
        },
        updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
      },
    },
  ];
}

/** The L1 classes (`KubeServiceAccount`, `KubeDaemonSet`), as `cdk8s import` generates them. */
export function l1Objects(scope: Construct, name: string): void {
  const labels = agentLabels(name);
  new k8s.KubeServiceAccount(scope, `${name}-sa`, {
    metadata: { labels, name, namespace: NAMESPACE },
    automountServiceAccountToken: false,
  });
  new k8s.KubeDaemonSet(scope, name, {
    metadata: { labels, name, namespace: NAMESPACE },
    spec: {
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selectorLabels(name) },
      template: {
        metadata: { labels },
        spec: {
          affinity: virtualNodeExclusion(),
          automountServiceAccountToken: false,
          containers: [{
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            name,
            resources: {
              limits: { memory: k8s.Quantity.fromString('128Mi') },
              requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsGroup: 65534,
              runAsNonRoot: true,
              runAsUser: 65534,
              seccompProfile: { type: 'RuntimeDefault' },
            },
          }],
          dnsPolicy: 'ClusterFirst',
          hostIpc: false,
          hostNetwork: false,
          hostPid: false,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          restartPolicy: 'Always',
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
          serviceAccountName: name,
          setHostnameAsFqdn: false,
          terminationGracePeriodSeconds: 30,
          tolerations: [{ operator: 'Exists' }],
        },
      },
      updateStrategy: {
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) },
        type: 'RollingUpdate',
      },
    },
  });
}

/**
 * cdk8s-plus-28 by hand: its DaemonSet and ServiceAccount with the same settings, and JSON
 * patches for the fields it does not model (what the core does, without the input checks).
 */
export function plusObjects(scope: Construct, name: string): void {
  const labels = agentLabels(name);
  const serviceAccount = new kplus.ServiceAccount(scope, `${name}-sa`, {
    metadata: { name, namespace: NAMESPACE, labels },
    automountToken: false,
  });
  const ds = new kplus.DaemonSet(scope, name, {
    metadata: { name, namespace: NAMESPACE, labels },
    podMetadata: { labels },
    select: false,
    minReadySeconds: 0,
    containers: [{
      name,
      image: IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      envVariables: { NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      resources: {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
      },
      securityContext: {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        ensureNonRoot: true,
        user: 65534,
        group: 65534,
        capabilities: { drop: [kplus.Capability.ALL] },
        seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
      },
    }],
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true },
    hostNetwork: false,
    dns: { policy: kplus.DnsPolicy.CLUSTER_FIRST },
    terminationGracePeriod: Duration.seconds(30),
    isolate: false,
  });
  ds.select(kplus.LabelSelector.of({ labels: selectorLabels(name) }));
  const api = ApiObject.of(ds);
  api.addJsonPatch(
    JsonPatch.add('/spec/updateStrategy', {
      rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) },
      type: 'RollingUpdate',
    }),
    JsonPatch.add('/spec/revisionHistoryLimit', 10),
    JsonPatch.add('/spec/template/spec/hostPid', false),
    JsonPatch.add('/spec/template/spec/hostIpc', false),
    JsonPatch.add('/spec/template/spec/nodeSelector', { 'kubernetes.io/os': 'linux' }),
    JsonPatch.add('/spec/template/spec/tolerations', [{ operator: 'Exists' }]),
    JsonPatch.add('/spec/template/spec/affinity', virtualNodeExclusion()),
  );
}

/** cdk8s-plus-28's DaemonSet with its own defaults: one container, an image, nothing else. */
export function plusDefaults(scope: Construct, name: string): void {
  new kplus.DaemonSet(scope, name, { metadata: { name }, containers: [{ image: IMAGE }] });
}
