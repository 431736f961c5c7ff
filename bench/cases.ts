/**
 * The registry of synthesis cases: everything that turns N agents into YAML, from the floor
 * (plain objects through the `yaml` package cdk8s bundles) to each preset of the library.
 * A preset is one `preset(...)` line; presets not (yet) exported from src/index.ts are listed
 * as skipped rather than failing the run.
 */
import { App, Chart, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { IMAGE, l1Objects, plainObjects, plusDefaults, plusObjects } from './equivalents';
import * as lib from '../src';

export type CaseGroup = 'floor' | 'alternative' | 'library' | 'preset';

export interface SynthesisCase {
  /** Short key, used on the command line (`--case core`) and in the profile script. */
  readonly id: string;
  readonly label: string;
  readonly group: CaseGroup;
  /** Builds `count` agents in a fresh App and returns the synthesized YAML (all of it is timed). */
  readonly run?: (count: number) => string;
  /** Why the case is not measured. */
  readonly skipped?: string;
}

/** A fresh App with one chart, `count` agents added by `add`, synthesized to one YAML string. */
function inChart(add: (chart: Chart, i: number, count: number) => void): (count: number) => string {
  return (count) => {
    const app = new App();
    const chart = new Chart(app, 'bench');
    for (let i = 0; i < count; i++) {
      add(chart, i, count);
    }
    return app.synthYaml();
  };
}

type PresetClass = new (scope: Construct, id: string, props?: { name?: string }) => Construct;

/** The props a preset cannot do without (kube-proxy needs the API server's address). */
const REQUIRED_PROPS: { [className: string]: object } = { NetworkAgent: { apiServerHost: '10.0.0.10', apiServerPort: 6443 } };

/**
 * A preset of the library, looked up by its exported class name. Constructed with no props but
 * the required ones (one instance) or with only a unique `name` and node pool too (many), so
 * that it is measured with its own defaults.
 */
function preset(className: string, dnsName: string): SynthesisCase {
  const ctor = (lib as unknown as { [name: string]: unknown })[className];
  const id = dnsName;
  const label = `library preset ${className}`;
  if (typeof ctor !== 'function') {
    return { id, label, group: 'preset', skipped: 'not exported from src/index.ts at run time' };
  }
  const Preset = ctor as PresetClass;
  return {
    id,
    label,
    group: 'preset',
    run: inChart((chart, i, count) => {
      // Many instances each get their own node pool: agents that can share a node must not claim
      // the same host port or writable host path, which the library reports at synth.
      const many = { name: `${dnsName}-${i}`, nodeSelector: { 'bench.example.com/pool': `pool-${i}` } };
      new Preset(chart, `${className}${i}`, { ...REQUIRED_PROPS[className], ...(count === 1 ? {} : many) });
    }),
  };
}

export const CASES: SynthesisCase[] = [
  {
    id: 'floor',
    label: 'floor: plain objects + Yaml.stringify',
    group: 'floor',
    run: (count) => {
      const docs: unknown[] = [];
      for (let i = 0; i < count; i++) {
        docs.push(...plainObjects(`agent-${i}`));
      }
      return Yaml.stringify(...docs);
    },
  },
  { id: 'l1', label: 'cdk8s L1 KubeDaemonSet (+ KubeServiceAccount)', group: 'alternative', run: inChart((c, i) => l1Objects(c, `agent-${i}`)) },
  { id: 'plus-defaults', label: 'cdk8s-plus-28 DaemonSet, its defaults', group: 'alternative', run: inChart((c, i) => plusDefaults(c, `agent-${i}`)) },
  { id: 'plus', label: 'cdk8s-plus-28 DaemonSet (+ ServiceAccount), same manifest', group: 'alternative', run: inChart((c, i) => plusObjects(c, `agent-${i}`)) },
  {
    id: 'core',
    label: 'library DaemonSet (core)',
    group: 'library',
    run: inChart((c, i) => new lib.DaemonSet(c, `agent-${i}`, { image: IMAGE, name: `agent-${i}` })),
  },
  preset('LogAgent', 'log-agent'),
  preset('NodeExporter', 'node-exporter'),
  preset('GpuDriverInstaller', 'gpu-driver-installer'),
  preset('SecurityAgent', 'security-agent'),
  preset('NetworkAgent', 'network-agent'),
  preset('StorageDaemon', 'storage-daemon'),
];

/** The denominator of the synthesis ratios: the same manifest through cdk8s-plus-28. */
export const BASELINE_ID = 'plus';

export function findCase(id: string): SynthesisCase {
  const found = CASES.find((c) => c.id === id);
  if (!found) {
    throw new Error(`unknown case "${id}"; expected one of ${CASES.map((c) => c.id).join(', ')}`);
  }
  return found;
}
