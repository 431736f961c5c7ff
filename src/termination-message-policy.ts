/**
 * Where the kubelet takes a container's termination message from (`terminationMessagePolicy`),
 * shown in the pod's status and by `kubectl describe pod` when the container ends.
 */
export enum TerminationMessagePolicy {
  /** The file at `terminationMessagePath` (`/dev/termination-log`) only: Kubernetes' default. */
  FILE = 'File',
  /**
   * The file, or the last lines of the container's log when the file is empty and the container
   * failed: what Cilium's and other network agents' charts set, so that a crash says why.
   */
  FALLBACK_TO_LOGS_ON_ERROR = 'FallbackToLogsOnError',
}
