/**
 * How the security agent (Falco) gets kernel events, and so how much privilege it needs.
 */
export enum SecurityAgentDriver {
  /**
   * The modern eBPF probe, built into Falco, in least-privileged mode: root in an unprivileged
   * container with only the BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE capabilities. Needs a
   * kernel with BTF and BPF ring buffers (usually 5.8 or later). The default.
   */
  MODERN_EBPF = 'modern_ebpf',

  /**
   * The modern eBPF probe in a privileged container, for nodes where the capabilities are not
   * enough (e.g. kernels with the probe's features backported but without CAP_BPF and
   * CAP_PERFMON, or runtimes whose seccomp or LSM profiles block the bpf() call).
   */
  MODERN_EBPF_PRIVILEGED = 'modern_ebpf_privileged',

  /**
   * The kernel module, for kernels too old for the modern probe. A privileged init container
   * (falco-driver-loader) downloads or builds the module and loads it; Falco itself also runs
   * privileged, as the kernel module cannot be used with capabilities.
   */
  KERNEL_MODULE = 'kmod',
}
