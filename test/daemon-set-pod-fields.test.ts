import { Size } from 'cdk8s';
import {
  ConfigMap, ContainerRestartPolicy, DnsPolicy, Env, Handler, Probe, Secret,
} from 'cdk8s-plus-28';
import {
  DaemonSet, DaemonSetOptions, DaemonSetProps, GpuDriverInstaller, LogAgent, NetworkAgent, NodeAffinityTerm, NodeExporter, NodeInventory,
  NodeRequirement, PodSecurityLevel, SecurityAgent, StorageDaemon, TerminationMessagePolicy,
} from '../src';
import { all, container, newChart, only, synth, synthAgent } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';
const SIDECAR_IMAGE = 'registry.example.com/sidecar:1.0.0';

/** Synthesizes one agent with these props (validated against the schema and the API server rules). */
function agent(props: Partial<DaemonSetProps>) {
  const chart = newChart();
  const ds = new DaemonSet(chart, 'agent', { image: IMAGE, ...props });
  return { ds, ...synthAgent(chart) };
}

/** A function that creates an agent with these props (for `toThrow`). */
function make(props: Partial<DaemonSetProps>): () => DaemonSet {
  return () => new DaemonSet(newChart(), 'agent', { image: IMAGE, ...props });
}

describe('defaults: no new field is emitted unless asked for', () => {
  // GIVEN only an image
  // WHEN
  const { spec, main, objects } = agent({});

  test('the pod has none of the optional fields', () => {
    // THEN
    for (const field of ['imagePullSecrets', 'hostAliases', 'dnsConfig', 'runtimeClassName', 'hostUsers']) {
      expect(spec[field]).toBeUndefined();
    }
    expect(spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(spec.securityContext.supplementalGroups).toBeUndefined();
    expect(spec.securityContext.seLinuxOptions).toBeUndefined();
  });

  test('the container has no envFrom, lifecycle or ephemeral storage', () => {
    expect(main.envFrom).toBeUndefined();
    expect(main.lifecycle).toBeUndefined();
    expect(main.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  });

  test('no Role, RoleBinding, monitor or Service, and no annotations on the ServiceAccount', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'ServiceAccount']);
    expect(only(objects, 'ServiceAccount').metadata.annotations).toBeUndefined();
  });
});

describe('imagePullSecrets', () => {
  test('become the pod\'s imagePullSecrets, in order', () => {
    // GIVEN / WHEN
    const { spec } = agent({ imagePullSecrets: ['regcred', 'mirror-cred'] });
    // THEN
    expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror-cred' }]);
  });

  test('fails when a name is not a DNS-1123 subdomain', () => {
    expect(make({ imagePullSecrets: ['Reg_Cred'] })).toThrow(/imagePullSecrets\[0\]: got "Reg_Cred"; expected a DNS-1123 subdomain/);
  });

  test('fails when a name appears twice', () => {
    expect(make({ imagePullSecrets: ['a', 'a'] })).toThrow(/imagePullSecrets: got "a"; each Secret name may appear only once/);
  });

  test('fails when given a string instead of a list (untyped callers)', () => {
    expect(make({ imagePullSecrets: 'regcred' as any })).toThrow(/imagePullSecrets: got "regcred"; expected a list of strings/);
  });
});

