import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { schemaProblems, validateObjects } from './k8s-schema';

/** A valid DaemonSet, written by hand as the plain object a chart would synthesize. */
function daemonSet(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'agent',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'agent' },
      annotations: { 'example.com/anything goes': 'yes' },
    },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'agent' } },
      minReadySeconds: 5,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'agent' } },
        spec: {
          serviceAccountName: 'agent',
          hostPID: false,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{
            name: 'agent',
            image: 'registry.example.com/agent:1.0.0',
            imagePullPolicy: 'IfNotPresent',
            args: ['--log-level=info'],
            ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: 0.5, memory: '128Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'proc', mountPath: '/host/proc', readOnly: true }],
          }],
          volumes: [{ name: 'proc', hostPath: { path: '/proc', type: 'Directory' } }],
        },
      },
    },
  };
}

const podSpecOf = (ds: any): any => ds.spec.template.spec;

/** `node_modules/.cache/cdk8s-node-agents/k8s-fields-<kubernetes-models version>.json` */
function sharedCacheFile(): string {
  const modelsDir = path.dirname(require.resolve('kubernetes-models/package.json'));
  const version = JSON.parse(fs.readFileSync(path.join(modelsDir, 'package.json'), 'utf8')).version;
  return path.join(path.dirname(modelsDir), '.cache', 'cdk8s-node-agents', `k8s-fields-${version}.json`);
}

