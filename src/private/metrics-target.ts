import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/** What `AgentMetrics` needs to know about the agent to make its monitor. */
export interface MetricsTarget {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly selectorLabels: { [key: string]: string };
  /** Every container port of the pod. */
  readonly ports: Array<{ readonly name?: string; readonly number: number }>;
}

/** The objects `AgentMetrics` made. */
export interface BoundMetrics {
  readonly monitor: ApiObject;
  readonly service?: k8s.KubeService;
}
