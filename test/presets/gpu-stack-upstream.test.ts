import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { compare, Difference, facts, upstreamDocuments } from './gpu-stack-facts';
import { DcgmExporter, GpuContainerToolkit, GpuDevicePlugin } from '../../src';
import { newChart, only, synth } from '../util/synth';

/**
 * The GPU stack's DaemonSets compared point by point with NVIDIA's own, rendered at the pinned
 * versions (test/fixtures/upstream/, each with its source in a header): containers, command,
 * args, env, mounts with their types and propagation, security context, probes, ports,
 * tolerations, priority, runtime class, update strategy, host namespaces, node selection and
 * RBAC. Every fact on one side only must be covered by a listed difference, whose reason is on
 * the preset's docs page; a listed difference that no longer occurs fails too.
 */

const ROOT = join(__dirname, '..', '..');

/** The facts that differ only because the core writes out its safe defaults (docs/presets/*: "the core's explicit security context"). */
const CORE_SECURITY: Difference = {
  fact: /^\+ (main securityContext (privileged=false|seccompProfile\.type=RuntimeDefault|runAsGroup=0|runAsNonRoot=false|allowPrivilegeEscalation=true)|pod securityContext (fsGroupChangePolicy=Always|runAsNonRoot=false))$/,
  why: 'the core\'s explicit security context',
};
const CORE_NODE_NAME: Difference = { fact: /^\+ main env NODE_NAME=fieldRef:spec\.nodeName$/, why: '`NODE_NAME`, which the core adds to every agent' };
const GPU_NODES: Difference = { fact: /^[-+] (node term: .*|nodeSelector .*)$/, why: 'only the GPU nodes of `gpuNodes`' };
const RESOURCES: Difference = { fact: /^\+ main resources=/, why: 'requests and a memory limit' };

interface Case {
  readonly page: string;
  readonly fixture: string;
  readonly main: string;
  readonly create: (chart: Chart) => void;
  readonly differences: Difference[];
}

const CASES: Case[] = [
  {
    page: 'gpu-device-plugin',
    fixture: 'nvidia-device-plugin.yaml',
    main: 'nvidia-device-plugin-ctr',
    create: (c) => new GpuDevicePlugin(c, 'nvidia-device-plugin'),
    differences: [
      GPU_NODES, CORE_SECURITY, CORE_NODE_NAME, RESOURCES,
      { fact: /^\+ runtimeClassName=nvidia$/, why: '`runtimeClassName: nvidia`, as the GPU Operator sets it' },
      { fact: /^\+ init container wait-for-toolkit$/, why: 'an init container waits for the toolkit' },
      { fact: /^\+ main env (FAIL_ON_INIT_ERROR=true|DEVICE_LIST_STRATEGY=envvar|DEVICE_ID_STRATEGY=uuid)$/, why: 'the plugin\'s settings are written out' },
      { fact: /^[-+] main mount host \/var\/lib\/kubelet\/device-plugins \((no type|Directory)\) /, why: '`hostPath.type: Directory`' },
      { fact: /^- main mount host \/run\/nvidia\/mps/, why: 'no MPS mounts' },
      { fact: /^- main mount host \/var\/run\/cdi /, why: '`/var/run/cdi` only with a CDI strategy' },
      { fact: /^\+ main securityContext runAsUser=0$/, why: 'root, explicitly' },
      { fact: /^\+ main securityContext readOnlyRootFilesystem=true$/, why: 'read-only root filesystem' },
    ],
  },
  {
    page: 'gpu-container-toolkit',
    fixture: 'nvidia-container-toolkit.yaml',
    main: 'nvidia-container-toolkit-ctr',
    create: (c) => new GpuContainerToolkit(c, 'nvidia-container-toolkit'),
    differences: [
      GPU_NODES, CORE_SECURITY, CORE_NODE_NAME, RESOURCES,
      { fact: /^- serviceAccount token mounted$/, why: 'no API token' },
      { fact: /^[-+] init container (driver-validation|wait-for-driver)$/, why: 'waits for the driver in an init container of its own' },
      { fact: /^\+ container toolkit-ready$/, why: 'the `toolkit-ready` sidecar' },
      {
        fact: /^([-+] main command=|- main args=\["\/bin\/entrypoint\.sh"\]|- main mount configMap at \/bin\/entrypoint\.sh|- main mount host \/run\/nvidia\/validations )/,
        why: 'the entrypoint is a command',
      },
      { fact: /^- main env (RUNTIME_CONFIG|RUNTIME_SOCKET)=/, why: 'aliases' },
      { fact: /^\+ main env CONTAINERD_SET_AS_DEFAULT=false$/, why: 'not containerd\'s default runtime' },
      { fact: /^\+ main env (NVIDIA_DRIVER_ROOT=\/run\/nvidia\/driver|DRIVER_ROOT_CTR_PATH=\/driver-root)$/, why: 'the driver root is a prop' },
      { fact: /^[-+] main mount host (\/usr\/local\/nvidia|\/) \((no type|DirectoryOrCreate|Directory)\) at (\/usr\/local\/nvidia|\/host) /, why: '`hostPath.type` on every host path' },
      { fact: /^[-+] main mount host (\/run\/nvidia\/driver|\/run\/containerd) .* (rw|ro)( HostToContainer)?$/, why: 'read-only where reading is enough' },
      { fact: /^- main mount host (\/run\/containers\/oci\/hooks\.d|\/var\/run\/cdi) /, why: 'no CRI-O hooks or CDI directory' },
      { fact: /^- main securityContext seLinuxOptions\.level=s0$/, why: 'no SELinux level' },
      { fact: /^\+ main securityContext (runAsUser=0|readOnlyRootFilesystem=false)$/, why: 'root, with a writable root filesystem, explicitly' },
    ],
  },
  {
    page: 'dcgm-exporter',
    fixture: 'dcgm-exporter.yaml',
    main: 'exporter',
    create: (c) => new DcgmExporter(c, 'dcgm-exporter'),
    differences: [
      GPU_NODES, CORE_SECURITY, RESOURCES,
      { fact: /^\+ runtimeClassName=nvidia$/, why: '`runtimeClassName: nvidia`, as the GPU Operator sets it' },
      { fact: /^\+ toleration nvidia\.com\/gpu Exists NoSchedule$/, why: 'tolerates `nvidia.com/gpu`' },
      { fact: /^\+ init container wait-for-toolkit$/, why: 'an init container waits for the toolkit' },
      { fact: /^(- serviceAccount token mounted|- rbac Role .*)$/, why: 'no Role and no token' },
      { fact: /^[-+] main mount host \/var\/lib\/kubelet\/pod-resources \((no type|Directory)\) /, why: '`hostPath.type: Directory`' },
      { fact: /^- main mount configMap at \/etc\/dcgm-exporter\/dcp-metrics-included\.csv /, why: 'the image\'s own counters file' },
      { fact: /^\+ main env NO_SETCAP=true$/, why: '`NO_SETCAP`' },
      { fact: /^\+ main securityContext (capabilities\.drop=ALL|readOnlyRootFilesystem=false)$/, why: 'every other capability dropped' },
    ],
  },
];

