import { readFileSync } from 'fs';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as ts from 'typescript';
import * as library from '../../src';
import { LogAgent } from '../../src/presets/log-agent';
import { LogFlavor } from '../../src/presets/log-flavor';
import { newChart, validateManifest } from '../util/synth';

/**
 * docs/presets/log-agent.md: every TypeScript example (whole programs; test/docs-examples.test.ts
 * type-checks them) synthesizes a manifest the schema and the API-server rules accept, and the
 * Pod Security level the page states is the one the library computes.
 */

const ROOT = join(__dirname, '..', '..');
const PAGE = readFileSync(join(ROOT, 'docs', 'presets', 'log-agent.md'), 'utf8');
const EXAMPLES = [...PAGE.matchAll(/```ts fixture=program\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/presets/log-agent.md', () => {
  test('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
  });

  test.each(EXAMPLES.map((code, i) => [i, code]))('example %i synthesizes a valid manifest', (_i, code) => {
    // GIVEN the example, compiled to CommonJS, with the library and cdk8s from this checkout
    const js = ts.transpileModule(code as string, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const synthesized: any[] = [];
    class App extends cdk8s.App {
      public synth() {
        synthesized.push(...this.charts.flatMap((c: any) => cdk8s.Testing.synth(c)));
      }
    }
    const modules: Record<string, unknown> = { 'cdk8s': { ...cdk8s, App }, 'cdk8s-plus-28': kplus, 'cdk8s-node-agents': library };
    // WHEN
    new Function('require', 'exports', js)((name: string) => modules[name], {});
    // THEN
    expect(synthesized.filter((o) => o.kind === 'DaemonSet').length).toBeGreaterThanOrEqual(1);
    validateManifest(synthesized);
    if (_i === 0) {
      // what the page says the quick start gives
      expect(synthesized.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ClusterRole/logging:fluent-bit', 'ClusterRoleBinding/logging:fluent-bit', 'ConfigMap/fluent-bit-config', 'DaemonSet/fluent-bit', 'ServiceAccount/fluent-bit',
      ]);
      const env = synthesized.find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: 'LOG_OUTPUT_API_KEY', valueFrom: { secretKeyRef: { name: 'es-api-key', key: 'encoded' } } });
    }
  });

  test.each([LogFlavor.FLUENT_BIT, LogFlavor.FLUENTD, LogFlavor.FILEBEAT, LogFlavor.LOGSTASH, LogFlavor.OTEL_COLLECTOR])('%s: Pod Security level privileged, for hostPath volumes only', (flavor) => {
    expect(PAGE).toMatch(/## Pod Security level\n\n\*\*privileged\*\*, for one reason only: `hostPath` volumes/);
    const report = new LogAgent(newChart(), 'logs', { flavor }).daemonSet.podSecurity();
    expect(report.level).toBe('privileged');
    expect([...new Set(report.reasons.filter((r) => r.violates === 'baseline').map((r) => r.check))]).toEqual(['hostPathVolumes']);
    expect([...new Set(report.reasons.filter((r) => r.violates === 'restricted').map((r) => r.check))].sort()).toEqual(['restrictedVolumes', 'runAsNonRoot', 'runAsUser']);
  });
});
