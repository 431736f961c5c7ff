import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The NetworkAgent's defaults for the core's props (reasons and sources in
 * docs/presets/network-agent.md). `npx projen` writes them into `NetworkAgentProps`' docs.
 */
export const NETWORK_AGENT_CORE_DEFAULTS: CorePropDefaults = {
  namespace: '"kube-system" unless the chart has a namespace (some clusters admit critical pods only there)',
  hostNetwork: 'true - the agent programs the node\'s own network namespace',
  dnsPolicy: '- DnsPolicy.DEFAULT (the node\'s resolver) for kube-proxy or a host-name `apiServerHost`: '
    + 'the cluster DNS is reached through rules kube-proxy has yet to write; else CLUSTER_FIRST_WITH_HOST_NET',
  priorityClassName: '"system-node-critical" - a node without its network agent cannot run pods',
  updateStrategy: 'UpdateStrategy.rollingUpdate() - maxUnavailable 1, maxSurge 0',
  terminationGracePeriodSeconds: '5 - the rules stay in place when the agent stops',
  component: '"networking"',
  command: '["/usr/local/bin/kube-proxy"]',
  args: '- kube-proxy\'s: --hostname-override, the healthz and metrics bind addresses, and conntrack and '
    + 'localhost-NodePort settings left to the node (see docs/presets/network-agent.md)',
  runAsUser: {
    default: '0',
    note: 'Root: added capabilities are only effective for UID 0, and iptables requires root.',
  },
  readOnlyRootFilesystem: 'false - the image\'s iptables wrapper relinks /usr/sbin/iptables* on its first call',
  addCapabilities: '[Capability.NET_ADMIN, Capability.NET_RAW]',
  resources: '- requests 100m CPU and 64Mi memory, memory limit 512Mi (memory grows with Services and endpoints)',
  rbacRules: '- nodes get, list, watch; services and endpointslices list, watch; events.k8s.io events create, patch',
  env: '- NODE_NAME; HOST_IP (status.hostIP) for kube-proxy; the API server\'s address with `apiServerHost`',
  ports: '- "healthz" (10256), and "metrics" (10249) for kube-proxy',
  hostMounts: '- /lib/modules read-only, /run/xtables.lock read-write (shared with every iptables user)',
  liveness: '- HTTP GET on the health port after 10 s, every 10 s, 6 failures',
  readiness: '- HTTP GET on the health port every 10 s',
  initContainers: '- the CNI installer, with `cniInstaller`',
  imagePlatforms: '- with the default kube-proxy image: linux/amd64, linux/arm64, linux/ppc64le, linux/s390x '
    + '(the Kubernetes 1.31 release images). Not declared with your own `image`, a `cniInstaller`, or a container '
    + 'you add that runs an image of your own.',
};
