/**
 * Which log collector the `LogAgent` runs. Each flavor gets a working default configuration
 * that tails the node's container logs, adds Kubernetes metadata and ships to a `LogOutput`.
 */
export enum LogFlavor {
  /**
   * Fluent Bit (`cr.fluentbit.io/fluent/fluent-bit`): the lightest of the three (C, tens of MiB),
   * with a health endpoint. The default.
   */
  FLUENT_BIT = 'fluent-bit',

  /**
   * Fluentd (`fluent/fluentd-kubernetes-daemonset`): Ruby, heavier, with the largest plugin
   * ecosystem. The image variant depends on the output (one plugin set per image).
   */
  FLUENTD = 'fluentd',

  /**
   * Filebeat (`docker.elastic.co/beats/filebeat`): Elastic's shipper; writes to Elasticsearch
   * (or stdout) only.
   */
  FILEBEAT = 'filebeat',

  /**
   * Logstash (`docker.elastic.co/logstash/logstash`) with its own `file` input: a JVM on every
   * node (a 512 MiB heap by default, 1 GiB of memory), with Logstash's filter and output plugins.
   * Often the better design is Filebeat on the nodes in front of a central Logstash (see
   * docs/presets/log-agent.md).
   */
  LOGSTASH = 'logstash',

  /**
   * The OpenTelemetry Collector, contrib distribution (`otel/opentelemetry-collector-contrib`),
   * configured as the opentelemetry-collector chart's agent mode renders it: the `file_log`
   * receiver with the container parser, `k8s_attributes`, and optionally the `kubeletstats` and
   * `hostmetrics` receivers for node metrics. Ships over OTLP.
   */
  OTEL_COLLECTOR = 'otel-collector',
}
