import { PodInventory } from '../../src/placement';

const pod = (name: string, spec: { [key: string]: unknown } = {}, status: { [key: string]: unknown } = { phase: 'Running' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps' },
  spec: { nodeName: 'n', containers: [{ name: 'c', image: 'c:1' }], ...spec },
  status,
});

describe('PodInventory', () => {
  test('reads a List, a PodList and a single Pod', () => {
    // GIVEN the three shapes kubectl prints
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b')] };
    // WHEN / THEN
    expect(PodInventory.fromKubectlJson(JSON.stringify(list)).podCount).toBe(2);
    expect(PodInventory.fromKubectlObject({ ...list, kind: 'PodList' }).podCount).toBe(2);
    expect(PodInventory.fromKubectlObject(pod('a')).podCount).toBe(1);
    expect(PodInventory.fromKubectlObject({ kind: 'List', items: [{ metadata: { name: 'no-kind' }, spec: {} }] }).podCount).toBe(1);
  });

  test('reads what the scheduler counts: requests (limits as defaults), host ports, priority, owner', () => {
    const inv = PodInventory.fromKubectlObject(pod('exporter', {
      hostNetwork: true,
      priority: 1000,
      containers: [{ name: 'e', image: 'e:1', resources: { limits: { cpu: '200m' }, requests: { memory: '64Mi' } }, ports: [{ containerPort: 9100 }, { containerPort: 9101, protocol: 'UDP', hostIP: '127.0.0.1' }] }],
    }));
    const [p] = inv._pods;
    expect(p).toMatchObject({ namespace: 'apps', name: 'exporter', nodeName: 'n', phase: 'Running', priority: 1000 });
    expect(p.request).toMatchObject({ cpu: 200, memory: 64 * 2 ** 20 });
    expect(p.ports).toEqual([{ ip: '0.0.0.0', protocol: 'TCP', port: 9100 }, { ip: '127.0.0.1', protocol: 'UDP', port: 9101 }]);
  });

  test.each([
    ['not JSON', () => PodInventory.fromKubectlJson('{'), /Pod inventory: not valid JSON/],
    ['not text', () => PodInventory.fromKubectlJson(42 as any), /expected the JSON text printed by "kubectl get pods -A -o json", got number 42/],
    ['a node list', () => PodInventory.fromKubectlObject({ kind: 'NodeList', items: [] }), /got kind string "NodeList"/],
    ['a list without items', () => PodInventory.fromKubectlObject({ kind: 'List' }), /the List has no "items" list/],
    ['an item of another kind', () => PodInventory.fromKubectlObject({ kind: 'List', items: [{ kind: 'Node' }] }), /items\[0\] is kind string "Node"; expected a Pod object/],
    ['a request that is not a quantity', () => PodInventory.fromKubectlObject({ kind: 'List', items: [pod('x', { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] })] }),
      /Pod inventory: items\[0\] \(apps\/x\): spec.containers\[0\].resources.requests\["cpu"\] is string "lots"; expected a Kubernetes quantity/],
  ])('fails when given %s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
