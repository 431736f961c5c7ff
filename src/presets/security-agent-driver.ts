/**
 * How the security agent (Falco) gets kernel events.
 *
 * Either runs in a privileged container by default (as the Falco chart does). The modern eBPF
 * probe can instead run with four capabilities (`privileged: false`), on nodes that allow it:
 * see `SecurityAgentProps`.
 */
export enum SecurityAgentDriver {
  /**
   * The modern eBPF probe, built into Falco. Needs a kernel with BTF and BPF ring buffers
   * (usually 5.8 or later). The default.
   */
  MODERN_EBPF = 'modern_ebpf',

  /**
   * The kernel module, for kernels too old for the modern probe. A privileged init container
   * (falco-driver-loader) downloads or builds the module and loads it; Falco itself also runs
   * privileged, as the kernel module cannot be used with capabilities.
   */
  KERNEL_MODULE = 'kmod',
}
