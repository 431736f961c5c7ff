/**
 * What a DaemonSet does on a real node (its pod, deletion, rolling updates by image and by the
 * config checksum, OnDelete), timed next to RolloutPlan's estimate for one node; and deliberately
 * broken variants that only a real kubelet catches (the library's own rules are bypassed with the
 * escape hatch or cannot know). Run with `npm run test:node`.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { HostPathVolumeType, k8s } from 'cdk8s-plus-28';
import { apply, containerIdOf, isReady, podLog, podsOf, podTrouble, report, restarts, synth, waitReady } from './agents';
import { RealNode } from './real-node';
import { standInImage } from './stand-ins';
import { AgentVolume, DaemonSet, HostMount, LogAgent, RolloutPlan, UpdateStrategy } from '../../src';
import { sleep, waitFor } from '../cluster/control-plane';

const NAMESPACES = ['behaviour', 'broken', 'logging'];
let node: RealNode;

beforeAll(async () => {
  node = await RealNode.start();
  node.importBusybox('busybox:1.35');
  node.importBusybox('busybox:1.36');
}, 300_000);

afterAll(async () => {
  const undone = await node?.stop(NAMESPACES);
  console.log(`teardown: ${undone?.join('; ')}`);
}, 300_000);

const dsOf = (objects: any[]) => objects.find((o) => o.kind === 'DaemonSet');

/** The core DaemonSet running busybox `sleep` (stops at once on SIGTERM), image tag and strategy given. */
function sleeper(tag: string, strategy?: UpdateStrategy): any[] {
  return synth('behaviour', (chart) => {
    new DaemonSet(chart, strategy ? 'on-delete' : 'rolling', {
      image: `busybox:${tag}`,
      command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
      updateStrategy: strategy,
    });
  });
}

async function events(namespace: string, pod: any): Promise<string[]> {
  const list = await node.client.get(`/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name=${pod.metadata.name}`);
  return list.items.map((e: any) => `${e.reason}: ${e.message}`);
}