describe('envFrom', () => {
  test('becomes the main container\'s envFrom, ConfigMaps with their prefix and Secrets', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      envFrom: [
        Env.fromConfigMap(ConfigMap.fromConfigMapName(chart, 'settings', 'agent-settings'), 'AGENT_'),
        Env.fromSecret(Secret.fromSecretName(chart, 'creds', 'agent-credentials')),
      ],
    });
    const main = container(synth(chart));
    // THEN
    expect(main.envFrom).toEqual([
      { configMapRef: { name: 'agent-settings' }, prefix: 'AGENT_' },
      { secretRef: { name: 'agent-credentials' } },
    ]);
    expect(main.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  test('works in a sidecar too', () => {
    // GIVEN
    const chart = newChart();
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      sidecars: [{ name: 'reloader', image: SIDECAR_IMAGE, envFrom: [Env.fromSecret(Secret.fromSecretName(chart, 'creds', 'reloader-token'))] }],
    });
    // WHEN
    const sidecar = container(synth(chart), 'reloader');
    // THEN
    expect(sidecar.envFrom).toEqual([{ secretRef: { name: 'reloader-token' } }]);
  });

  test('fails when the prefix is not an environment variable name', () => {
    const chart = newChart();
    expect(() => new DaemonSet(chart, 'agent', {
      image: IMAGE,
      envFrom: [Env.fromConfigMap(ConfigMap.fromConfigMapName(chart, 'settings', 'agent-settings'), '1=BAD')],
    })).toThrow(/envFrom\[0\]\.prefix: got "1=BAD"; expected an environment variable name/);
  });

  test('fails when the ConfigMap name is invalid', () => {
    const chart = newChart();
    expect(() => new DaemonSet(chart, 'agent', {
      image: IMAGE,
      envFrom: [Env.fromConfigMap(ConfigMap.fromConfigMapName(chart, 'settings', 'Agent Settings'))],
    })).toThrow(/envFrom\[0\]: got "Agent Settings"; expected the name of a ConfigMap/);
  });

  test('fails when an entry is not an EnvFrom (untyped callers)', () => {
    expect(make({ envFrom: [{ configMapRef: { name: 'x' } }] as any })).toThrow(/envFrom\[0\]: got .*expected an EnvFrom/);
  });
});

describe('lifecycle', () => {
  test('emits postStart and preStop handlers on the main container', () => {
    // GIVEN / WHEN
    const { main } = agent({
      ports: [{ containerPort: 8080, name: 'http' }],
      lifecycle: {
        postStart: Handler.fromCommand(['/bin/sh', '-c', 'echo started']),
        preStop: Handler.fromHttpGet('/drain', { port: 8080 }),
      },
    });
    // THEN
    expect(main.lifecycle).toEqual({
      postStart: { exec: { command: ['/bin/sh', '-c', 'echo started'] } },
      preStop: { httpGet: { path: '/drain', port: 8080, scheme: 'HTTP' } },
    });
  });

  test('a TCP handler on a declared port', () => {
    const { main } = agent({ ports: [{ containerPort: 9000 }], lifecycle: { preStop: Handler.fromTcpSocket({ port: 9000 }) } });
    expect(main.lifecycle).toEqual({ preStop: { tcpSocket: { port: 9000 } } });
  });

  test('fails at synth when an HTTP handler names no port although the container declares one (cdk8s-plus still calls 80)', () => {
    expect(() => agent({ ports: [{ containerPort: 8080 }], lifecycle: { preStop: Handler.fromHttpGet('/drain') } }))
      .toThrow(/lifecycle\.preStop\.port: got 80; the handler's port must be one of the container's ports \(8080\); a handler that names no port calls 80/);
  });

  test('fails at synth when an HTTP handler names no port and the container declares none (cdk8s-plus calls 80)', () => {
    expect(() => agent({ lifecycle: { preStop: Handler.fromHttpGet('/drain') } }))
      .toThrow(/lifecycle\.preStop\.port: got 80; the handler's port must be one of the container's ports \(none declared\)/);
  });

  test('fails when a handler calls a port the container does not declare', () => {
    expect(() => agent({ lifecycle: { postStart: Handler.fromTcpSocket({ port: 9000 }) } }))
      .toThrow(/lifecycle\.postStart\.port: got 9000; the handler's port must be one of the container's ports \(none declared\)/);
  });

  test('fails when a handler\'s command is empty', () => {
    expect(() => agent({ lifecycle: { preStop: Handler.fromCommand([]) } })).toThrow(/lifecycle\.preStop: got \[\]; expected a non-empty command/);
  });

  test('fails when a plain init container has hooks', () => {
    expect(make({ initContainers: [{ name: 'setup', image: SIDECAR_IMAGE, lifecycle: { preStop: Handler.fromCommand(['true']) } }] }))
      .toThrow(/initContainers\[0\]\.lifecycle: got "lifecycle hooks"; a plain init container cannot have lifecycle hooks/);
  });
});

