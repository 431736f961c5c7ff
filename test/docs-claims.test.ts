/**
 * Claims of README.md and docs/presets/ that would drift silently when the code changes, held
 * against the synthesized manifests: every image a preset runs by default (in each flavor or
 * driver) is named on its page, and the Pod Security level the README's preset table and each
 * page give is the one `podSecurity()` computes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import {
  DaemonSet, GpuDriverFlavor, GpuDriverInstaller, LogAgent, LogFlavor, LogOutput, NetworkAgent, NodeExporter,
  SecurityAgent, SecurityAgentDriver, StorageDaemon,
  DcgmExporter, GpuContainerToolkit, GpuDevicePlugin,
  CalicoNode, CiliumAgent,
} from '../src';
import { synth, newChart } from './util/synth';
import { DatadogAgent } from '../src/presets/datadog-agent';

const ROOT = path.join(__dirname, '..');

interface Preset {
  /** The class name, as in the README's table. */
  readonly name: string;
  /** The page under docs/presets/. */
  readonly page: string;
  /** Instances in their default configuration, one per flavor or driver the page documents. */
  readonly create: Array<(chart: Chart) => DaemonSet>;
}

const PRESETS: Preset[] = [
  {
    name: 'LogAgent',
    page: 'log-agent.md',
    create: [
      (c) => new LogAgent(c, 'fluent-bit').daemonSet,
      (c) => new LogAgent(c, 'fluentd', { flavor: LogFlavor.FLUENTD }).daemonSet,
      (c) => new LogAgent(c, 'fluentd', { flavor: LogFlavor.FLUENTD, output: LogOutput.openSearch({ host: 'opensearch' }) }).daemonSet,
      (c) => new LogAgent(c, 'filebeat', { flavor: LogFlavor.FILEBEAT }).daemonSet,
    ],
  },
  { name: 'NodeExporter', page: 'node-exporter.md', create: [(c) => new NodeExporter(c, 'node-exporter').daemonSet] },
  {
    name: 'GpuDriverInstaller',
    page: 'gpu-driver-installer.md',
    create: [
      (c) => new GpuDriverInstaller(c, 'nvidia-driver-installer').daemonSet,
      (c) => new GpuDriverInstaller(c, 'nvidia-driver', { flavor: GpuDriverFlavor.DRIVER_CONTAINER }).daemonSet,
    ],
  },
  {
    name: 'SecurityAgent',
    page: 'security-agent.md',
    create: [
      (c) => new SecurityAgent(c, 'falco').daemonSet,
      (c) => new SecurityAgent(c, 'falco', { privileged: false }).daemonSet,
      (c) => new SecurityAgent(c, 'falco', { driver: SecurityAgentDriver.KERNEL_MODULE }).daemonSet,
    ],
  },
  {
    name: 'NetworkAgent',
    page: 'network-agent.md',
    create: [(c) => new NetworkAgent(c, 'kube-proxy', { apiServerHost: '10.0.0.10', apiServerPort: 6443 }).daemonSet],
  },
  { name: 'StorageDaemon', page: 'storage-daemon.md', create: [(c) => new StorageDaemon(c, 'ebs-csi-node').daemonSet] },
  { name: 'GpuContainerToolkit', page: 'gpu-container-toolkit.md', create: [(c) => new GpuContainerToolkit(c, 'nvidia-container-toolkit').daemonSet] },
  { name: 'GpuDevicePlugin', page: 'gpu-device-plugin.md', create: [(c) => new GpuDevicePlugin(c, 'nvidia-device-plugin').daemonSet] },
  { name: 'DcgmExporter', page: 'dcgm-exporter.md', create: [(c) => new DcgmExporter(c, 'dcgm-exporter').daemonSet] },
  { name: 'DatadogAgent', page: 'datadog-agent.md', create: [(c) => new DatadogAgent(c, 'datadog', { apiKeySecretName: 'datadog-secret' }).daemonSet] },
  { name: 'CiliumAgent', page: 'cilium-agent.md', create: [(c) => new CiliumAgent(c, 'cilium').daemonSet] },
  { name: 'CalicoNode', page: 'calico-node.md', create: [(c) => new CalicoNode(c, 'calico-node').daemonSet] },
];

function page(preset: Preset): string {
  return fs.readFileSync(path.join(ROOT, 'docs', 'presets', preset.page), 'utf-8');
}

