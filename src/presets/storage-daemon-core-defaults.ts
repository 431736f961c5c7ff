import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The StorageDaemon's defaults for the core's props (reasons and sources in
 * docs/presets/storage-daemon.md). `npx projen` writes them into `StorageDaemonProps`' docs.
 */
export const STORAGE_DAEMON_CORE_DEFAULTS: CorePropDefaults = {
  namespace: '"kube-system" unless the chart has a namespace',
  priorityClassName: '"system-node-critical" - pods cannot mount their volumes without it',
  updateStrategy: '- RollingUpdate, maxUnavailable 10%, maxSurge 0',
  component: '"storage"',
  privileged: 'true - CSI mounting requires it (Bidirectional mounts); it also makes the plugin container root',
  args: '- EBS\'s node args: node, --endpoint, --csi-mount-point-prefix, --http-endpoint with `metricsPort`, --v=2',
  env: '- NODE_NAME, CSI_ENDPOINT and CSI_NODE_NAME',
  resources: '- requests 10m CPU and 40Mi memory, memory limit 256Mi (mkfs and fsck run in the plugin\'s cgroup)',
  rbacRules: '- nodes get, list and watch; volumeattachments list and watch (EBS\'s args only)',
  lifecycle: '- EBS\'s pre-stop hook (EBS\'s args only)',
  ports: '- "healthz" (9808), and "metrics" (`metricsPort`: 3302 with EBS\'s image)',
  sidecars: '- node-driver-registrar and liveness-probe (unprivileged)',
  hostMounts: '- the kubelet directory (Bidirectional), the plugin\'s socket directory, /dev',
  liveness: '- HTTP GET /healthz on the health port after 10 s, every 10 s, timeout 3 s, 5 failures',
  imagePlatforms: '- with the default images: linux/amd64, linux/arm64 (the Linux platforms the EBS driver and both '
    + 'sidecars share). Not declared when a container runs an image of your own (`image`, '
    + '`nodeDriverRegistrarImage`, `livenessProbeImage` or a container you add).',
};
