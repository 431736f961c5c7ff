/**
 * kube-proxy's settings the NetworkAgent preset checks or writes (not exported from the package).
 */
import { isIP } from 'net';
import { ValidationProblems } from '../validation-problems';
import { KubeProxyMode } from './kube-proxy-mode';


/**
 * kube-proxy flags whose values make kube-proxy write a sysctl at start
 * (kubernetes/kubernetes `cmd/kube-proxy/app/server_linux.go`, func `setupConntrack`; the
 * iptables proxier's `EnsureSysctl(route_localnet)` for localhost NodePorts). In the preset's
 * unprivileged container /proc/sys is read-only: the write fails with EROFS and kube-proxy
 * exits, on every node. Each entry: the flag, the value that writes nothing, and whether
 * kube-proxy's own default writes (so that the flag must be given).
 */
const SYSCTL_FLAGS: ReadonlyArray<{ flag: string; safe: string; defaultWrites: boolean; safeValue: (v: string) => boolean }> = [
  { flag: '--conntrack-max-per-core', safe: '0', defaultWrites: true, safeValue: (v) => /^0+$/.test(v) },
  { flag: '--conntrack-tcp-timeout-established', safe: '0s', defaultWrites: true, safeValue: zeroDuration },
  { flag: '--conntrack-tcp-timeout-close-wait', safe: '0s', defaultWrites: true, safeValue: zeroDuration },
  { flag: '--conntrack-tcp-be-liberal', safe: 'false', defaultWrites: false, safeValue: (v) => v === 'false' },
  { flag: '--conntrack-udp-timeout', safe: '0s', defaultWrites: false, safeValue: zeroDuration },
  { flag: '--conntrack-udp-timeout-stream', safe: '0s', defaultWrites: false, safeValue: zeroDuration },
  { flag: '--iptables-localhost-nodeports', safe: 'false', defaultWrites: true, safeValue: (v) => v === 'false' },
];

/** The flags the preset gives so that kube-proxy writes no sysctl (see SYSCTL_FLAGS). */
export const NO_SYSCTL_ARGS: string[] = SYSCTL_FLAGS.filter((f) => f.defaultWrites).map((f) => `${f.flag}=${f.safe}`);

/** A Go duration that is zero ("0", "0s", "0m0s", ...). */
function zeroDuration(value: string): boolean {
  return /^(0+(\.0+)?(ns|us|µs|ms|s|m|h)?)+$/.test(value);
}

/** The value of the last `--flag=value` (or a bare boolean `--flag`) in args. */
function lastValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (const arg of args) {
    if (typeof arg !== 'string') {
      continue;
    }
    if (arg === flag) {
      value = 'true';
    } else if (arg.startsWith(`${flag}=`)) {
      value = arg.slice(flag.length + 1);
    }
  }
  return value;
}

/**
 * Refuses kube-proxy arguments (the user's `args` and `extraArgs`, as kube-proxy will see them)
 * with which it writes a sysctl in this unprivileged container and exits. `propOf(i)` names the
 * prop of the i-th argument.
 */