/** The Pod Security level in the README's preset table (first word of the column). */
function readmeLevel(name: string): string | undefined {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
  return row?.split('|')[3]?.trim().split(/\s+/)[0];
}

describe.each(PRESETS.map((p) => [p.name, p] as const))('%s', (_, preset) => {
  test('its page names every image the preset runs by default', () => {
    // GIVEN each documented flavor in its default configuration
    const images = new Set<string>();
    for (const create of preset.create) {
      const chart = newChart();
      create(chart);
      // WHEN synthesized
      for (const o of synth(chart).filter((x) => x.kind === 'DaemonSet')) {
        const spec = o.spec.template.spec;
        [...spec.containers, ...(spec.initContainers ?? [])].forEach((c: any) => images.add(c.image));
      }
    }
    // THEN the page names each image as it is pulled
    expect([...images].filter((image) => !page(preset).includes(image))).toEqual([]);
  });

  test('README and its page give the Pod Security level the pods meet', () => {
    // GIVEN the levels the pods of each flavor meet
    const levels = new Set(preset.create.map((create) => create(newChart()).podSecurity().level));
    // THEN it is one level, the README's table gives it, and the page says it in bold
    expect(levels.size).toBe(1);
    const [level] = [...levels];
    expect(readmeLevel(preset.name)).toBe(level);
    expect(page(preset)).toMatch(new RegExp(`\\*\\*(Pod Security level: \`${level}\`|${level})\\*\\*`));
  });
});

test('the README\'s preset table lists exactly these presets', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const rows = readme.split('\n').filter((l) => /^\| `[A-Z]\w+` \|/.test(l)).map((l) => /^\| `(\w+)`/.exec(l)![1]);
  expect(rows).toEqual(PRESETS.map((p) => p.name));
});

describe('the README\'s benchmark figures are those BENCHMARKS.md records', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const benchmarks = fs.readFileSync(path.join(ROOT, 'BENCHMARKS.md'), 'utf-8');
  /** "measured" of the first row of BENCHMARKS.md's target tables whose "what" starts with `what`. */
  const recorded = (what: RegExp): number[] => benchmarks.split('\n')
    .filter((l) => l.startsWith('| ') && what.test(l.split('|')[1].trim()))
    .map((l) => Number(/([\d.]+)x/.exec(l.split('|')[2])![1]));
  const shown = (what: string): string => {
    const row = readme.split('\n').find((l) => l.startsWith(`| ${what}`));
    return row!.split('|')[2].trim();
  };

  test('core vs cdk8s-plus-28', () => {
    expect(shown('core `DaemonSet` vs cdk8s-plus-28')).toBe(`${recorded(/^core DaemonSet vs cdk8s-plus-28 DaemonSet/)[0].toFixed(2)}x`);
  });

  test('each preset vs the core: the range of the presets\' figures', () => {
    const figures = recorded(/^library preset \w+ vs core/);
    expect(figures.length).toBeGreaterThanOrEqual(6);
    expect(shown('each preset vs the core')).toBe(`${Math.min(...figures).toFixed(2)}x–${Math.max(...figures).toFixed(2)}x`);
  });

  test('core vs the floor at 300 instances', () => {
    expect(shown('core `DaemonSet` vs the floor')).toBe(`${recorded(/^core DaemonSet vs the floor/)[0].toFixed(2)}x`);
  });

  test('loading the library', () => {
    expect(shown('loading the library')).toBe(`${recorded(/^loading the library vs cdk8s-plus-28 alone/)[0].toFixed(2)}x`);
  });
});

test('the quick start asks for the Node.js, peer dependency majors and tarball package.json declares', () => {
  // GIVEN what package.json declares and what the README's quick start says
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  const install = /```sh step=install\n(.*)\n```/.exec(readme)![1].split(/\s+/);
  const major = (range: string) => /(\d+)\./.exec(range)![1];
  // THEN the Node.js floor and every peer dependency's major are the same
  expect(readme).toContain(`with Node.js ${major(pkg.engines.node)} or later`);
  // the tarball `npm pack` writes, which the README tells a reader to install until the library is published
  expect(readme).toContain(`\`${pkg.name}-${pkg.version}.tgz\``);
  for (const [name, range] of Object.entries<string>(pkg.peerDependencies)) {
    expect(install).toContain(`${name}@${major(range)}`);
  }
});
