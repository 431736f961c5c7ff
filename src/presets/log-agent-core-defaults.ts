import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The LogAgent's defaults for the core's props (reasons and sources in docs/presets/log-agent.md).
 * `npx projen` writes them into `LogAgentProps`' docs.
 */
export const LOG_AGENT_CORE_DEFAULTS: CorePropDefaults = {
  component: '"logging"',
  podAnnotations: '- "checksum/config": the SHA-256 of the ConfigMap as synthesized, so that a configuration '
    + 'change rolls the pods',
  imagePlatforms: '- with the default image: Fluent Bit linux/amd64, linux/arm64, linux/arm/v7 (the project\'s '
    + 'build matrix); Fluentd linux/amd64, linux/arm64 (the multi-arch tags of fluentd-kubernetes-daemonset). '
    + 'Not declared for Filebeat, nor when a container runs an image of your own.',
  updateStrategy: {
    note: 'A surge is rejected: a second agent on the node would tail the same files with the same read '
      + 'positions (and Fluent Bit\'s DB is locked by the first one).',
  },
  terminationGracePeriodSeconds: {
    note: 'The agent is told to finish flushing 5 s before SIGKILL (Fluent Bit `Grace`, Filebeat '
      + '`filebeat.shutdown_timeout`; Fluentd flushes its buffers at shutdown with `flush_at_shutdown`).',
  },
  volumes: '- the preset\'s: the ConfigMap "config", an emptyDir "tmp" (64Mi), and the output\'s Secrets with '
    + 'files ("output-ca", "output-token") when it has them',
  rbacRules: '- exactly what the flavor\'s metadata enrichment reads: Fluent Bit pods get; Fluentd pods and '
    + 'namespaces get, list, watch; Filebeat pods, nodes and namespaces get, list, watch',
  automountServiceAccountToken: {
    default: 'true',
    note: 'The agent reads pod (and namespace, node) metadata from the API server with it.',
  },
  fsGroup: '- none: the agent runs as root, which reads its ConfigMap and Secrets as their owner (a non-root '
    + 'sidecar that mounts them gets its own group, as in the core)',
  metrics: {
    note: 'Fluent Bit serves the Prometheus format at `/api/v2/metrics/prometheus`, so pass that `path` '
      + '(`AgentMetrics.podMonitor({ path: \'/api/v2/metrics/prometheus\' })`); Fluentd\'s default `/metrics` '
      + 'fits. Not for Filebeat (no Prometheus endpoint). See `serveMetrics`.',
  },
  command: '- Fluent Bit: ["/fluent-bit/bin/fluent-bit"]; Fluentd and Filebeat: the image\'s ENTRYPOINT '
    + '(Fluentd\'s /fluentd/entrypoint.sh reads FLUENTD_CONF)',
  args: {
    default: '- Fluent Bit: ["--workdir=/fluent-bit/etc", "--config=/fluent-bit/etc/conf/fluent-bit.conf"]; '
      + 'Fluentd: none (the image\'s); Filebeat: ["-c", "/etc/filebeat/filebeat.yml", "-e"]',
    note: 'They name the generated configuration file: replace them only together with the configuration.',
  },
  env: '- NODE_NAME; Fluentd FLUENTD_CONF and K8S_NODE_NAME; the output\'s secrets (LOG_OUTPUT_USERNAME, '
    + 'LOG_OUTPUT_PASSWORD, LOG_OUTPUT_API_KEY, LOG_OUTPUT_BEARER_TOKEN, and a custom output\'s `secretEnv`) '
    + 'from their Secrets',
  ports: '- Fluent Bit: 2020 named "metrics" ("http" with `serveMetrics: false`); Fluentd: 24220 "http" '
    + '(monitor_agent) and 24231 "metrics"; Filebeat: 5066 "http"',
  hostMounts: '- /var/log read-only, `stateHostPath` read-write (and /var/lib/docker/containers read-only with '
    + '`mountDockerLogs`)',
  volumeMounts: '- the configuration read-only (/fluent-bit/etc/conf, /fluentd/etc or /etc/filebeat), /tmp, and '
    + '/etc/log-output/ca and /etc/log-output/token read-only when the output has them',
  resources: '- per flavor: Fluent Bit cpu 50m, memory 64Mi (limit 128Mi); Fluentd cpu 100m, memory 256Mi '
    + '(limit 512Mi: Ruby plus plugins and buffers); Filebeat cpu 100m, memory 128Mi (limit 256Mi)',
  liveness: '- Fluent Bit: GET / on 2020; Fluentd: GET /api/plugins.json on 24220; Filebeat: GET / on 5066 '
    + '(every 10 s, timeout 5 s, 3 failures)',
  readiness: '- Fluent Bit: GET /api/v1/health on 2020 (fails after repeated output errors); Fluentd: '
    + 'GET /api/plugins.json on 24220; Filebeat: GET / on 5066',
  startup: '- Fluentd: GET /api/plugins.json on 24220, every 5 s, up to 24 failures (2 min for Ruby and its '
    + 'plugins); none for Fluent Bit and Filebeat',
  runAsUser: {
    default: '0',
    note: 'The container runtimes write the log files as root with mode 0640 (0600 on CRI-O) and the kubelet '
      + 'creates the state directory as root 0755, so only root (without any capability) can read the logs and '
      + 'keep the read positions; a non-root user cannot be given CAP_DAC_READ_SEARCH (added capabilities are '
      + 'not ambient).',
  },
  runAsGroup: '0',
  runAsNonRoot: 'false - the agent runs as root (see `runAsUser`)',
};
