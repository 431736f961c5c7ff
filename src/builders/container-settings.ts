import { ContainerSettings } from '../agent-container';

/** Every prop of `ContainerSettings`: the compiler refuses this list when one is missing. */
const KEYS: { readonly [K in keyof Required<ContainerSettings>]: true } = {
  imagePullPolicy: true,
  command: true,
  args: true,
  env: true,
  ports: true,
  hostMounts: true,
  volumeMounts: true,
  resources: true,
  liveness: true,
  readiness: true,
  startup: true,
  privileged: true,
  addCapabilities: true,
  runAsUser: true,
  runAsGroup: true,
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: true,
  seccompProfile: true,
  workingDir: true,
  terminationMessagePolicy: true,
  envFrom: true,
  lifecycle: true,
};

/**
 * Splits a preset's options into the agent container's settings (`ContainerSettings`) and the
 * pod's: for a preset whose agent does not run in the main container (GpuDriverInstaller with
 * COS: the installer is an init container), so that your container settings reach the container
 * that does the agent's work (docs/merge-rule.md, "Which container a prop reaches").
 */
export function splitContainerSettings<T extends ContainerSettings>(options: T): { container: ContainerSettings; pod: T } {
  const container: { [key: string]: unknown } = {};
  const pod: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(options)) {
    (key in KEYS ? container : pod)[key] = value;
  }
  return { container: container as ContainerSettings, pod: pod as unknown as T };
}
