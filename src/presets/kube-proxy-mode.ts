/**
 * kube-proxy's proxy mode (`--proxy-mode`, `mode` in a KubeProxyConfiguration), for
 * `NetworkAgentProps.proxyMode`.
 */
export enum KubeProxyMode {
  /** iptables rules (kube-proxy's default on Linux). */
  IPTABLES = 'iptables',
  /**
   * nftables rules (beta in Kubernetes 1.31, needs kernel 5.13 or later). It writes no
   * `route_localnet` sysctl: localhost NodePorts do not exist in this mode.
   */
  NFTABLES = 'nftables',
  /**
   * IPVS. It writes `net/ipv4/vs` sysctls at start, which only a privileged container can:
   * accepted only with `privileged: true`.
   */
  IPVS = 'ipvs',
}
