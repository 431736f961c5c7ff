import { App, AppProps, Chart } from 'cdk8s';
import { HostPathVolumeType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentNamespace, DaemonSet, GpuDriverInstaller, HostMount, NetworkAgent, StorageDaemon,
} from '../src';

/**
 * The example platform: one chart per concern, with every preset the library has, configured the
 * way a platform team would. `examples/main.ts` synthesizes it; the tests validate it and run the
 * placement preview over it with `examples/nodes.json`.
 */
export class ExampleApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
    new NodeNetworkChart(this, 'node-network');
    new NodeStorageChart(this, 'node-storage');
    new GpuChart(this, 'gpu');
    new CustomAgentChart(this, 'custom-agent');
  }
}

/** kube-proxy, the cluster's Service proxy: in kube-system, like kubeadm's. */
class NodeNetworkChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    new NetworkAgent(this, 'kube-proxy', { extraArgs: ['--cluster-cidr=10.244.0.0/16'] });
  }
}

/** The AWS EBS CSI node plugin. */
class NodeStorageChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    new StorageDaemon(this, 'ebs-csi-node');
  }
}

/** NVIDIA drivers on GKE GPU nodes only, one node at a time when a pod is deleted. */
class GpuChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    new GpuDriverInstaller(this, 'nvidia-driver-installer');
  }
}

/** The core construct on its own: an in-house agent with one read-only host file. */
class CustomAgentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'platform-agents' });
    new AgentNamespace(this, 'platform-agents');
    new DaemonSet(this, 'inventory-agent', {
      image: 'registry.example.com/platform/inventory-agent:2.4.1',
      args: ['--interval=60s'],
      hostMounts: [HostMount.readOnly('/etc/os-release', { type: HostPathVolumeType.FILE })],
      changeCause: 'example: initial rollout',
    });
  }
}