describe('what a DaemonSet does, on the real node', () => {
  test('its pod runs on the node; a new image tag replaces it (RollingUpdate); deleting the DaemonSet deletes its pod', async () => {
    // GIVEN the core DaemonSet with its default RollingUpdate strategy
    const v1 = sleeper('1.35');
    const ds = dsOf(v1);
    const plan = RolloutPlan.forManifest(ds, 1);
    let t0 = Date.now();
    await apply(node, v1);
    const first = await waitReady(node, ds);
    const applyToReady = (Date.now() - t0) / 1000;
    expect(first.spec.nodeName).toBe('node-tier');

    // WHEN its image tag changes
    t0 = Date.now();
    await apply(node, sleeper('1.36'));
    const second = await waitReady(node, ds, 120_000, first.metadata.name);
    const changeToReady = (Date.now() - t0) / 1000;

    // THEN a new pod runs the new image and the old one is gone
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(second.spec.containers[0].image).toBe('busybox:1.36');
    expect((await podsOf(node, ds)).map((p) => p.metadata.name)).toEqual([second.metadata.name]);

    // AND deleting the DaemonSet deletes its pod
    await node.client.delete(`/apis/apps/v1/namespaces/behaviour/daemonsets/${ds.metadata.name}`);
    await waitFor('the pod deleted with its DaemonSet', async () => ((await podsOf(node, ds)).length === 0 ? true : undefined), 60_000);

    report({
      agent: 'DaemonSet behaviour (RollingUpdate)',
      image: 'busybox:1.35 -> busybox:1.36',
      ready: isReady(second),
      restarts: restarts(second),
      checked: [
        `apply to Ready ${applyToReady.toFixed(1)} s; image change to the new pod Ready ${changeToReady.toFixed(1)} s`,
        `RolloutPlan.forManifest(ds, 1): ${plan.summary}`,
        'old pod replaced (new uid, new image); DaemonSet deleted: its pod garbage-collected',
      ],
    });
  });

  test('a ConfigMap edit rolls the LogAgent\'s pod through its checksum annotation, and the new pod reads the new config', async () => {
    // GIVEN the LogAgent (Fluent Bit stand-in) applied, then an edit of what goes into its ConfigMap
    const make = (exclude: string) => synth('logging', (chart) => {
      new LogAgent(chart, 'fluent-bit', { excludeNamespaces: [exclude] });
    });
    const before = make('excluded-before');
    const after = make('excluded-after');
    const ds = dsOf(before);
    node.importImage(standInImage(ds.spec.template.spec.containers[0], false));
    const checksum = (objs: any[]) => dsOf(objs).spec.template.metadata.annotations['checksum/config'];
    expect(checksum(after)).not.toBe(checksum(before));
    await apply(node, before);
    const first = await waitReady(node, ds);

    // WHEN the edited ConfigMap and DaemonSet are applied
    const t0 = Date.now();
    await apply(node, after);
    const second = await waitReady(node, ds, 120_000, first.metadata.name);
    const changeToReady = (Date.now() - t0) / 1000;

    // THEN a new pod carries the new checksum and reads the new config
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(second.metadata.annotations['checksum/config']).toBe(checksum(after));
    const container = ds.spec.template.spec.containers[0];
    const configMount = container.volumeMounts.find((m: any) => m.name === 'config');
    const read = node.exec(containerIdOf(second, container.name), ['sh', '-c', `cat ${configMount.mountPath}/*`]);
    expect(read.out).toContain('excluded-after');
    expect(read.out).not.toContain('excluded-before');

    report({
      agent: 'DaemonSet behaviour (config checksum)',
      image: ds.spec.template.spec.containers[0].image,
      ready: isReady(second),
      restarts: restarts(second),
      checked: [
        `checksum/config ${checksum(before).slice(0, 12)}… -> ${checksum(after).slice(0, 12)}…: pod replaced, new pod reads the edited config`,
        `ConfigMap edit to the new pod Ready ${changeToReady.toFixed(1)} s; RolloutPlan: ${RolloutPlan.forManifest(ds, 1).summary}`,
      ],
    });
  });

  test('OnDelete keeps the old pod after a template change until it is deleted', async () => {
    // GIVEN the core DaemonSet with the OnDelete strategy, Ready
    const v1 = sleeper('1.35', UpdateStrategy.onDelete());
    const ds = dsOf(v1);
    expect(ds.spec.updateStrategy.type).toBe('OnDelete');
    await apply(node, v1);
    const first = await waitReady(node, ds);

    // WHEN its image tag changes and some time passes
    await apply(node, sleeper('1.36', UpdateStrategy.onDelete()));
    await sleep(8_000);

    // THEN the old pod still runs the old image
    const still = await podsOf(node, ds);
    expect(still.map((p) => [p.metadata.uid, p.spec.containers[0].image])).toEqual([[first.metadata.uid, 'busybox:1.35']]);

    // AND once deleted, its replacement runs the new image
    const t0 = Date.now();
    await node.client.delete(`/api/v1/namespaces/behaviour/pods/${first.metadata.name}`);
    const second = await waitReady(node, ds, 120_000, first.metadata.name);
    expect(second.spec.containers[0].image).toBe('busybox:1.36');
    const plan = RolloutPlan.forManifest(ds, 1);
    expect(plan.rollsAutomatically).toBe(false);

    report({
      agent: 'DaemonSet behaviour (OnDelete)',
      image: 'busybox:1.35 -> busybox:1.36',
      ready: isReady(second),
      restarts: restarts(second),
      checked: [
        'template changed: old pod kept for 8 s (same uid, old image)',
        `deleted: replacement Ready ${((Date.now() - t0) / 1000).toFixed(1)} s later with the new image; RolloutPlan: ${plan.summary}`,
      ],
    });
  });
});

