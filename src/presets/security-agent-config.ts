/**
 * The falco.yaml the SecurityAgent preset generates. Not part of the public API (not exported
 * from the package): the preset exposes the rendered text as `SecurityAgent.falcoConfig`.
 */
import { Yaml } from 'cdk8s';
import { SecurityAgentDriver } from './security-agent-driver';
import { SecurityAgentPriority } from './security-agent-priority';
import { SecurityAgentRuntimeEngine, SecurityAgentRuntimeSocket } from './security-agent-runtime-socket';

/** Where the rules shipped in the Falco image live, and where custom rules are mounted. */
export const FALCO_RULES_FILES = ['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/rules.d'];

/** What the generated configuration depends on. */
export interface FalcoConfigOptions {
  readonly driver: SecurityAgentDriver;
  readonly sockets: SecurityAgentRuntimeSocket[];
  readonly webserverPort: number;
  readonly healthzPath: string;
  readonly priority: SecurityAgentPriority;
  /** Where alerts are also POSTed (falcosidekick), if anywhere. */
  readonly httpOutputUrl?: string;
}

/**
 * The configuration as an object. Complete on purpose: it sets no `config_files`, so Falco reads
 * no file beside it (Falco 0.44.1 reads only the files `config_files` lists). The image's own
 * falco.yaml lists /etc/falco/config.d, whose falco.container_plugin.yaml says
 * `load_plugins: [container]`: merged with the default `append` strategy into a falco.yaml that
 * already loads the plugin, the list would name it twice, and libsinsp refuses a second plugin
 * of one name ("found another plugin with name container. Aborting."). Every value Falco runs
 * with is then in this one file, whose checksum rolls the pods.
 */
export function falcoConfigObject(options: FalcoConfigOptions): { [key: string]: unknown } {
  const kmod = options.driver === SecurityAgentDriver.KERNEL_MODULE;
  // The chart's defaults for each engine (buffer size preset 4 = 8 MiB; modern eBPF shares one
  // buffer between 2 CPUs).
  const engine = kmod
    ? { kind: 'kmod', kmod: { buf_size_preset: 4, drop_failed_exit: false } }
    : { kind: 'modern_ebpf', modern_ebpf: { cpus_for_each_buffer: 2, buf_size_preset: 4, drop_failed_exit: false } };

  // The container plugin (bundled in the Falco image) is always loaded: the image's rules use
  // its container.* and k8s.* fields. Only engines with a mounted socket are enabled; the
  // plugin prefixes the socket paths with HOST_ROOT (/host).
  const engines: { [engine: string]: unknown } = {};
  const { DOCKER, PODMAN, CONTAINERD, CRI } = SecurityAgentRuntimeEngine;
  for (const e of [DOCKER, PODMAN, CONTAINERD, CRI]) {
    const sockets = options.sockets.filter((s) => s.engine === e).map((s) => s.socketPath);
    engines[e] = { enabled: sockets.length > 0, sockets };
  }
  for (const e of ['lxc', 'libvirt_lxc', 'bpm']) {
    engines[e] = { enabled: false };
  }

  return {
    engine,
    rules_files: FALCO_RULES_FILES,
    load_plugins: ['container'],
    plugins: [{
      name: 'container',
      library_path: 'libcontainer.so',
      init_config: { label_max_len: 100, with_size: false, hooks: ['create'], engines },
    }],
    priority: options.priority,
    // JSON alerts: what log collectors parse, and what falcosidekick expects over HTTP.
    json_output: true,
    json_include_output_property: true,
    json_include_tags_property: true,
    stdout_output: { enabled: true },
    syslog_output: { enabled: false },
    // Falco's defaults for the rest (user agent, CA path /etc/ssl/certs of the image).
    http_output: options.httpOutputUrl === undefined ? { enabled: false } : { enabled: true, url: options.httpOutputUrl },
    log_stderr: true,
    log_syslog: false,
    log_level: 'info',
    webserver: {
      enabled: true,
      threadiness: 0,
      listen_port: options.webserverPort,
      listen_address: '0.0.0.0',
      k8s_healthz_endpoint: options.healthzPath,
      // /metrics on the webserver's port; only served when metrics.enabled is true too.
      prometheus_metrics_enabled: true,
      ssl_enabled: false,
    },
    // The Falco chart's values when its `metrics.enabled` is set (charts/falco/values.yaml,
    // falco-9.1.0): no metrics alert (output_rule), no per-CPU series. The Prometheus endpoint
    // computes its values at each scrape; the interval paces only the other outputs.
    metrics: {
      enabled: true,
      interval: '1h',
      output_rule: false,
      rules_counters_enabled: true,
      resource_utilization_enabled: true,
      state_counters_enabled: true,
      kernel_event_counters_enabled: true,
      kernel_event_counters_per_cpu_enabled: false,
      libbpf_stats_enabled: true,
      plugins_metrics_enabled: true,
      kernel_iter_event_counters_enabled: true,
      jemalloc_stats_enabled: false,
      convert_memory_to_mb: true,
      include_empty_values: false,
    },
  };
}

/** The configuration as falco.yaml text. */
export function falcoConfigYaml(options: FalcoConfigOptions): string {
  return Yaml.stringify(falcoConfigObject(options));
}