describe('terminationMessagePolicy', () => {
  test('reaches the container it is given to, main, sidecar and init alike, and no other', () => {
    // GIVEN the log-tail fallback on the main container and an init container, not on the sidecar
    const fallback = TerminationMessagePolicy.FALLBACK_TO_LOGS_ON_ERROR;
    const { spec } = agent({
      terminationMessagePolicy: fallback,
      sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE }],
      initContainers: [{ name: 'setup', image: SIDECAR_IMAGE, terminationMessagePolicy: fallback }, { name: 'plain', image: SIDECAR_IMAGE }],
    });
    // THEN each container carries what it was given (Kubernetes' default File where nothing is written)
    expect(spec.containers.map((c: any) => [c.name, c.terminationMessagePolicy])).toEqual([['agent', 'FallbackToLogsOnError'], ['proxy', undefined]]);
    expect(spec.initContainers.map((c: any) => [c.name, c.terminationMessagePolicy])).toEqual([['setup', 'FallbackToLogsOnError'], ['plain', undefined]]);
  });

  test('fails for a value that is not a policy (an untyped caller)', () => {
    expect(make({ terminationMessagePolicy: 'OnError' as any })).toThrow(/terminationMessagePolicy: got "OnError"; expected one of/);
  });
});

describe('hostAliases and dnsConfig', () => {
  const THIRTY_THREE_DOMAINS = Array.from({ length: 33 }, (_, i) => `d${i}.example.com`);

  test('become the pod\'s hostAliases and dnsConfig', () => {
    // GIVEN / WHEN
    const { spec } = agent({
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['logs.internal', 'logs'] }, { ip: 'fd00::5', hostnames: ['metrics.internal'] }],
      dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local', 'example.com.'], options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }] },
    });
    // THEN
    expect(spec.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['logs.internal', 'logs'] }, { ip: 'fd00::5', hostnames: ['metrics.internal'] }]);
    expect(spec.dnsConfig).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['svc.cluster.local', 'example.com.'],
      options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }],
    });
    expect(spec.dnsPolicy).toBe('ClusterFirst');
  });

  test('dnsPolicy NONE with a nameserver: resolv.conf from dnsConfig alone', () => {
    const { spec } = agent({ dnsPolicy: DnsPolicy.NONE, dnsConfig: { nameservers: ['1.1.1.1'] } });
    expect(spec.dnsPolicy).toBe('None');
    expect(spec.dnsConfig).toEqual({ nameservers: ['1.1.1.1'] });
  });

  test('more than six search domains (cdk8s-plus\'s old cap; Kubernetes allows 32 since 1.28)', () => {
    const searches = Array.from({ length: 8 }, (_, i) => `d${i}.example.com`);
    const { spec } = agent({ dnsConfig: { searches } });
    expect(spec.dnsConfig.searches).toEqual(searches);
  });

  test.each([
    [{ hostAliases: [{ ip: '10.0.0.256', hostnames: ['a'] }] }, /hostAliases\[0\]\.ip: got "10.0.0.256"; expected an IPv4 or IPv6 address/],
    [{ hostAliases: [{ ip: '10.0.0.1', hostnames: [] }] }, /hostAliases\[0\]\.hostnames: got \[\]; expected at least one host name/],
    [{ hostAliases: [{ ip: '10.0.0.1', hostnames: ['Bad_Host'] }] }, /hostAliases\[0\]\.hostnames\[0\]: got "Bad_Host"; expected a DNS-1123 subdomain/],
    [{ dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '1.0.0.1'] } }, /dnsConfig\.nameservers: got .*; expected at most 3 nameservers/],
    [{ dnsConfig: { nameservers: ['dns.example.com'] } }, /dnsConfig\.nameservers\[0\]: got "dns.example.com"; expected an IPv4 or IPv6 address/],
    [{ dnsConfig: { searches: THIRTY_THREE_DOMAINS } }, /dnsConfig\.searches: got "33 domains"; expected at most 32/],
    [{ dnsConfig: { searches: ['-bad-'] } }, /dnsConfig\.searches\[0\]: got "-bad-"/],
    [{ dnsConfig: { options: [{ name: '' }] } }, /dnsConfig\.options\[0\]\.name: got ""; expected the option name/],
    [{ dnsPolicy: DnsPolicy.NONE }, /dnsConfig\.nameservers: got undefined; dnsPolicy NONE takes resolv.conf from dnsConfig alone/],
    [{ dnsConfig: { nameservers: '10.0.0.10' as any } }, /dnsConfig\.nameservers: got "10.0.0.10"; expected a list of strings/],
    [{ dnsConfig: { options: { ndots: '2' } as any } }, /dnsConfig\.options: got \{"ndots":"2"\}; expected a list of objects \(DnsOption\)/],
    [{ hostAliases: [{ ip: '10.0.0.1', hostnames: 'logs' as any }] }, /hostAliases\[0\]\.hostnames: got "logs"; expected a list of strings/],
  ] as Array<[Partial<DaemonSetProps>, RegExp]>)('fails when %#: %p', (props, error) => {
    expect(make(props)).toThrow(error);
  });
});

