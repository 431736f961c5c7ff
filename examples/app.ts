import { App, AppProps, Chart } from 'cdk8s';
import { HostPathVolumeType } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentNamespace, CalicoNode, CiliumAgent, CsiDriver, DaemonSet, DatadogAgent, DatadogSite, DcgmExporter, GpuContainerToolkit,
  GpuDevicePlugin, GpuDriverFlavor, GpuDriverInstaller, HostMount, LogAgent, LogFlavor, LogOutput,
  NetworkAgent, NodeAffinityTerm, NodeExporter, NodeExporterCollector, NodeRequirement, SecurityAgent, StorageDaemon,
} from '../src';

/**
 * The example platform: one chart per concern, with every preset the library has, configured the
 * way a platform team would. `examples/main.ts` synthesizes it; the tests validate it and run the
 * placement preview over it with `examples/nodes.json`.
 */
export class ExampleApp extends App {
  constructor(props: AppProps = {}) {
    super(props);
    new MonitoringChart(this, 'monitoring');
    new LoggingChart(this, 'logging');
    new RuntimeSecurityChart(this, 'runtime-security');
    new NodeNetworkChart(this, 'node-network');
    new NodeStorageChart(this, 'node-storage');
    new GpuChart(this, 'gpu');
    new CustomAgentChart(this, 'custom-agent');
    new DatadogChart(this, 'datadog');
    new PodNetworkChart(this, 'pod-network');
  }
}

/** Node metrics for Prometheus, scraped through a headless Service; only Prometheus may connect. */
class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'monitoring' });
    new AgentNamespace(this, 'namespace', { name: 'monitoring' });
    new NodeExporter(this, 'node-exporter', {
      disableCollectors: [NodeExporterCollector.HWMON, NodeExporterCollector.BTRFS],
      networkPolicy: { scraperPodLabels: { 'app.kubernetes.io/name': 'prometheus' }, scraperNamespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
    });
  }
}

/** Container logs of every node, enriched with Kubernetes metadata, shipped to Loki. */
class LoggingChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'logging' });
    new AgentNamespace(this, 'namespace', { name: 'logging' });
    new LogAgent(this, 'fluent-bit', {
      output: LogOutput.loki({ url: 'http://loki-gateway.logging.svc:80', labels: { cluster: 'example' } }),
    });
    // A second agent reading the same files (allowed: /var/log is read-only for both) with a state
    // directory of its own (/var/lib/otel-collector-state/logging/otel-agent): the OpenTelemetry
    // Collector, also collecting the nodes' kubelet and host metrics, to an OTLP gateway.
    new LogAgent(this, 'otel-agent', {
      flavor: LogFlavor.OTEL_COLLECTOR,
      kubeletMetrics: true,
      hostMetrics: true,
      output: LogOutput.otlp({ url: 'http://otel-gateway.observability.svc:4318' }),
    });
  }
}

/** Falco on modern eBPF: capabilities, not a privileged container. */
class RuntimeSecurityChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'falco' });
    new AgentNamespace(this, 'namespace', { name: 'falco' });
    new SecurityAgent(this, 'falco');
  }
}

/** kube-proxy, the cluster's Service proxy: in kube-system, like kubeadm's. */
class NodeNetworkChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    // kube-proxy reaches the API server directly (the control-plane endpoint, as kubeadm's
    // kubeconfig does): the `kubernetes` Service only works once kube-proxy runs.
    new NetworkAgent(this, 'kube-proxy', {
      apiServerHost: '10.0.0.10',
      apiServerPort: 6443,
      clusterCidr: '10.244.0.0/15', // Cilium's pool and Calico's
    });
  }
}

/** The AWS EBS CSI node plugin, and Ceph RBD's next to it on the same nodes (each its own socket). */
class NodeStorageChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    new StorageDaemon(this, 'ebs-csi-node');
    new StorageDaemon(this, 'csi-rbdplugin', {
      driver: CsiDriver.cephRbd({
        clusters: [{ clusterId: 'ceph-prod', monitors: ['10.0.0.11:6789', '10.0.0.12:6789', '10.0.0.13:6789'] }],
      }),
    });
  }
}

/** NVIDIA drivers on GKE GPU nodes only, one node at a time when a pod is deleted. */
class GpuChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    // NVIDIA's driver container on the GPU nodes (nvidia.com/gpu.present=true) whose OS matches
    // its image (NFD's os_release labels: Ubuntu 22.04). On GKE, the COS flavor instead, and
    // none of the rest: GKE configures containerd and runs its own device plugin.
    new GpuDriverInstaller(this, 'nvidia-driver-installer', { flavor: GpuDriverFlavor.DRIVER_CONTAINER });
    // The rest of the NVIDIA stack, in order on each node (docs/presets/gpu-stack.md): the
    // toolkit waits for the driver, the device plugin and DCGM for the toolkit.
    new GpuContainerToolkit(this, 'nvidia-container-toolkit');
    new GpuDevicePlugin(this, 'nvidia-device-plugin', { timeSlicing: { replicas: 2 } });
    new DcgmExporter(this, 'dcgm-exporter');
  }
}

/** The core construct on its own: an in-house agent with one read-only host file. */
class CustomAgentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'platform-agents' });
    new AgentNamespace(this, 'namespace', { name: 'platform-agents' });
    new DaemonSet(this, 'inventory-agent', {
      image: 'registry.example.com/platform/inventory-agent:2.4.1',
      args: ['--interval=60s'],
      hostMounts: [HostMount.readOnly('/etc/os-release', { type: HostPathVolumeType.FILE })],
      changeCause: 'example: initial rollout',
    });
  }
}

/**
 * The Datadog agent, standalone (no cluster agent), with container logs; the API key is the
 * Secret "datadog-secret" (key "api-key"), created apart, never in the manifests.
 */
class DatadogChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'datadog' });
    new AgentNamespace(this, 'namespace', { name: 'datadog' });
    new DatadogAgent(this, 'datadog', {
      apiKeySecretName: 'datadog-secret',
      site: DatadogSite.EU1,
      clusterName: 'example',
      logs: true,
    });
  }
}

/**
 * The pod network, one CNI agent per node: Cilium, except on the nodes of a pool still on Calico
 * (labelled example.com/cni=calico while it is migrated node by node). Two CNI agents that could
 * share a node are refused at synth: both write /etc/cni/net.d. Each has its own pod CIDR, and
 * kube-proxy's clusterCidr covers both.
 */
class PodNetworkChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'kube-system' });
    new CiliumAgent(this, 'cilium', {
      clusterPoolIpv4Cidr: '10.244.0.0/16',
      requiredNodeAffinity: [NodeAffinityTerm.allOf(NodeRequirement.notIn('example.com/cni', ['calico']))],
    });
    new CalicoNode(this, 'calico-node', {
      ipv4PoolCidr: '10.245.0.0/16',
      nodeSelector: { 'kubernetes.io/os': 'linux', 'example.com/cni': 'calico' },
    });
  }
}
