import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The NodeExporter's defaults for the core's props (reasons and sources in
 * docs/presets/node-exporter.md). `npx projen` writes them into `NodeExporterProps`' docs.
 */
export const NODE_EXPORTER_CORE_DEFAULTS: CorePropDefaults = {
  hostNetwork: 'true - the network collectors read the network namespace the exporter runs in',
  dnsPolicy: 'DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET - cluster DNS on the host network',
  hostPid: 'false - as the core: the mounted host /proc is read whatever the PID namespace',
  component: '"metrics"',
  resources: '- requests 50m CPU and 64Mi memory, memory limit 180Mi, no CPU limit',
  args: '- the path flags (/host/proc, /host/sys, /host/root, /host/root/run/udev/data), '
    + '`--web.listen-address`, the exclude patterns and the collector flags',
  env: '- NODE_NAME, and HOST_IP (status.hostIP) when listening on the node\'s address only',
  ports: '- "metrics" on `port` (9100)',
  hostMounts: '- /proc, /sys and / read-only at /host/proc, /host/sys and /host/root (/ with HostToContainer), '
    + 'and /var/run/dbus/system_bus_socket read-only with the systemd or logind collector',
  readiness: '- HTTP GET / on the metrics port, timeout 5 s',
  liveness: '- HTTP GET / on the metrics port, timeout 5 s',
  imagePlatforms: '- with the default image: linux/amd64, linux/arm64, linux/arm/v7, linux/ppc64le, linux/riscv64, '
    + 'linux/s390x (node exporter\'s release architectures). Not declared when a container runs an image of your own.',
};