describe('runtimeClassName', () => {
  test('becomes the pod\'s runtimeClassName', () => {
    expect(agent({ runtimeClassName: 'nvidia' }).spec.runtimeClassName).toBe('nvidia');
  });

  test('fails when it is not a DNS-1123 subdomain', () => {
    expect(make({ runtimeClassName: 'gVisor' })).toThrow(/runtimeClassName: got "gVisor"; expected a DNS-1123 subdomain/);
  });
});

describe('supplementalGroups and seLinuxOptions', () => {
  test('go into the pod security context next to what the core sets', () => {
    // GIVEN / WHEN
    const { spec } = agent({ supplementalGroups: [4, 1000], seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } });
    // THEN
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      supplementalGroups: [4, 1000],
      seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' },
    });
  });

  test('container_t with a level stays restricted; spc_t makes the pod privileged', () => {
    expect(agent({ seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } }).ds.podSecurity().level).toBe(PodSecurityLevel.RESTRICTED);
    const report = agent({ seLinuxOptions: { type: 'spc_t' } }).ds.podSecurity();
    expect(report.level).toBe(PodSecurityLevel.PRIVILEGED);
    expect(report.reasons).toContainEqual(expect.objectContaining({ check: 'seLinuxOptions', field: 'securityContext.seLinuxOptions' }));
  });

  test('a user or role makes the pod privileged', () => {
    expect(agent({ seLinuxOptions: { user: 'system_u' } }).ds.podSecurity().level).toBe(PodSecurityLevel.PRIVILEGED);
    expect(agent({ seLinuxOptions: { role: 'system_r' } }).ds.podSecurity().level).toBe(PodSecurityLevel.PRIVILEGED);
  });

  test.each([
    [{ supplementalGroups: [-1] }, /supplementalGroups\[0\]: got -1; expected an integer group ID from 0 to 2147483647/],
    [{ supplementalGroups: [1.5] }, /supplementalGroups\[0\]: got 1.5; expected an integer group ID/],
    [{ supplementalGroups: ['4'] as any }, /supplementalGroups\[0\]: got "4"; expected a finite number/],
    [{ seLinuxOptions: { type: '' } }, /seLinuxOptions\.type: got ""; expected a non-empty string/],
    [{ seLinuxOptions: { typ: 'spc_t' } as any }, /seLinuxOptions\.typ: got "spc_t"; unknown prop typ of SeLinuxOptions; did you mean type\?/],
  ] as Array<[Partial<DaemonSetProps>, RegExp]>)('fails when %j', (props, error) => {
    expect(make(props)).toThrow(error);
  });
});