describe('schemaProblems', () => {
  test('a valid DaemonSet has no problems', () => {
    // GIVEN
    const ds = daemonSet();

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([]);
  });

  test('a missing required field is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    delete ds.spec.selector;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: missing required field spec.selector']);
  });

  test('a missing required field in a list item is a problem with its index', () => {
    // GIVEN
    const ds = daemonSet();
    delete podSpecOf(ds).containers[0].name;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: missing required field spec.template.spec.containers[0].name']);
  });

  test('an integer given as a string is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    ds.spec.minReadySeconds = '5';

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: spec.minReadySeconds must be integer (got "5")']);
  });

  test('a boolean given as a string is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).hostPID = 'true';

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: spec.template.spec.hostPID must be boolean (got "true")']);
  });

  test('a value outside an enum is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).containers[0].imagePullPolicy = 'Sometimes';

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([
      'DaemonSet/agent: spec.template.spec.containers[0].imagePullPolicy must be one of "Always", "IfNotPresent", "Never" (got "Sometimes")',
    ]);
  });

  test('an unknown top-level field is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    ds.specs = {};

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: unknown field specs (did you mean spec?)']);
  });

  test('an unknown field in the pod spec is a problem, with a case-insensitive suggestion', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).hostPid = true;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: unknown field spec.template.spec.hostPid (did you mean hostPID?)']);
  });

  test('an unknown field in a container is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).containers[0].securityContext.readOnlyRootFileSystem = true;
    podSpecOf(ds).containers[0].restartPolicyy = 'Always';
    podSpecOf(ds).containers[0].sidecar = true;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([
      'DaemonSet/agent: unknown field spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem (did you mean readOnlyRootFilesystem?)',
      'DaemonSet/agent: unknown field spec.template.spec.containers[0].restartPolicyy (did you mean restartPolicy?)',
      'DaemonSet/agent: unknown field spec.template.spec.containers[0].sidecar',
    ]);
  });

  test('an unknown field in a list item is a problem with the index in its path', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).tolerations.push({ key: 'gpu', operator: 'Exists', effects: 'NoSchedule' });
    podSpecOf(ds).volumes[0].hostPath.readOnly = true;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([
      'DaemonSet/agent: unknown field spec.template.spec.tolerations[1].effects (did you mean effect?)',
      'DaemonSet/agent: unknown field spec.template.spec.volumes[0].hostPath.readOnly',
    ]);
  });

  test('every problem of an object is reported, schema errors first', () => {
    // GIVEN
    const ds = daemonSet();
    delete ds.spec.selector;
    ds.spec.minReadySeconds = '5';
    podSpecOf(ds).hostPid = true;
    ds.status2 = {};

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([
      'DaemonSet/agent: missing required field spec.selector',
      'DaemonSet/agent: spec.minReadySeconds must be integer (got "5")',
      'DaemonSet/agent: unknown field spec.template.spec.hostPid (did you mean hostPID?)',
      'DaemonSet/agent: unknown field status2 (did you mean status?)',
    ]);
  });

  test('map-valued fields accept arbitrary keys', () => {
    // GIVEN
    const ds = daemonSet();
    ds.metadata.labels = { 'app.kubernetes.io/name': 'agent', 'team': 'observability', 'hostPid': 'not-a-field' };
    ds.metadata.annotations = { 'prometheus.io/scrape': 'true', 'anything/at.all': '' };
    podSpecOf(ds).nodeSelector = { 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'm5.large' };
    podSpecOf(ds).containers[0].resources.limits['nvidia.com/gpu'] = 1;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([]);
  });

  test('a wrongly typed map value is a problem with the quoted key in its path', () => {
    // GIVEN
    const ds = daemonSet();
    ds.metadata.labels['app.kubernetes.io/version'] = 1;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: metadata.labels["app.kubernetes.io/version"] must be string (got 1)']);
  });

  test.each([1, '10%', 0, '100%'])('int-or-string maxUnavailable %p is valid', (maxUnavailable) => {
    // GIVEN
    const ds = daemonSet();
    ds.spec.updateStrategy.rollingUpdate.maxUnavailable = maxUnavailable;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([]);
  });

  test('an int-or-string of another type is one problem', () => {
    // GIVEN
    const ds = daemonSet();
    ds.spec.updateStrategy.rollingUpdate.maxUnavailable = true;

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual(['DaemonSet/agent: spec.updateStrategy.rollingUpdate.maxUnavailable must be string or integer (got true)']);
  });

  test.each(['64Mi', 0.5, 1, '500m'])('quantity %p is valid', (quantity) => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).containers[0].resources.limits = { cpu: quantity, memory: quantity };

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toEqual([]);
  });

  test('a quantity of another type is a problem', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).containers[0].resources.requests.memory = { value: 64 };

    // WHEN
    const problems = schemaProblems(ds);

    // THEN
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DaemonSet\/agent: spec\.template\.spec\.containers\[0\]\.resources\.requests\.memory must be (number or string|string or number)/);
  });

  test.each([
    ['apps/v1', 'ReplicaSet'],
    ['example.com/v1', 'Widget'],
    ['v1', 'DaemonSet'],
    [undefined, 'DaemonSet'],
    ['toString', 'DaemonSet'],
  ])('an unsupported apiVersion/kind %p/%p is a problem', (apiVersion, kind) => {
    // GIVEN
    const object = { apiVersion, kind, metadata: { name: 'x' } };

    // WHEN
    const problems = schemaProblems(object);

    // THEN
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${kind}/x: unsupported apiVersion/kind `));
    expect(problems[0]).toContain('supported: ');
  });

  test.each([null, 'DaemonSet', 42, []])('a non-object %p is a problem', (value) => {
    // WHEN
    const problems = schemaProblems(value);

    // THEN
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^not a Kubernetes object: /);
  });

  test('a ClusterRole with nonResourceURLs is valid', () => {
    // GIVEN
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'agent' },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    };

    // WHEN
    const problems = schemaProblems(role);

    // THEN
    expect(problems).toEqual([]);
  });

  test('a ClusterRole with nonResourceUrls (wrong case) is a problem', () => {
    // GIVEN
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'agent' },
      rules: [{ nonResourceUrls: ['/metrics'], verbs: ['get'] }],
    };

    // WHEN
    const problems = schemaProblems(role);

    // THEN
    expect(problems).toEqual(['ClusterRole/agent: unknown field rules[0].nonResourceUrls (did you mean nonResourceURLs?)']);
  });

  test.each([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent', namespace: 'monitoring' }, automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'agent' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'monitoring' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'agent', namespace: 'monitoring' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['agent'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'agent', namespace: 'monitoring' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'agent' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'monitoring' }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'agent' }, data: { 'agent.yaml': 'a: 1', 'x.conf': '' }, immutable: true },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'agent' }, type: 'Opaque', stringData: { token: 'x' }, data: { ca: 'Y2E=' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'agent' },
      spec: { clusterIP: 'None', selector: { app: 'agent' }, ports: [{ name: 'metrics', port: 9100, targetPort: 'metrics' }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'agent' },
      spec: {
        podSelector: { matchLabels: { app: 'agent' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 9100, protocol: 'TCP' }] }],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ port: 'https' }] }],
      },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'node-critical' }, value: 1000000, preemptionPolicy: 'Never', description: 'x' },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'agent' },
      spec: {
        hard: { 'pods': '10', 'requests.cpu': 2, 'limits.memory': '4Gi' },
        scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['node-critical'] }] },
      },
    },
  ])('a valid $kind has no problems', (object) => {
    // WHEN
    const problems = schemaProblems(object);

    // THEN
    expect(problems).toEqual([]);
  });

  test('recursive types (a CRD schema, JSONSchemaProps) are checked at any depth', () => {
    // GIVEN
    const spec = { type: 'object', properties: { size: { type: 'integer', maximum: 3 }, owner: { type: 'object', properties: { name: { type: 'string', maxLenght: 8 } } } } };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
      },
    };

    // WHEN
    const problems = schemaProblems(crd);

    // THEN
    expect(problems).toEqual([
      'CustomResourceDefinition/widgets.example.com: unknown field spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.owner.properties.name.maxLenght (did you mean maxLength?)',
    ]);
  });

  test('the field tree is cached on disk per kubernetes-models version', () => {
    // GIVEN
    const cacheFile = sharedCacheFile();

    // WHEN
    schemaProblems(daemonSet());

    // THEN
    const tree = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    expect(path.basename(cacheFile)).toEqual(`k8s-fields-${tree.modelsVersion}.json`);
    expect(tree.roots['apps/v1/DaemonSet']).toEqual({ ref: expect.any(String) });
    expect(Object.keys(tree.types[tree.roots['apps/v1/DaemonSet'].ref]).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  });

  test('without a usable cache file, the field tree is built from the declarations and cached', () => {
    // GIVEN a cache directory holding a corrupt (e.g. half-written) cache file
    const sharedTree = sharedCacheFile();
    schemaProblems(daemonSet());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-fields-'));
    const cacheFile = path.join(dir, path.basename(sharedTree));
    fs.writeFileSync(cacheFile, '{"format":');
    process.env.CDK8S_NODE_AGENTS_K8S_FIELDS_CACHE_DIR = dir;
    try {
      // WHEN
      const ds = daemonSet();
      podSpecOf(ds).hostPid = true;
      const problems = schemaProblems(ds);

      // THEN the tree was rebuilt, written atomically (no temp file left) and equals the shared cache
      expect(problems).toEqual(['DaemonSet/agent: unknown field spec.template.spec.hostPid (did you mean hostPID?)']);
      expect(fs.readdirSync(dir)).toEqual([path.basename(cacheFile)]);
      expect(JSON.parse(fs.readFileSync(cacheFile, 'utf8'))).toEqual(JSON.parse(fs.readFileSync(sharedTree, 'utf8')));
    } finally {
      delete process.env.CDK8S_NODE_AGENTS_K8S_FIELDS_CACHE_DIR;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('validateObjects', () => {
  test('valid objects pass', () => {
    // GIVEN
    const objects = [daemonSet(), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent' } }];

    // WHEN
    const run = () => validateObjects(objects);

    // THEN
    expect(run).not.toThrow();
  });

  test('no objects pass', () => {
    // WHEN
    const run = () => validateObjects([]);

    // THEN
    expect(run).not.toThrow();
  });

  test('one error lists every problem of every object with kind/name and path', () => {
    // GIVEN
    const ds = daemonSet();
    podSpecOf(ds).hostPid = true;
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent' }, automountServiceAccountToken: 'no' };
    const objects = [ds, sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ok' } }, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }];

    // WHEN
    let message = '';
    try {
      validateObjects(objects);
    } catch (e: any) {
      message = e.message;
    }

    // THEN
    const lines = message.split('\n');
    expect(lines[0]).toEqual('3 Kubernetes schema problem(s):');
    expect(lines[1]).toEqual('  - DaemonSet/agent: unknown field spec.template.spec.hostPid (did you mean hostPID?)');
    expect(lines[2]).toEqual('  - ServiceAccount/agent: automountServiceAccountToken must be boolean (got "no")');
    expect(lines[3]).toMatch(/^ {2}- Widget\/w: unsupported apiVersion\/kind "example.com\/v1"\/"Widget"/);
    expect(lines).toHaveLength(4);
  });

  test('a non-array is an error', () => {
    // WHEN
    const run = () => validateObjects({ kind: 'DaemonSet' } as any);

    // THEN
    expect(run).toThrow(/expected an array of objects/);
  });
});
