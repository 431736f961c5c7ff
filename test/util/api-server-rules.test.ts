import { apiServerProblems } from './api-server-rules';

function daemonSet(patch: (ds: any) => void): any {
  const ds: any = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', labels: { app: 'agent' } },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'x:1', resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } }] },
      },
    },
  };
  patch(ds);
  return ds;
}

describe('apiServerProblems', () => {
  test('accepts a valid DaemonSet', () => {
    expect(apiServerProblems(daemonSet(() => {}))).toEqual([]);
  });

  test.each([
    ['a selector that does not match the template', (ds: any) => { ds.spec.selector.matchLabels.app = 'other'; }, /selector app=other/],
    ['both maxUnavailable and maxSurge 0', (ds: any) => { ds.spec.updateStrategy.rollingUpdate.maxUnavailable = '0%'; }, /both 0/],
    ['both maxUnavailable and maxSurge non-zero', (ds: any) => { ds.spec.updateStrategy.rollingUpdate.maxSurge = '10%'; }, /both non-zero/],
    ['a percentage above 100', (ds: any) => { ds.spec.updateStrategy.rollingUpdate.maxUnavailable = '150%'; }, /maxUnavailable "150%"/],
    ['a request above its limit', (ds: any) => { ds.spec.template.spec.containers[0].resources.requests.memory = '1Gi'; }, /memory request 1Gi above limit 128Mi/],
    ['a mount of an unknown volume', (ds: any) => { ds.spec.template.spec.containers[0].volumeMounts = [{ name: 'x', mountPath: '/x' }]; }, /unknown volume x/],
    ['a port out of range', (ds: any) => { ds.spec.template.spec.containers[0].ports = [{ containerPort: 70000 }]; }, /port 70000 out of range/],
    ['an invalid name', (ds: any) => { ds.metadata.name = 'Agent'; }, /invalid metadata.name "Agent"/],
    ['root with runAsNonRoot', (ds: any) => { ds.spec.template.spec.containers[0].securityContext = { runAsNonRoot: true, runAsUser: 0 }; }, /never starts/],
    ['tolerationSeconds without NoExecute', (ds: any) => { ds.spec.template.spec.tolerations = [{ key: 'a', operator: 'Exists', tolerationSeconds: 5 }]; }, /tolerationSeconds/],
  ])('flags %s', (_what, patch, error) => {
    expect(apiServerProblems(daemonSet(patch)).join('\n')).toMatch(error);
  });
});