describe('preferredNodeAffinity', () => {
  const ssd = NodeAffinityTerm.allOf(NodeRequirement.in('disktype', ['ssd']));
  const large = NodeAffinityTerm.allOf(NodeRequirement.gt('cpu-count', 8));

  test('the pod\'s preferred node affinity, with weights, next to the default required term', () => {
    // GIVEN / WHEN
    const { spec } = agent({ preferredNodeAffinity: [{ weight: 80, term: ssd }, { weight: 20, term: large }] });
    // THEN
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 80, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } },
      { weight: 20, preference: { matchExpressions: [{ key: 'cpu-count', operator: 'Gt', values: ['8'] }] } },
    ]);
    // the required term (virtual nodes excluded by default) is the core's, unchanged
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(1);
  });

  test('Gt and Lt take negative integers, as in required terms', () => {
    const { spec } = agent({ preferredNodeAffinity: [{ weight: 3, term: NodeAffinityTerm.allOf(NodeRequirement.gt('temperature', -5)) }] });
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference)
      .toEqual({ matchExpressions: [{ key: 'temperature', operator: 'Gt', values: ['-5'] }] });
  });

  test('next to required node affinity, which it leaves alone', () => {
    const required = NodeAffinityTerm.allOf(NodeRequirement.exists('node-role.kubernetes.io/worker'));
    const { spec } = agent({ requiredNodeAffinity: [required], preferredNodeAffinity: [{ weight: 1, term: ssd }], excludeVirtualNodes: false });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/worker', operator: 'Exists' }] }],
    });
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 1, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } },
    ]);
  });

  test('never changes which nodes run the agent (the placement preview ignores it, as the controller does)', () => {
    // GIVEN one node with an SSD and one without
    const { ds } = agent({ preferredNodeAffinity: [{ weight: 100, term: ssd }] });
    const inventory = NodeInventory.fromNodes([
      { name: 'fast', labels: { 'kubernetes.io/os': 'linux', 'disktype': 'ssd' } },
      { name: 'slow', labels: { 'kubernetes.io/os': 'linux' } },
    ]);
    // WHEN
    const preview = ds.previewPlacement(inventory);
    // THEN
    expect(preview.scheduledNodeNames.sort()).toEqual(['fast', 'slow']);
  });

  test.each([
    [0, /preferredNodeAffinity\[0\]\.weight: got 0; expected an integer weight from 1 to 100/],
    [101, /preferredNodeAffinity\[0\]\.weight: got 101; expected an integer weight from 1 to 100/],
    [2.5, /preferredNodeAffinity\[0\]\.weight: got 2.5/],
  ])('fails when the weight is %p', (weight, error) => {
    expect(make({ preferredNodeAffinity: [{ weight, term: ssd }] })).toThrow(error);
  });

  test('fails when the term is empty or not a NodeAffinityTerm', () => {
    expect(make({ preferredNodeAffinity: [{ weight: 5, term: NodeAffinityTerm.allOf() }] })).toThrow(/preferredNodeAffinity\[0\]\.term: got "an empty term"/);
    expect(make({ preferredNodeAffinity: [{ weight: 5, term: { matchExpressions: [] } as any }] })).toThrow(/preferredNodeAffinity\[0\]\.term: got .*expected a NodeAffinityTerm/);
  });

  test('fails when a requirement is invalid', () => {
    expect(make({ preferredNodeAffinity: [{ weight: 5, term: NodeAffinityTerm.allOf(NodeRequirement.in('disk type', [])) }] }))
      .toThrow(/preferredNodeAffinity\[0\]\.term\.requirements\[0\]\.key: got "disk type"[^]*preferredNodeAffinity\[0\]\.term\.requirements\[0\]: got \[\]; In needs at least one value/);
  });
});

describe('hostUsers', () => {
  test('false runs the pods in a user namespace and stays restricted', () => {
    // GIVEN / WHEN
    const { spec, ds } = agent({ hostUsers: false });
    // THEN
    expect(spec.hostUsers).toBe(false);
    expect(ds.podSecurity()).toEqual({ level: PodSecurityLevel.RESTRICTED, reasons: [] });
  });

  test('true is emitted as given', () => {
    expect(agent({ hostUsers: true }).spec.hostUsers).toBe(true);
  });

  test('does not relax the restricted checks for root (the 1.29-1.34 default; see PodSecurity)', () => {
    // GIVEN root in a user namespace
    const { ds } = agent({ hostUsers: false, runAsUser: 0, runAsNonRoot: false });
    // WHEN
    const report = ds.podSecurity();
    // THEN
    expect(report.level).toBe(PodSecurityLevel.BASELINE);
    expect(report.reasons.map((r) => r.check)).toEqual(['runAsNonRoot', 'runAsUser']);
  });

  test.each([
    [{ hostNetwork: true }, 'hostNetwork'],
    [{ hostPid: true }, 'hostPid'],
    [{ hostIpc: true }, 'hostIpc'],
  ] as Array<[Partial<DaemonSetProps>, string]>)('fails when combined with %j', (props, name) => {
    expect(make({ hostUsers: false, ...props })).toThrow(new RegExp(`hostUsers: got false; a user namespace \\(hostUsers: false\\) cannot be combined with ${name}: true`));
  });
});

