import { DaemonSet, Errors, LogAgent, NodeExporter } from '../src';
import { newChart } from './util/synth';

/**
 * Callers without a type checker (plain JavaScript, `as any`) get the library's error naming the
 * prop and the expected type, never a TypeError and never a manifest built from a wrong type.
 */
const IMAGE = 'registry.example.com/agent:1.2.3';

describe('fails when a prop has the wrong type', () => {
  test.each([
    [{ image: 123 }, /image: got 123; expected a string/],
    [{ image: IMAGE, name: 5 }, /name: got 5; expected a string/],
    [{ image: IMAGE, labels: { a: 5 } }, /labels\.a: got 5; expected a string value/],
    [{ image: IMAGE, args: 'x' }, /args: got "x"; expected a list of strings/],
    [{ image: IMAGE, ports: [{ containerPort: '80' }] }, /ports\[0\]\.containerPort: got "80"; expected an integer port number/],
    [{ image: IMAGE, hostMounts: [null] }, /hostMounts: got \[null\]; expected a list of HostMount/],
    [{ image: IMAGE, hostMounts: [{ path: '/proc' }] }, /hostMounts: .*expected a list of HostMount/],
    [{ image: IMAGE, tolerations: [null] }, /tolerations: got \[null\]; expected a list of Toleration/],
    [{ image: IMAGE, env: { A: 'plain' } }, /env: got \{"A":"plain"\}; expected an object of names to EnvValue/],
    [{ image: IMAGE, resources: { memory: { request: 64 } } }, /resources: .*expected memory as \{ request\?: Size, limit\?: Size \}/],
    [{ image: IMAGE, updateStrategy: 'OnDelete' }, /updateStrategy: got "OnDelete"; expected a UpdateStrategy/],
    [{ image: IMAGE, requiredNodeAffinity: [null] }, /requiredNodeAffinity: got \[null\]; expected a list of NodeAffinityTerm/],
    [{ image: IMAGE, volumes: [null] }, /volumes: got \[null\]; expected a list of AgentVolume/],
    [{ image: IMAGE, addCapabilities: 'NET_ADMIN' }, /addCapabilities: got "NET_ADMIN"; expected a list of strings/],
    [{ image: IMAGE, terminationGracePeriodSeconds: '30' }, /terminationGracePeriodSeconds: got "30"; expected a number/],
    [{ image: IMAGE, hostNetwork: 'yes' }, /hostNetwork: got "yes"; expected a boolean/],
    [{ image: IMAGE, liveness: { httpGet: { path: '/' } } }, /liveness: .*expected a Probe/],
    [{ image: IMAGE, sidecars: [{ name: 'x' }] }, /sidecars\[0\]: got \{"name":"x"\}; expected \{ name: string, image: string, ... \}/],
    [{ image: IMAGE, initContainers: [{ name: 'x', image: IMAGE, args: [1] }] }, /initContainers\[0\]\.args: got \[1\]; expected a list of strings/],
    [{ image: IMAGE, rbacRules: [null] }, /rbacRules: got \[null\]; expected a list of objects/],
  ])('%j', (props, error) => {
    let thrown: unknown;
    try {
      new DaemonSet(newChart(), 'agent', props as any);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(Errors.isValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(/^(Invalid props|\d+ invalid props) for DaemonSet 'test\/agent':/);
    expect((thrown as Error).message).toMatch(error);
  });

  test('null counts as absent', () => {
    expect(() => new DaemonSet(newChart(), 'agent', { image: IMAGE, labels: null, ports: null } as any)).not.toThrow();
  });

  test('presets pass the same checks through', () => {
    expect(() => new NodeExporter(newChart(), 'node-exporter', { hostMounts: [null] } as any)).toThrow(/Invalid props for NodeExporter 'test\/node-exporter':\n  - hostMounts: got \[null\]; expected a list of HostMount/);
    expect(() => new LogAgent(newChart(), 'logs', { tolerations: 'all' } as any)).toThrow(/tolerations: got "all"; expected a list of Toleration/);
  });
});