export function checkSysctlFreeArgs(
  args: readonly string[], argsReplaced: boolean, propOf: (i: number) => string, problems: ValidationProblems,
): void {
  const mode = lastValue(args, '--proxy-mode');
  const missing: string[] = [];
  for (const entry of SYSCTL_FLAGS) {
    // localhost NodePorts exist only in the iptables mode.
    if (entry.flag === '--iptables-localhost-nodeports' && mode !== undefined && mode !== KubeProxyMode.IPTABLES) {
      continue;
    }
    const value = lastValue(args, entry.flag);
    if (value === undefined) {
      if (entry.defaultWrites && argsReplaced) {
        missing.push(`${entry.flag}=${entry.safe}`);
      }
      continue;
    }
    if (!entry.safeValue(value)) {
      const i = args.map((a, j) => (typeof a === 'string' && (a === entry.flag || a.startsWith(`${entry.flag}=`)) ? j : -1)).filter((j) => j >= 0).pop()!;
      problems.add(propOf(i), args[i], `makes kube-proxy write a sysctl at start, which this unprivileged container cannot (its /proc/sys is read-only): kube-proxy exits on every node. Use ${entry.flag}=${entry.safe} (the node keeps its own setting; set it on the node with sysctl.d), or run kube-proxy privileged (privileged: true)`);
    }
  }
  if (missing.length > 0) {
    problems.add('args', `[${args.filter((_, i) => propOf(i).startsWith('args')).join(', ')}]`,
      `replaces the preset's flags, and without ${missing.join(', ')} kube-proxy uses its own defaults, which write conntrack and route_localnet sysctls at start: in this unprivileged container (/proc/sys is read-only) it exits on every node. `
      + 'Add those flags to your args, add only your flags with `extraArgs` instead of `args`, or run kube-proxy privileged (privileged: true)');
  }
}

/** Checks `clusterCidr`: one CIDR, or two of different IP families (dual-stack), comma-separated. */
export function checkClusterCidr(value: string, problems: ValidationProblems): void {
  const parts = typeof value === 'string' ? value.split(',') : [];
  const families = parts.map((p) => {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(p);
    const family = m ? isIP(m[1]) : 0;
    return family !== 0 && Number(m![2]) <= (family === 4 ? 32 : 128) ? family : 0;
  });
  if (parts.length === 0 || parts.length > 2 || families.includes(0) || (families.length === 2 && families[0] === families[1])) {
    problems.add('clusterCidr', value, 'expected the cluster\'s pod CIDR, e.g. "10.244.0.0/16", or an IPv4 and an IPv6 CIDR separated by a comma for dual-stack (kube-proxy\'s --cluster-cidr)');
  }
}

/** What the preset's KubeProxyConfiguration file holds. */
export interface KubeProxyFileSettings {
  readonly healthPort: number;
  readonly metricsPort?: number;
  readonly clusterCidr?: string;
  readonly mode: KubeProxyMode;
}

/**
 * A KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1, the version kube-proxy 1.31
 * reads; field names from `staging/src/k8s.io/kube-proxy/config/v1alpha1/types.go`) with the
 * same settings as the preset's flags: conntrack and localhost NodePorts left to the node (no
 * sysctl writes), the health and metrics servers on every address of the node (a config file
 * cannot name the pod's host IP the way the flags do with $(HOST_IP); kube-proxy's own metrics
 * default, 127.0.0.1, cannot be scraped). `clientConnection.kubeconfig` stays empty: kube-proxy
 * then uses the in-cluster configuration, which `apiServerHost`/`apiServerPort` point at the
 * control-plane endpoint (what kubeadm's kubeconfig.conf does with the same token and CA).
 */
export function renderKubeProxyConfiguration(settings: KubeProxyFileSettings): string {
  const lines = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'kind: KubeProxyConfiguration',
    `mode: ${settings.mode}`,
    ...(settings.clusterCidr !== undefined ? [`clusterCIDR: ${JSON.stringify(settings.clusterCidr)}`] : []),
    `healthzBindAddress: "0.0.0.0:${settings.healthPort}"`,
    // An empty address turns the metrics server off (kube-proxy's flag help).
    `metricsBindAddress: "${settings.metricsPort !== undefined ? `0.0.0.0:${settings.metricsPort}` : ''}"`,
    '# Leave the node\'s conntrack table size and timeouts alone: writing them needs a privileged container.',
    'conntrack:',
    '  maxPerCore: 0',
    '  tcpEstablishedTimeout: 0s',
    '  tcpCloseWaitTimeout: 0s',
    '# No localhost NodePorts: they need the route_localnet sysctl.',
    'iptables:',
    '  localhostNodePorts: false',
  ];
  return `${lines.join('\n')}\n`;
}
