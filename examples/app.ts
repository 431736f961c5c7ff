import { App, AppProps, Chart } from 'cdk8s';
import { HostPathVolumeType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonSet, HostMount } from '../src';

/**
 * The example platform: one chart per namespace, with every preset the library has, configured
 * the way a platform team would. `examples/main.ts` synthesizes it; the tests validate it.
 */
export class ExampleApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
    new CustomAgentChart(this, 'custom-agent');
  }
}

/** The core construct on its own: an in-house agent with one read-only host mount. */
class CustomAgentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'platform-agents' });
    new DaemonSet(this, 'inventory-agent', {
      image: 'registry.example.com/platform/inventory-agent:2.4.1',
      args: ['--interval=60s'],
      hostMounts: [HostMount.readOnly('/etc/os-release', { type: HostPathVolumeType.FILE })],
      changeCause: 'example: initial rollout',
    });
  }
}
