import { JsonPatch, Size } from 'cdk8s';
import { Capability, Cpu, EnvFieldPaths, EnvValue, HostPathVolumeType, ImagePullPolicy, MountPropagation, Probe, Protocol, SeccompProfileType, TaintEffect } from 'cdk8s-plus-28';
import {
  AgentVolume, DaemonSet, HostMount, IntOrPercent, NodeAffinityTerm, NodeRequirement, Toleration, UpdateStrategy,
} from '../src';
import { container, newChart, only, podSpec, synth, synthAgent, VIRTUAL_NODES_EXCLUDED } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

describe('DaemonSet defaults', () => {
  // GIVEN only an image
  const chart = newChart();
  const ds = new DaemonSet(chart, 'agent', { image: IMAGE });
  // WHEN
  const { objects, daemonSet, spec, main } = synthAgent(chart);

  test('creates exactly a ServiceAccount and a DaemonSet', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
  });

  test('names the objects after the construct id, in the default namespace', () => {
    expect(daemonSet.metadata.name).toBe('agent');
    expect(daemonSet.metadata.namespace).toBe('default');
    expect(ds.name).toBe('agent');
    expect(ds.namespace).toBe('default');
  });

  test('labels every object with app.kubernetes.io labels and selects on name and instance only', () => {
    const labels = {
      'app.kubernetes.io/name': 'agent',
      'app.kubernetes.io/instance': 'agent',
      'app.kubernetes.io/version': '1.2.3',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    expect(daemonSet.metadata.labels).toEqual(labels);
    expect(only(objects, 'ServiceAccount').metadata.labels).toEqual(labels);
    expect(daemonSet.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' } });
    expect(daemonSet.spec.template.metadata.labels).toMatchObject(labels);
  });

  test('rolls out one node at a time with no surge and keeps 10 revisions', () => {
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(daemonSet.spec.revisionHistoryLimit).toBe(10);
    expect(daemonSet.spec.minReadySeconds).toBe(0);
  });

  test('runs on Linux nodes and tolerates every taint', () => {
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    // Nodes that cannot run DaemonSet pods (Fargate, virtual-kubelet) are excluded.
    expect(spec.affinity).toEqual({
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
    });
  });

  test('shares no host namespace and uses cluster DNS', () => {
    expect(spec.hostNetwork).toBe(false);
    expect(spec.hostPID).toBe(false);
    expect(spec.hostIPC).toBe(false);
    expect(spec.dnsPolicy).toBe('ClusterFirst');
    expect(spec.priorityClassName).toBeUndefined();
    expect(spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('runs as a dedicated ServiceAccount without a token', () => {
    expect(spec.serviceAccountName).toBe('agent');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objects.find((o) => o.kind === 'ClusterRole')).toBeUndefined();
  });

  test('locks the container down: non-root 65534, drop ALL, no escalation, read-only root, RuntimeDefault seccomp', () => {
    expect(main.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.securityContext.runAsNonRoot).toBe(true);
  });

  test('pulls the pinned image only if not present and names the container after the DaemonSet', () => {
    expect(main.image).toBe(IMAGE);
    expect(main.imagePullPolicy).toBe('IfNotPresent');
    expect(main.name).toBe('agent');
  });

  test('requests small resources with a memory limit and no CPU limit', () => {
    expect(main.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });

  test('passes NODE_NAME from spec.nodeName', () => {
    expect(main.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  test('has no ports, probes, mounts or volumes', () => {
    expect(main.ports).toBeUndefined();
    expect(main.livenessProbe).toBeUndefined();
    expect(main.readinessProbe).toBeUndefined();
    expect(main.startupProbe).toBeUndefined();
    expect(main.volumeMounts).toBeUndefined();
    expect(spec.volumes).toBeUndefined();
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers).toHaveLength(1);
  });

  test('exposes the chosen defaults as fields', () => {
    expect(ds.updateStrategy.type).toBe('RollingUpdate');
    expect(ds.updateStrategy.maxUnavailable?.toString()).toBe('1');
    expect(ds.tolerations.map((t) => t.operator)).toEqual(['Exists']);
    expect(ds.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(ds.hostNetwork).toBe(false);
    expect(ds.workload.minReadySeconds).toBe(0);
  });

  test('synthesizes byte-identical YAML on every run', () => {
    const render = () => {
      const c = newChart();
      new DaemonSet(c, 'agent', { image: IMAGE, hostMounts: [HostMount.readOnly('/sys')], rbacRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
      return JSON.stringify(synth(c));
    };
    expect(render()).toEqual(render());
  });
});

describe('DaemonSet overrides', () => {
  test('takes the chart namespace when no namespace is given', () => {
    const chart = newChart({ namespace: 'monitoring' });
    new DaemonSet(chart, 'agent', { image: IMAGE, rbacRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] });
    const objects = synth(chart);
    expect(only(objects, 'DaemonSet').metadata.namespace).toBe('monitoring');
    expect(only(objects, 'ServiceAccount').metadata.namespace).toBe('monitoring');
    // cluster-scoped objects carry no namespace, and the binding names the ServiceAccount's
    expect(only(objects, 'ClusterRole').metadata.namespace).toBeUndefined();
    expect(only(objects, 'ClusterRoleBinding').metadata.namespace).toBeUndefined();
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent', namespace: 'monitoring' }]);
  });

  test('derives a valid name from any construct id', () => {
    const chart = newChart();
    new DaemonSet(chart, 'My_Log Agent', { image: IMAGE });
    expect(only(synth(chart), 'DaemonSet').metadata.name).toBe('my-log-agent');
  });

  test('applies name, namespace, labels, annotations, component and change cause', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      name: 'collector',
      namespace: 'logging',
      component: 'logging',
      labels: { 'team': 'platform', 'app.kubernetes.io/part-of': 'observability' },
      annotations: { 'example.com/owner': 'platform' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
      changeCause: 'upgrade to 1.2.3',
    });
    const ds = only(synth(chart), 'DaemonSet');
    expect(ds.metadata.name).toBe('collector');
    expect(ds.metadata.namespace).toBe('logging');
    expect(ds.metadata.labels).toMatchObject({ 'team': 'platform', 'app.kubernetes.io/part-of': 'observability', 'app.kubernetes.io/component': 'logging', 'app.kubernetes.io/name': 'collector' });
    expect(ds.metadata.annotations).toEqual({ 'example.com/owner': 'platform', 'kubernetes.io/change-cause': 'upgrade to 1.2.3' });
    expect(ds.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(ds.spec.template.metadata.labels.team).toBe('platform');
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'collector', 'app.kubernetes.io/instance': 'collector' });
  });

  test('user labels win over the defaults, and the selector follows them', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, labels: { 'app.kubernetes.io/name': 'fluent-bit' } });
    const ds = only(synth(chart), 'DaemonSet');
    expect(ds.spec.selector.matchLabels['app.kubernetes.io/name']).toBe('fluent-bit');
    expect(ds.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('fluent-bit');
  });

  test('omits the version label for a digest-only image', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: `registry.example.com/agent@sha256:${'a'.repeat(64)}` });
    expect(only(synth(chart), 'DaemonSet').metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test('sets command, args, env in order, ports and pull policy', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      command: ['/agent'],
      args: ['--verbose', '--port=9100'],
      env: { LOG_LEVEL: EnvValue.fromValue('info'), HOST_IP: EnvValue.fromFieldRef(EnvFieldPaths.NODE_IP) },
      ports: [{ containerPort: 9100, name: 'metrics' }, { containerPort: 8125, protocol: Protocol.UDP, hostPort: 8125, name: 'statsd' }],
    });
    const main = container(synth(chart));
    expect(main.imagePullPolicy).toBe('Always');
    expect(main.command).toEqual(['/agent']);
    expect(main.args).toEqual(['--verbose', '--port=9100']);
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'LOG_LEVEL', 'HOST_IP']);
    expect(main.env[1]).toEqual({ name: 'LOG_LEVEL', value: 'info' });
    expect(main.ports).toEqual([
      { containerPort: 9100, name: 'metrics', protocol: 'TCP' },
      { containerPort: 8125, name: 'statsd', hostPort: 8125, protocol: 'UDP' },
    ]);
  });

  test('a user NODE_NAME replaces the default one', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, env: { NODE_NAME: EnvValue.fromValue('fixed') } });
    expect(container(synth(chart)).env).toEqual([{ name: 'NODE_NAME', value: 'fixed' }]);
  });

  test('mounts host paths read-only by default, with type, mount path and propagation', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      hostMounts: [
        HostMount.readOnly('/', { mountPath: '/host/root', propagation: MountPropagation.HOST_TO_CONTAINER }),
        HostMount.readOnly('/var/log'),
        HostMount.readWrite('/var/lib/agent', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, mountPath: '/state' }),
      ],
      // Root (without capabilities): the logs and the created state directory are root's.
      runAsUser: 0,
    });
    const objects = synth(chart);
    expect(container(objects).volumeMounts).toEqual([
      { name: 'host-root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'host-var-log', mountPath: '/var/log', readOnly: true },
      { name: 'host-var-lib-agent', mountPath: '/state', readOnly: false },
    ]);
    expect(podSpec(objects).volumes).toEqual([
      { name: 'host-root', hostPath: { path: '/', type: 'Directory' } },
      { name: 'host-var-log', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'host-var-lib-agent', hostPath: { path: '/var/lib/agent', type: 'DirectoryOrCreate' } },
    ]);
  });

  test('derives valid, stable volume names for long and unusual host paths', () => {
    const long = `/var/lib/${'very-long-directory-name/'.repeat(5)}state`;
    const a = HostMount.readOnly(long);
    expect(a.volumeName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(a.volumeName.length).toBeLessThanOrEqual(63);
    expect(HostMount.readOnly(long).volumeName).toBe(a.volumeName);
    expect(HostMount.readOnly(`${long}2`).volumeName).not.toBe(a.volumeName);
    expect(HostMount.readOnly('/run/containerd/containerd.sock').volumeName).toBe('host-run-containerd-containerd-sock');
  });

  test('shares one volume when several containers mount the same host path', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      hostMounts: [HostMount.readOnly('/dev')],
      initContainers: [{ name: 'setup', image: IMAGE, hostMounts: [HostMount.readOnly('/dev')] }],
    });
    const spec = podSpec(synth(chart));
    expect(spec.volumes).toEqual([{ name: 'host-dev', hostPath: { path: '/dev', type: 'Directory' } }]);
  });

  test('tolerations: every Kubernetes form', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      tolerations: [
        Toleration.equal('dedicated', 'logging', { effect: TaintEffect.NO_SCHEDULE }),
        Toleration.exists('nvidia.com/gpu'),
        Toleration.exists('node.kubernetes.io/unreachable', { effect: TaintEffect.NO_EXECUTE, tolerationSeconds: 300 }),
        Toleration.allWithEffect(TaintEffect.NO_SCHEDULE),
        ...Toleration.controlPlane(),
      ],
    });
    expect(podSpec(synth(chart)).tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'logging', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      // An empty key with Exists matches every key (cdk8s-plus's NodeTaintQuery writes it; the API server stores it as absent).
      { key: '', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  test('tolerations: [] tolerates nothing', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, tolerations: [] });
    expect(podSpec(synth(chart)).tolerations).toBeUndefined();
  });

  test('node selector replaces the default; required affinity has every operator, terms ORed', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      nodeSelector: { 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'g5.xlarge' },
      requiredNodeAffinity: [
        NodeAffinityTerm.allOf(
          NodeRequirement.in('topology.kubernetes.io/zone', ['a', 'b']),
          NodeRequirement.notIn('pool', ['spot']),
          NodeRequirement.exists('gpu'),
          NodeRequirement.doesNotExist('excluded'),
          NodeRequirement.gt('gpu-count', 0),
          NodeRequirement.lt('cores', 128),
        ),
        NodeAffinityTerm.allOf(NodeRequirement.exists('always-run')),
      ],
    });
    const spec = podSpec(synth(chart));
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'g5.xlarge' });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] },
          { key: 'pool', operator: 'NotIn', values: ['spot'] },
          { key: 'gpu', operator: 'Exists' },
          { key: 'excluded', operator: 'DoesNotExist' },
          { key: 'gpu-count', operator: 'Gt', values: ['0'] },
          { key: 'cores', operator: 'Lt', values: ['128'] },
          ...VIRTUAL_NODES_EXCLUDED,
        ],
      },
      // The exclusion of virtual nodes is ANDed into every (ORed) term.
      { matchExpressions: [{ key: 'always-run', operator: 'Exists' }, ...VIRTUAL_NODES_EXCLUDED] },
    ]);
  });

  test('excludeVirtualNodes: false leaves the affinity to the user', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, excludeVirtualNodes: false });
    expect(podSpec(synth(chart)).affinity).toBeUndefined();
  });

  test('update strategy: percentages, surge, OnDelete, minReadySeconds, history', () => {
    const render = (updateStrategy: UpdateStrategy) => {
      const chart = newChart();
      new DaemonSet(chart, 'agent', { image: IMAGE, updateStrategy, minReadySeconds: 10, revisionHistoryLimit: 3 });
      return only(synth(chart), 'DaemonSet').spec;
    };
    const rolling = render(UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.percent(10), maxSurge: IntOrPercent.absolute(0) }));
    expect(rolling.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
    expect(rolling.minReadySeconds).toBe(10);
    expect(rolling.revisionHistoryLimit).toBe(3);
    const surge = render(UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(0), maxSurge: IntOrPercent.percent(25) }));
    expect(surge.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: '25%' });
    expect(render(UpdateStrategy.onDelete()).updateStrategy).toEqual({ type: 'OnDelete' });
    // a surge alone implies no unavailable pod (Kubernetes allows only one of the two non-zero)
    const surgeOnly = render(UpdateStrategy.rollingUpdate({ maxSurge: IntOrPercent.absolute(1) }));
    expect(surgeOnly.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  test('host namespaces, priority class and grace period', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      hostNetwork: true,
      hostPid: true,
      hostIpc: true,
      priorityClassName: 'system-node-critical',
      terminationGracePeriodSeconds: 5,
      ports: [{ containerPort: 9100, name: 'metrics' }],
    });
    const spec = podSpec(synth(chart));
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.hostPID).toBe(true);
    expect(spec.hostIPC).toBe(true);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(spec.terminationGracePeriodSeconds).toBe(5);
  });

  test('container security overrides', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      runAsUser: 0,
      runAsGroup: 0,
      readOnlyRootFilesystem: false,
      addCapabilities: [Capability.NET_ADMIN, Capability.SYS_PTRACE],
      seccompProfile: { type: SeccompProfileType.UNCONFINED },
    });
    const objects = synth(chart);
    expect(container(objects).securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_PTRACE'] },
      seccompProfile: { type: 'Unconfined' },
    });
    expect(podSpec(objects).securityContext.runAsNonRoot).toBe(false);
  });

  test('privileged runs as root and allows escalation, as the API server requires', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, privileged: true });
    expect(container(synth(chart)).securityContext).toEqual({
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('adding SYS_ADMIN allows privilege escalation', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, runAsUser: 0, addCapabilities: [Capability.SYS_ADMIN] });
    expect(container(synth(chart)).securityContext.allowPrivilegeEscalation).toBe(true);
  });

  test('resources: each part given replaces that part of the default', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, resources: { memory: { request: Size.mebibytes(200), limit: Size.mebibytes(400) } } });
    expect(container(synth(chart)).resources).toEqual({ requests: { cpu: '50m', memory: '200Mi' }, limits: { memory: '400Mi' } });
    const chart2 = newChart();
    new DaemonSet(chart2, 'agent', { image: IMAGE, resources: { cpu: { request: Cpu.millis(100), limit: Cpu.millis(500) } } });
    expect(container(synth(chart2)).resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  });

  test('probes: HTTP, TCP and exec', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      ports: [{ containerPort: 2020, name: 'http' }],
      liveness: Probe.fromHttpGet('/', { port: 2020 }),
      readiness: Probe.fromTcpSocket({ port: 2020 }),
      startup: Probe.fromCommand(['cat', '/tmp/ready'], { failureThreshold: 30 }),
    });
    const main = container(synth(chart));
    expect(main.livenessProbe.httpGet).toEqual({ path: '/', port: 2020, scheme: 'HTTP' });
    expect(main.readinessProbe.tcpSocket).toEqual({ port: 2020 });
    expect(main.startupProbe.exec).toEqual({ command: ['cat', '/tmp/ready'] });
    expect(main.startupProbe.failureThreshold).toBe(30);
  });

  test('init containers, sidecars and ConfigMap, Secret and emptyDir volumes', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      volumes: [
        AgentVolume.fromConfigMap('config', 'agent-config'),
        AgentVolume.fromSecret('tls', 'agent-tls', { items: { 'tls.crt': 'cert.pem' } }),
        AgentVolume.fromEmptyDir('scratch', { sizeLimit: Size.mebibytes(64) }),
      ],
      volumeMounts: [{ volumeName: 'config', mountPath: '/etc/agent' }, { volumeName: 'tls', mountPath: '/etc/tls' }, { volumeName: 'scratch', mountPath: '/tmp', readOnly: false }],
      initContainers: [{ name: 'install', image: 'registry.example.com/installer:2.0.0', privileged: true, hostMounts: [HostMount.readWrite('/opt/agent', { type: HostPathVolumeType.DIRECTORY_OR_CREATE })] }],
      sidecars: [{ name: 'reloader', image: 'registry.example.com/reloader:0.4.0', volumeMounts: [{ volumeName: 'config', mountPath: '/config' }] }],
    });
    const objects = synth(chart);
    const spec = podSpec(objects);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['agent', 'reloader']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['install']);
    expect(spec.initContainers[0].securityContext.privileged).toBe(true);
    // the sidecar gets the same safe defaults as the agent
    expect(spec.containers[1].securityContext).toMatchObject({ privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(spec.containers[1].imagePullPolicy).toBe('IfNotPresent');
    expect(spec.containers[1].resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(spec.containers[1].env).toBeUndefined();
    // the pod is not forced non-root, because the init container runs as root
    expect(spec.securityContext.runAsNonRoot).toBe(false);
    const byName = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(byName.config.configMap).toEqual({ name: 'agent-config', defaultMode: 0o444 });
    // Group-readable, and the group is the agent's: the kubelet writes the files as root.
    expect(byName.tls.secret).toEqual({ secretName: 'agent-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'cert.pem' }] });
    expect(spec.securityContext.fsGroup).toBe(65534);
    expect(byName.scratch.emptyDir).toEqual({ sizeLimit: '64Mi' });
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/agent', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'scratch', mountPath: '/tmp', readOnly: false },
    ]);
  });

  test('RBAC: rules create a ClusterRole and binding and mount the token', () => {
    const chart = newChart();
    const ds = new DaemonSet(chart, 'agent', {
      image: IMAGE,
      namespace: 'logging',
      rbacRules: [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
    });
    const objects = synth(chart);
    expect(only(objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
    // Cluster-scoped names carry the namespace: another "agent" elsewhere keeps its own role.
    expect(only(objects, 'ClusterRole').metadata.name).toBe('logging:agent');
    expect(only(objects, 'ClusterRoleBinding').metadata.name).toBe('logging:agent');
    expect(only(objects, 'ClusterRoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'logging:agent' });
    expect(only(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent', namespace: 'logging' }]);
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
    expect(ds.clusterRole).toBeDefined();
  });

  test('an existing ServiceAccount is used, not created', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE, serviceAccountName: 'shared-agent' });
    const objects = synth(chart);
    expect(objects.find((o) => o.kind === 'ServiceAccount')).toBeUndefined();
    expect(podSpec(objects).serviceAccountName).toBe('shared-agent');
  });

  test('escape hatch: JSON patches on the L1 object reach the output', () => {
    const chart = newChart();
    const ds = new DaemonSet(chart, 'agent', { image: IMAGE });
    ds.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/runtimeClassName', 'gvisor'));
    expect(podSpec(synth(chart)).runtimeClassName).toBe('gvisor');
  });
});

describe('DaemonSet selectorLabels: taking over a DaemonSet that exists (issue 19)', () => {
  test('the selector is exactly the labels given, and the pods carry them besides the library\'s labels', () => {
    // GIVEN kubeadm's kube-proxy selector
    const chart = newChart();
    const ds = new DaemonSet(chart, 'kube-proxy', { image: IMAGE, selectorLabels: { 'k8s-app': 'kube-proxy' } });
    // WHEN
    const daemonSet = only(synth(chart), 'DaemonSet');
    // THEN
    expect(daemonSet.spec.selector).toEqual({ matchLabels: { 'k8s-app': 'kube-proxy' } });
    expect(daemonSet.spec.template.metadata.labels).toMatchObject({ 'k8s-app': 'kube-proxy', 'app.kubernetes.io/name': 'kube-proxy' });
    expect(ds.selectorLabels).toEqual({ 'k8s-app': 'kube-proxy' });
  });

  test('without it, the selector stays app.kubernetes.io/name and instance', () => {
    const chart = newChart();
    new DaemonSet(chart, 'agent', { image: IMAGE });
    expect(only(synth(chart), 'DaemonSet').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' } });
  });

  test.each([
    [{ selectorLabels: {} }, /selectorLabels: got "\{\}"; an empty selector would select every pod/],
    [{ selectorLabels: { 'k8s-app': 'kube proxy' } }, /selectorLabels/],
    [{ selectorLabels: { 'k8s-app': 'kube-proxy' }, podLabels: { 'k8s-app': 'other' } }, /podLabels.k8s-app: got "other"; the selector's labels cannot be changed on the pods alone[^\n]*change `selectorLabels` instead/],
    [{ selectorLabels: { 'k8s-app': 'kube-proxy' }, labels: { 'k8s-app': 'other' } }, /labels.k8s-app: got "other"; differs from selectorLabels.k8s-app \("kube-proxy"\)/],
  ])('fails when %j', (props, message) => {
    expect(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, ...props })).toThrow(message);
  });
});

describe('DaemonSet: a non-root container writing a host path that exists (issue 19)', () => {
  const dir = HostMount.readWrite('/var/lib/agent', { type: HostPathVolumeType.DIRECTORY, volumeName: 'agent-dir' });

  test('fails when nobody prepares it: on a node it belongs to root', () => {
    expect(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, hostMounts: [dir] }))
      .toThrow(/hostMounts\[0\].path: got "\/var\/lib\/agent"; user 65534 writes it, but a directory that exists on the node belongs to root[^\n]*chown 65534:65534 <its mountPath>/);
  });

  test('a root init container that mounts it writable prepares it: accepted', () => {
    // GIVEN the documented pattern: create and chown in a root init container
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      hostMounts: [dir],
      initContainers: [{
        name: 'prepare',
        image: IMAGE,
        command: ['sh', '-c', 'chown 65534:65534 /var/lib/agent'],
        runAsUser: 0,
        hostMounts: [HostMount.readWrite('/var/lib/agent', { type: HostPathVolumeType.DIRECTORY, volumeName: 'agent-dir' })],
      }],
    });
    // THEN both mount the one host path
    const spec = podSpec(synth(chart));
    expect(spec.initContainers[0].volumeMounts[0].mountPath).toBe('/var/lib/agent');
    expect(spec.containers[0].volumeMounts.find((m: any) => m.mountPath === '/var/lib/agent').readOnly).toBe(false);
  });

  test('read-only, or root, is not concerned', () => {
    expect(() => new DaemonSet(newChart(), 'ro', { image: IMAGE, hostMounts: [HostMount.readOnly('/var/lib/agent', { type: HostPathVolumeType.DIRECTORY })] })).not.toThrow();
    expect(() => new DaemonSet(newChart(), 'root', { image: IMAGE, runAsUser: 0, hostMounts: [dir] })).not.toThrow();
  });
});