describe.each(CASES)('$page compared with NVIDIA\'s $fixture', ({ page, fixture, main, create, differences }) => {
  // GIVEN NVIDIA's manifest at the pinned version, and the preset with its defaults
  const upstream = upstreamDocuments(fixture);
  const chart = newChart();
  create(chart);
  const ours = synth(chart);
  // WHEN
  const result = compare(facts(upstream, main), facts(ours, main), differences);

  test('differs only where a listed difference says why', () => {
    // THEN
    expect(result.undocumented).toEqual([]);
  });

  test('every listed difference still occurs', () => {
    expect(result.unused).toEqual([]);
  });

  test('the same image, main container, priority and update strategy', () => {
    const same = [...facts(upstream, main)].filter((f) => facts(ours, main).has(f));
    expect(same).toEqual(expect.arrayContaining([
      `container ${main}`,
      expect.stringMatching(/^main image=nvcr\.io\/nvidia\//),
      'priorityClassName=system-node-critical',
      'updateStrategy RollingUpdate maxUnavailable=1 maxSurge=0',
    ]));
  });

  test('every reason is on the preset\'s docs page', () => {
    // (case aside: a reason may open a sentence on the page)
    const markdown = readFileSync(join(ROOT, 'docs', 'presets', `${page}.md`), 'utf8').replace(/\s+/g, ' ').toLowerCase();
    expect(differences.map((d) => d.why).filter((why) => !markdown.includes(why.toLowerCase()))).toEqual([]);
  });
});

test('the DCGM exporter\'s monitor scrapes what the chart\'s ServiceMonitor scrapes', () => {
  // GIVEN
  const upstream = only(upstreamDocuments('dcgm-exporter.yaml'), 'ServiceMonitor');
  const chart = newChart();
  new DcgmExporter(chart, 'dcgm-exporter');
  // WHEN
  const ours = only(synth(chart), 'ServiceMonitor');
  // THEN the port name, path and interval are the chart's
  const pick = (e: any) => ({ port: e.port, path: e.path, interval: e.interval });
  expect(ours.spec.endpoints.map(pick)).toEqual(upstream.spec.endpoints.map(pick));
});
