import { Duration, Size } from 'cdk8s';
import { AgentVolume, DaemonSet, DaemonSetProps, PodSecurityLevel, ProjectedSource } from '../src';
import { newChart, synthAgent } from './util/synth';

const IMAGE = 'registry.example.com/agent:1.2.3';

/** One agent with these volumes, each mounted at /mnt/<name>. */
function agentWith(volumes: AgentVolume[], props: Partial<DaemonSetProps> = {}) {
  const chart = newChart();
  const ds = new DaemonSet(chart, 'agent', {
    image: IMAGE,
    volumes,
    volumeMounts: volumes.map((v) => ({ volumeName: v.name, mountPath: `/mnt/${v.name}` })),
    ...props,
  });
  return { ds, ...synthAgent(chart) };
}

function make(volumes: AgentVolume[]): () => DaemonSet {
  return () => new DaemonSet(newChart(), 'agent', { image: IMAGE, volumes });
}

describe('AgentVolume.fromProjected', () => {
  test('a token for another audience, a ConfigMap and a Secret in one directory', () => {
    // GIVEN
    const volume = AgentVolume.fromProjected('credentials', [
      ProjectedSource.serviceAccountToken('vault-token', { audience: 'vault', expiration: Duration.minutes(20) }),
      ProjectedSource.configMap('agent-ca', { items: { 'ca.crt': 'ca.crt' } }),
      ProjectedSource.secret('agent-tls', { optional: true }),
    ], { defaultMode: 0o440 });
    // WHEN
    const { spec, main, ds } = agentWith([volume]);
    // THEN
    expect(spec.volumes).toEqual([{
      name: 'credentials',
      projected: {
        defaultMode: 0o440,
        sources: [
          { serviceAccountToken: { path: 'vault-token', audience: 'vault', expirationSeconds: 1200 } },
          { configMap: { name: 'agent-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { secret: { name: 'agent-tls', optional: true } },
        ],
      },
    }]);
    expect(main.volumeMounts).toEqual([{ name: 'credentials', mountPath: '/mnt/credentials', readOnly: true }]);
    // The kubelet writes the files as root and the pod's fsGroup: the agent's group reads them.
    expect(spec.securityContext.fsGroup).toBe(65534);
    expect(ds.podSecurity().level).toBe(PodSecurityLevel.RESTRICTED);
  });

  test('a token defaults to one hour and the API server\'s audience', () => {
    const { spec } = agentWith([AgentVolume.fromProjected('token', [ProjectedSource.serviceAccountToken('token')])]);
    expect(spec.volumes[0].projected).toEqual({ sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] });
  });

  test.each([
    ['no sources', [], /volumes\[0\]\.sources: got \[\]; expected at least one ProjectedSource/],
    ['a token valid for 5 minutes', [ProjectedSource.serviceAccountToken('t', { expiration: Duration.minutes(5) })], /volumes\[0\]\.sources\[0\]\.expiration: got "300s"; expected a Duration of whole seconds from 10 minutes \(600 s\)/],
    ['an absolute token path', [ProjectedSource.serviceAccountToken('/token')], /volumes\[0\]\.sources\[0\]\.path: got "\/token"; expected a relative path/],
    ['an empty audience', [ProjectedSource.serviceAccountToken('t', { audience: '' })], /volumes\[0\]\.sources\[0\]\.audience: got ""; expected a non-empty audience/],
    ['a bad Secret name', [ProjectedSource.secret('Agent_TLS')], /volumes\[0\]\.sources\[0\]\.name: got "Agent_TLS"; expected a DNS-1123 subdomain/],
    ['an item path with ..', [ProjectedSource.configMap('cfg', { items: { a: '../a' } })], /volumes\[0\]\.sources\[0\]\.items\.a: got "\.\.\/a"; expected a relative path/],
    ['two sources writing one file', [ProjectedSource.serviceAccountToken('token'), ProjectedSource.secret('s', { items: { t: 'token' } })], /volumes\[0\]\.sources: got "token"; each file path may appear in only one source/],
  ])('fails when given %s', (_, sources, error) => {
    expect(make([AgentVolume.fromProjected('v', sources as ProjectedSource[])])).toThrow(error);
  });

  test('fails at once when untyped callers pass a number for a Duration, or something that is not a ProjectedSource', () => {
    expect(() => ProjectedSource.serviceAccountToken('t', { expiration: 3600 as any }))
      .toThrow(/ProjectedSource\.serviceAccountToken\(\):\n {2}- expiration: got 3600; expected a Duration/);
    expect(() => AgentVolume.fromProjected('v', [{ secret: { name: 'x' } } as any]))
      .toThrow(/AgentVolume\.fromProjected\(\):\n {2}- sources\[0\]: got .*expected a ProjectedSource/);
  });

  test('fails when the mode is out of range', () => {
    expect(make([AgentVolume.fromProjected('v', [ProjectedSource.secret('s')], { defaultMode: 777 })]))
      .toThrow(/volumes\[0\]\.defaultMode: got 777; expected file mode bits from 0 to 0o777/);
  });
});

describe('AgentVolume.fromCsi', () => {
  test('an inline CSI volume, read-only by default', () => {
    // GIVEN
    const volume = AgentVolume.fromCsi('secrets', 'secrets-store.csi.k8s.io', {
      volumeAttributes: { secretProviderClass: 'agent-secrets' },
      nodePublishSecretName: 'provider-creds',
    });
    // WHEN
    const { spec, ds } = agentWith([volume]);
    // THEN
    expect(spec.volumes).toEqual([{
      name: 'secrets',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: 'agent-secrets' },
        nodePublishSecretRef: { name: 'provider-creds' },
      },
    }]);
    expect(ds.podSecurity().level).toBe(PodSecurityLevel.RESTRICTED);
    // The CSI driver decides ownership (its fsGroupPolicy); the core adds no fsGroup for it.
    expect(spec.securityContext.fsGroup).toBeUndefined();
  });

  test('writable with a filesystem type when asked', () => {
    const { spec } = agentWith([AgentVolume.fromCsi('scratch', 'scratch.csi.example.com', { readOnly: false, fsType: 'ext4' })]);
    expect(spec.volumes[0].csi).toEqual({ driver: 'scratch.csi.example.com', readOnly: false, fsType: 'ext4' });
  });

  test.each([
    ['Secrets_Store', /volumes\[0\]\.driver: got "Secrets_Store"; expected a CSI driver name/],
    [`${'a'.repeat(60)}.csi.io`, /volumes\[0\]\.driver: got "a{60}\.csi\.io"; expected a CSI driver name: a DNS-1123 subdomain of at most 63 characters/],
  ])('fails when the driver is %j', (driver, error) => {
    expect(make([AgentVolume.fromCsi('v', driver)])).toThrow(error);
  });

  test('fails when the attributes are not an object (untyped callers)', () => {
    expect(() => AgentVolume.fromCsi('v', 'secrets-store.csi.k8s.io', { volumeAttributes: 'class=agent' as any }))
      .toThrow(/AgentVolume\.fromCsi\(\):\n {2}- volumeAttributes: got "class=agent"; expected an object of names to strings/);
  });

  test('fails when the publish Secret name is invalid', () => {
    expect(make([AgentVolume.fromCsi('v', 'secrets-store.csi.k8s.io', { nodePublishSecretName: 'Creds!' })]))
      .toThrow(/volumes\[0\]\.nodePublishSecretName: got "Creds!"; expected a DNS-1123 subdomain/);
  });
});

test('fails when an emptyDir size limit is not whole MiB, naming the prop (cdk8s-plus would throw without it; issue 19)', () => {
  // GIVEN 1.5 MiB
  const build = () => new DaemonSet(newChart(), 'agent', {
    image: 'registry.example.com/agent:1.2.3',
    volumes: [AgentVolume.fromEmptyDir('cache', { sizeLimit: Size.kibibytes(1536) })],
    volumeMounts: [{ volumeName: 'cache', mountPath: '/cache', readOnly: false }],
  });
  // THEN the library's error, with the prop
  expect(build).toThrow(/volumes\[0\]\.sizeLimit: got "1536KiB"; expected a whole number of MiB/);
});
