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
}
