import { UpdateStrategy } from '../../src';
import { LogAgent, LogAgentProps } from '../../src/presets/log-agent';
import { LogFlavor } from '../../src/presets/log-flavor';
import { container, newChart, only, podSpec, synth } from '../util/synth';

/**
 * The LogAgent's documented defaults (its "Defaults it changes" table and the notes on them)
 * that depend on the flavor, held against the synthesized manifest.
 * test/presets/preset-defaults.test.ts checks the "Defaults it changes" table and the single-valued defaults.
 */

describe('LogAgent: every @default it documents for a core prop holds', () => {
  const render = (flavor: LogFlavor, props: LogAgentProps = {}) => {
    const chart = newChart();
    new LogAgent(chart, 'logs', { flavor, ...props });
    const objects = synth(chart);
    return { objects, spec: podSpec(objects), main: container(objects), daemonSet: only(objects, 'DaemonSet') };
  };

  test.each([
    [LogFlavor.FLUENT_BIT, { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }],
    [LogFlavor.FLUENTD, { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }],
    [LogFlavor.FILEBEAT, { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }],
  ])('%s: resources, root user and group, runAsNonRoot false, token mounted, no fsGroup, component logging', (flavor, resources) => {
    const { spec, main, daemonSet } = render(flavor);
    expect(main.resources).toEqual(resources);
    expect(main.securityContext).toMatchObject({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false });
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.securityContext.fsGroup).toBeUndefined();
    expect(daemonSet.metadata.labels['app.kubernetes.io/component']).toBe('logging');
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(daemonSet.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  });

  test('imagePlatforms: declared for the default Fluent Bit and Fluentd images only', () => {
    const platforms = (flavor: LogFlavor, props: LogAgentProps = {}) => render(flavor, props).daemonSet.metadata.annotations?.['cdk8s-node-agents.dev/image-platforms'];
    expect(platforms(LogFlavor.FLUENT_BIT)).toBe('linux/amd64,linux/arm64,linux/arm/v7');
    expect(platforms(LogFlavor.FLUENTD)).toBe('linux/amd64,linux/arm64');
    expect(platforms(LogFlavor.FILEBEAT)).toBeUndefined();
    expect(platforms(LogFlavor.FLUENT_BIT, { image: 'registry.example.com/fluent-bit:4.0.8-custom' })).toBeUndefined();
    // The claim is about images, not about who chose them: the default image named explicitly keeps it.
    expect(platforms(LogFlavor.FLUENT_BIT, { image: 'cr.fluentbit.io/fluent/fluent-bit:4.0.8' })).toBe('linux/amd64,linux/arm64,linux/arm/v7');
  });

  test('imagePlatforms: a sidecar or init container with an image of yours clears the claim (the pod needs every image)', () => {
    const annotation = (props: LogAgentProps) => render(LogFlavor.FLUENT_BIT, props).daemonSet.metadata.annotations?.['cdk8s-node-agents.dev/image-platforms'];
    const own = { name: 'helper', image: 'registry.example.com/helper:1.0.0' };
    expect(annotation({ sidecars: [own] })).toBeUndefined();
    expect(annotation({ initContainers: [own] })).toBeUndefined();
    expect(annotation({ imagePlatforms: ['linux/amd64'], sidecars: [own] })).toBe('linux/amd64');
  });

  test('command, args, ports and probes per flavor', () => {
    const fluentBit = render(LogFlavor.FLUENT_BIT).main;
    expect([fluentBit.command, fluentBit.args]).toEqual([['/fluent-bit/bin/fluent-bit'], ['--workdir=/fluent-bit/etc', '--config=/fluent-bit/etc/conf/fluent-bit.conf']]);
    expect([fluentBit.livenessProbe.httpGet.path, fluentBit.readinessProbe.httpGet.path, fluentBit.startupProbe]).toEqual(['/', '/api/v1/health', undefined]);
    const fluentd = render(LogFlavor.FLUENTD).main;
    expect([fluentd.command, fluentd.args]).toEqual([undefined, undefined]);
    expect(fluentd.startupProbe).toMatchObject({ httpGet: { path: '/api/plugins.json', port: 24220 }, periodSeconds: 5, failureThreshold: 24 });
    const filebeat = render(LogFlavor.FILEBEAT).main;
    expect([filebeat.command, filebeat.args]).toEqual([undefined, ['-c', '/etc/filebeat/filebeat.yml', '-e']]);
    expect(filebeat.ports).toEqual([{ containerPort: 5066, name: 'http', protocol: 'TCP' }]);
  });

  test('hostMounts, volumes, volumeMounts, env and podAnnotations: the preset\'s, as documented', () => {
    const { spec, main, daemonSet } = render(LogFlavor.FLUENTD);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['host-var-log', 'state', 'config', 'tmp']);
    expect(main.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/log', '/fluentd/state', '/fluentd/etc', '/tmp']);
    expect(main.env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'FLUENTD_CONF', 'K8S_NODE_NAME']);
    expect(Object.keys(daemonSet.spec.template.metadata.annotations)).toEqual(['checksum/config']);
  });

  test('the documented ban on a surge holds for updateStrategy', () => {
    const updateStrategy = UpdateStrategy.rollingUpdate();
    expect(render(LogFlavor.FLUENT_BIT, { updateStrategy }).daemonSet.spec.updateStrategy.rollingUpdate.maxSurge).toBe(0);
  });
});