describe('broken variants the real node catches', () => {
  test('a non-root Secret reader without fsGroup cannot read its Secret (the container fails; the pod is never Ready)', async () => {
    // GIVEN the core DaemonSet whose container reads its Secret at start, with the pod's fsGroup
    // removed through the escape hatch (the default user 65534 is then not in the files' group)
    const objects = synth('broken', (chart) => {
      new k8s.KubeSecret(chart, 'creds', { metadata: { name: 'creds' }, stringData: { token: 'x' } });
      const ds = new DaemonSet(chart, 'no-fsgroup', {
        image: 'busybox:1.35',
        command: ['sh', '-c', 'cat /creds/token && exec sleep 86400'],
        volumes: [AgentVolume.fromSecret('creds', 'creds')],
        volumeMounts: [{ volumeName: 'creds', mountPath: '/creds' }],
      });
      ApiObject.of(ds.workload).addJsonPatch(JsonPatch.remove('/spec/template/spec/securityContext/fsGroup'));
    });
    const ds = dsOf(objects);
    expect(ds.spec.template.spec.securityContext.fsGroup).toBeUndefined();
    expect(ds.spec.template.spec.containers[0].securityContext.runAsUser).toBe(65534);

    // WHEN it is applied
    await apply(node, objects);

    // THEN the container exits on "Permission denied" and restarts; the pod is not Ready
    const pod = await waitFor('the container failing', async () => {
      const [p] = await podsOf(node, ds);
      return p && restarts(p) >= 1 ? p : undefined;
    }, 90_000, 500);
    expect(isReady(pod)).toBe(false);
    expect(podLog(pod, ds.spec.template.spec.containers[0].name)).toContain('cat: can\'t open \'/creds/token\': Permission denied');
    report({
      agent: 'broken: Secret without fsGroup',
      image: 'busybox:1.35',
      ready: isReady(pod),
      restarts: restarts(pod),
      checked: ['uid 65534, Secret files 0440 root:root: "Permission denied"; container restarted, pod never Ready'],
    });
  });

  test('a readiness probe on a port the container does not declare or listen on keeps the pod not Ready', async () => {
    // GIVEN the core DaemonSet serving HTTP on its declared port 8080, and (escape hatch) a
    // readiness probe on 8081
    const objects = synth('broken', (chart) => {
      const ds = new DaemonSet(chart, 'wrong-probe-port', {
        image: 'busybox:1.35',
        command: ['sh', '-c', 'mkdir -p /tmp/www && exec httpd -f -p 8080 -h /tmp/www'],
        ports: [{ containerPort: 8080, name: 'http' }],
        volumes: [AgentVolume.fromEmptyDir('tmp')],
        volumeMounts: [{ volumeName: 'tmp', mountPath: '/tmp', readOnly: false }],
      });
      ApiObject.of(ds.workload).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', {
        httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8081) }, periodSeconds: 1, failureThreshold: 1,
      }));
    });
    const ds = dsOf(objects);
    const container = ds.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.port).toBe(8081);
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([8080]);

    // WHEN it is applied and its container runs
    await apply(node, objects);
    let last: any;
    const pod = await waitFor('the container running', async () => {
      [last] = await podsOf(node, ds);
      return last?.status?.containerStatuses?.[0]?.state?.running ? last : undefined;
    }, 60_000, 500).catch(async (e) => {
      const why = last ? `${podTrouble(last)}\n${(await events('broken', last)).join('\n')}\nlog: ${podLog(last, 'wrong-probe-port')}` : '(no pod)';
      throw new Error(`${e.message}\n${why}`);
    });

    // THEN the kubelet's readiness probe is refused, and the pod stays not Ready
    const refused = await waitFor('a failed readiness probe event', async () => {
      const found = (await events('broken', pod)).find((e) => e.startsWith('Unhealthy: Readiness probe failed'));
      return found;
    }, 60_000, 500);
    expect(refused).toMatch(/:8081\/.*connection refused/);
    const [now] = await podsOf(node, ds);
    expect(isReady(now)).toBe(false);
    // AND the declared port does answer: only the probe's port is wrong
    const declared = await fetch(`http://${now.status.podIP}:8080/`);
    expect(declared.status).toBeLessThan(500);
    expect(restarts(now)).toBe(0);
    report({
      agent: 'broken: probe on an undeclared port',
      image: 'busybox:1.35',
      ready: isReady(now),
      restarts: restarts(now),
      checked: [`kubelet: ${refused.slice(0, 160)}`, `the declared port 8080 answered HTTP ${declared.status} at the pod's IP`],
    });
  });

  test('a Socket hostPath that does not exist leaves the pod ContainerCreating with a FailedMount', async () => {
    // GIVEN the core DaemonSet mounting a runtime socket this node does not have
    const objects = synth('broken', (chart) => {
      new DaemonSet(chart, 'missing-socket', {
        image: 'busybox:1.35',
        command: ['sleep', '86400'],
        hostMounts: [HostMount.readOnly('/run/cdk8s-node-tier-missing.sock', { type: HostPathVolumeType.SOCKET })],
      });
    });
    const ds = dsOf(objects);

    // WHEN it is applied
    await apply(node, objects);

    // THEN the kubelet refuses the mount and the container never starts
    const [pod] = await waitFor('the pod', async () => {
      const pods = await podsOf(node, ds);
      return pods.length ? pods : undefined;
    }, 60_000, 500);
    const failed = await waitFor('a FailedMount event', async () => (await events('broken', pod)).find((e) => e.startsWith('FailedMount')), 90_000, 500);
    expect(failed).toMatch(/hostPath type check failed: \/run\/cdk8s-node-tier-missing\.sock is not a socket file/);
    const [now] = await podsOf(node, ds);
    expect(now.status.containerStatuses?.[0]?.state?.waiting?.reason ?? 'ContainerCreating').toBe('ContainerCreating');
    expect(isReady(now)).toBe(false);
    report({
      agent: 'broken: missing Socket hostPath',
      image: 'busybox:1.35',
      ready: isReady(now),
      restarts: restarts(now),
      checked: [`kubelet: ${failed.slice(0, 160)}`],
    });
  });
});
