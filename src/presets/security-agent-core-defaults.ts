import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The SecurityAgent's defaults for the core's props (reasons and sources in
 * docs/presets/security-agent.md). `npx projen` writes them into `SecurityAgentProps`' docs.
 */
export const SECURITY_AGENT_CORE_DEFAULTS: CorePropDefaults = {
  privileged: {
    default: 'true - as the Falco chart\'s default',
    note: '`false` selects the least-privileged mode of the modern eBPF probe: the BPF, PERFMON, '
      + 'SYS_RESOURCE and SYS_PTRACE capabilities and AppArmor `unconfined`. It needs '
      + '`kernel.perf_event_paranoid` at 2 or lower on every node (`sysctl kernel.perf_event_paranoid`): '
      + 'Falco attaches some programs with `perf_event_open`, which Debian\'s and Ubuntu\'s kernels refuse '
      + 'without CAP_SYS_ADMIN above 2 (Debian sets 3, Ubuntu 4, and so do node images built on them, such as '
      + 'AKS\'s Ubuntu nodes); the upstream kernel\'s default is 2 (Bottlerocket keeps it). Not possible with '
      + 'the kernel module.',
  },
  runAsUser: {
    default: '0',
    note: 'Only root works: a container\'s capabilities, and a privileged container\'s, apply to root only; '
      + 'a non-root user is rejected.',
  },
  runAsGroup: '0',
  runAsNonRoot: 'false',
  addCapabilities: '- none when privileged; BPF, SYS_RESOURCE, PERFMON and SYS_PTRACE with `privileged: false`',
  resources: '- requests 100m CPU and 512Mi memory, memory limit 1024Mi (the chart\'s), '
    + 'no CPU limit (a throttled Falco drops events)',
  component: '"security"',
  args: '["/usr/bin/falco"]',
  env: '- NODE_NAME, HOST_ROOT=/host and FALCO_HOSTNAME (the node\'s name)',
  ports: '- "metrics" on 8765 (Falco\'s webserver: /healthz and Prometheus\' /metrics)',
  podAnnotations: '- "checksum/config" (a hash of the ConfigMap as synthesized), and the AppArmor annotation '
    + '`unconfined` with `privileged: false`',
  hostMounts: '- /proc and /etc read-only at /host/proc and /host/etc, /sys/kernel read-only (the kernel module: '
    + '/dev at /host/dev and /sys/module instead), and the runtime sockets\' directories read-only under /host',
  startup: '- HTTP GET /healthz on 8765 after 3 s, every 5 s, up to 20 failures (the chart\'s timings)',
  liveness: '- HTTP GET /healthz on 8765 every 15 s, 3 failures',
  readiness: '- HTTP GET /healthz on 8765 every 15 s, 3 failures',
  initContainers: '- the falco-driver-loader with the kernel module; none otherwise',
  imagePlatforms: '- with the default images (Falco, and the driver loader with the kernel module): linux/amd64, '
    + 'linux/arm64 (Falco\'s release manifests). Not declared when a container runs an image of your own '
    + '(`image`, `driverLoaderImage` or a container you add).',
};