describe('serviceAccountAnnotations', () => {
  test('annotate the ServiceAccount (IRSA, Workload Identity) and nothing else', () => {
    // GIVEN
    const annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/agent', 'iam.gke.io/gcp-service-account': 'agent@p.iam.gserviceaccount.com' };
    // WHEN
    const { objects, daemonSet } = agent({ serviceAccountAnnotations: annotations });
    // THEN
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual(annotations);
    expect(daemonSet.metadata.annotations).toBeUndefined();
    expect(daemonSet.spec.template.metadata.annotations).toBeUndefined();
  });

  test('fails when the ServiceAccount is not created here', () => {
    expect(make({ serviceAccountName: 'existing', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn' } }))
      .toThrow(/serviceAccountAnnotations: got .*none is created with serviceAccountName/);
  });

  test('fails when a key is not a qualified name', () => {
    expect(make({ serviceAccountAnnotations: { 'bad key': 'v' } })).toThrow(/serviceAccountAnnotations\.bad key: got "bad key"; expected a qualified name/);
  });
});

describe('podLabels', () => {
  test('label the pods only, never the selector or the other objects', () => {
    // GIVEN / WHEN
    const { daemonSet, objects } = agent({ podLabels: { 'team': 'observability', 'sidecar.istio.io/inject': 'false' } });
    // THEN
    expect(daemonSet.spec.template.metadata.labels).toMatchObject({ 'team': 'observability', 'sidecar.istio.io/inject': 'false', 'app.kubernetes.io/name': 'agent' });
    expect(daemonSet.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' } });
    expect(daemonSet.metadata.labels.team).toBeUndefined();
    expect(only(objects, 'ServiceAccount').metadata.labels.team).toBeUndefined();
  });

  test('win over `labels` on the pods', () => {
    const { daemonSet } = agent({ labels: { tier: 'a' }, podLabels: { tier: 'b' } });
    expect(daemonSet.metadata.labels.tier).toBe('a');
    expect(daemonSet.spec.template.metadata.labels.tier).toBe('b');
  });

  test('fails when a pod label would change the selector\'s labels', () => {
    expect(make({ podLabels: { 'app.kubernetes.io/instance': 'other' } }))
      .toThrow(/podLabels\.app\.kubernetes\.io\/instance: got "other"; the selector's labels cannot be changed on the pods alone/);
  });

  test('fails when a value is not a label value', () => {
    expect(make({ podLabels: { team: 'a team' } })).toThrow(/podLabels\.team: got "a team"; expected a label value/);
  });
});

describe('ephemeral storage', () => {
  test('requests and limits of ephemeral-storage, in MiB or whole GiB, next to CPU and memory', () => {
    // GIVEN / WHEN
    const { main } = agent({ resources: { ephemeralStorage: { request: Size.mebibytes(500), limit: Size.gibibytes(2) } } });
    // THEN
    expect(main.resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '500Mi' },
      limits: { 'memory': '128Mi', 'ephemeral-storage': '2Gi' },
    });
  });

  test('only a limit, in an init container and a sidecar', () => {
    const { spec } = agent({
      initContainers: [{ name: 'setup', image: SIDECAR_IMAGE, resources: { ephemeralStorage: { limit: Size.mebibytes(100) } } }],
      sidecars: [{ name: 'reloader', image: SIDECAR_IMAGE, resources: { ephemeralStorage: { request: Size.gibibytes(1) } } }],
    });
    expect(spec.initContainers[0].resources.limits).toEqual({ 'memory': '128Mi', 'ephemeral-storage': '100Mi' });
    expect(spec.containers[1].resources.requests).toEqual({ 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' });
    expect(spec.containers[0].resources.requests['ephemeral-storage']).toBeUndefined();
  });

  test('fails when the request exceeds the limit', () => {
    expect(make({ resources: { ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }))
      .toThrow(/resources\.ephemeralStorage\.request: got "2048Mi"; must not exceed the ephemeralStorage limit \(1024Mi\)/);
  });

  test('fails when it is not a whole number of MiB', () => {
    expect(make({ resources: { ephemeralStorage: { limit: Size.kibibytes(1500) } } }))
      .toThrow(/resources\.ephemeralStorage\.limit: got 1.46484375; expected a whole, positive number of MiB/);
  });
});

describe('namespacedRbacRules', () => {
  const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'] }];

  test('a Role and RoleBinding in the agent\'s namespace, no ClusterRole, token mounted', () => {
    // GIVEN
    const chart = newChart({ namespace: 'logging' });
    // WHEN
    const ds = new DaemonSet(chart, 'agent', { image: IMAGE, namespacedRbacRules: rules });
    const objects = synth(chart);
    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(['DaemonSet', 'Role', 'RoleBinding', 'ServiceAccount']);
    const role = only(objects, 'Role');
    expect(role.metadata).toMatchObject({ name: 'agent', namespace: 'logging' });
    expect(role.rules).toEqual(rules);
    expect(only(objects, 'RoleBinding')).toMatchObject({
      metadata: { name: 'agent', namespace: 'logging' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'logging' }],
    });
    expect(only(objects, 'DaemonSet').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(ds.role).toBeDefined();
    expect(ds.clusterRole).toBeUndefined();
  });

  test('next to cluster-wide rbacRules', () => {
    const { objects } = agent({ rbacRules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }], namespacedRbacRules: rules });
    expect(all(objects, 'ClusterRole')).toHaveLength(1);
    expect(all(objects, 'Role')).toHaveLength(1);
  });

  test.each([
    [{ namespacedRbacRules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] }, /namespacedRbacRules\[0\]\.verbs: got \[\]; expected at least one verb/],
    [{ namespacedRbacRules: [{ nonResourceUrls: ['/metrics'], verbs: ['get'] }] }, /namespacedRbacRules\[0\]\.nonResourceUrls: got \["\/metrics"\]; non-resource URLs are cluster-scoped/],
    [{ namespacedRbacRules: [{ resources: ['pods'], verbs: ['get'] }] }, /namespacedRbacRules\[0\]\.apiGroups: got undefined; expected the API groups/],
    [{ namespacedRbacRules: rules, automountServiceAccountToken: false }, /automountServiceAccountToken: got false; namespacedRbacRules grant API access/],
    [{ namespacedRbacRules: [{ apiGroups: [''], resources: 'pods' as any, verbs: ['get'] }] }, /namespacedRbacRules\[0\]\.resources: got "pods"; expected a list of strings/],
  ] as Array<[Partial<DaemonSetProps>, RegExp]>)('fails when %j', (props, error) => {
    expect(make(props)).toThrow(error);
  });
});

describe('native sidecars', () => {
  test('an init container with restartPolicy Always, probes and hooks', () => {
    // GIVEN / WHEN
    const { spec } = agent({
      initContainers: [
        { name: 'setup', image: SIDECAR_IMAGE, command: ['/setup'] },
        {
          name: 'proxy',
          image: SIDECAR_IMAGE,
          restartPolicy: ContainerRestartPolicy.ALWAYS,
          ports: [{ containerPort: 15000, name: 'admin' }],
          readiness: Probe.fromHttpGet('/ready', { port: 15000 }),
          lifecycle: { preStop: Handler.fromHttpGet('/quit', { port: 15000 }) },
        },
      ],
    });
    // THEN
    expect(spec.initContainers[0].restartPolicy).toBeUndefined();
    expect(spec.initContainers[1]).toMatchObject({
      name: 'proxy',
      restartPolicy: 'Always',
      readinessProbe: { httpGet: { path: '/ready', port: 15000 } },
      lifecycle: { preStop: { httpGet: { path: '/quit', port: 15000 } } },
    });
  });

  test('fails when a plain init container has a probe', () => {
    expect(make({ initContainers: [{ name: 'setup', image: SIDECAR_IMAGE, ports: [{ containerPort: 80 }], readiness: Probe.fromTcpSocket({ port: 80 }) }] }))
      .toThrow(/initContainers\[0\]\.readiness: got "a probe"; init containers run to completion/);
  });

  test('fails when a regular sidecar has a restartPolicy', () => {
    expect(make({ sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, restartPolicy: ContainerRestartPolicy.ALWAYS }] }))
      .toThrow(/sidecars\[0\]\.restartPolicy: got "Always"; only an init container takes a restartPolicy/);
  });

  test('fails when the restartPolicy is not Always (untyped callers)', () => {
    expect(make({ initContainers: [{ name: 'setup', image: SIDECAR_IMAGE, restartPolicy: 'OnFailure' as any }] }))
      .toThrow(/initContainers\[0\]\.restartPolicy: got "OnFailure"; expected one of Always \(ContainerRestartPolicy\)/);
  });
});

describe('every new field at once', () => {
  test('passes the schema and API-server checks together (snapshot as an extra)', () => {
    // GIVEN
    const chart = newChart({ namespace: 'agents' });
    new DaemonSet(chart, 'agent', {
      image: IMAGE,
      imagePullSecrets: ['regcred'],
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['logs.internal'] }],
      dnsConfig: { options: [{ name: 'ndots', value: '1' }] },
      runtimeClassName: 'runc',
      supplementalGroups: [4],
      seLinuxOptions: { level: 's0' },
      preferredNodeAffinity: [{ weight: 50, term: NodeAffinityTerm.allOf(NodeRequirement.exists('fast')) }],
      hostUsers: false,
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/agent' },
      podLabels: { team: 'platform' },
      resources: { ephemeralStorage: { limit: Size.gibibytes(1) } },
      namespacedRbacRules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] }],
      initContainers: [{ name: 'proxy', image: SIDECAR_IMAGE, restartPolicy: ContainerRestartPolicy.ALWAYS }],
      lifecycle: { preStop: Handler.fromCommand(['/bin/sleep', '5']) },
    });
    // WHEN
    const objects = synth(chart);
    // THEN
    expect(objects).toMatchSnapshot();
  });
});

describe('every preset inherits the pod settings', () => {
  const PRESETS: Array<[string, (chart: any, options: DaemonSetOptions) => unknown]> = [
    ['LogAgent', (c, o) => new LogAgent(c, 'preset', o)],
    ['NodeExporter', (c, o) => new NodeExporter(c, 'preset', o)],
    ['GpuDriverInstaller', (c, o) => new GpuDriverInstaller(c, 'preset', o)],
    ['SecurityAgent', (c, o) => new SecurityAgent(c, 'preset', o)],
    ['NetworkAgent', (c, o) => new NetworkAgent(c, 'preset', { apiServerHost: '10.0.0.10', apiServerPort: 6443, ...o })],
    ['StorageDaemon', (c, o) => new StorageDaemon(c, 'preset', o)],
  ];

  test.each(PRESETS)('%s', (_name, create) => {
    // GIVEN
    const chart = newChart({ namespace: 'agents' });
    // WHEN
    create(chart, {
      imagePullSecrets: ['mirror-credentials'],
      runtimeClassName: 'runc',
      podLabels: { team: 'platform' },
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['mirror.internal'] }],
      serviceAccountAnnotations: { 'example.com/owner': 'platform' },
    });
    const objects = synth(chart);
    const daemonSet = only(objects, 'DaemonSet');
    // THEN
    expect(daemonSet.spec.template.spec).toMatchObject({
      imagePullSecrets: [{ name: 'mirror-credentials' }],
      runtimeClassName: 'runc',
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['mirror.internal'] }],
    });
    expect(daemonSet.spec.template.metadata.labels.team).toBe('platform');
    expect(daemonSet.spec.selector.matchLabels.team).toBeUndefined();
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'example.com/owner': 'platform' });
  });
});
