import { Size } from 'cdk8s';
import { ContainerResources, Cpu, EnvValue, HostPathVolumeType, MountPropagation, TaintEffect } from 'cdk8s-plus-28';
import { GpuNodes } from './gpu-nodes';
import { AgentContainer } from '../agent-container';
import { DaemonSetOptions } from '../daemon-set';
import { HostMount } from '../host-mount';
import { Toleration } from '../toleration';
import { ValidationProblems } from '../validation-problems';

/**
 * What the NVIDIA GPU stack's presets (`GpuContainerToolkit`, `GpuDevicePlugin`, `DcgmExporter`)
 * share: how each waits on a node for the one before it, and the GPU taint. Not exported.
 *
 * The order on a node is driver, then toolkit, then device plugin and DCGM exporter, kept as
 * the GPU Operator keeps it: by files on the node under `/run/nvidia/validations`, each
 * written by the step before and waited for by a small init container of the step after
 * (gpu-operator `assets/state-device-plugin/0500_daemonset.yaml`, init container
 * `toolkit-validation`: `until [ -f /run/nvidia/validations/toolkit-ready ]`). `/run` is a tmpfs:
 * after a reboot every file is gone until its step has run again on this boot.
 */

/** The host directory of the readiness files (the GPU Operator's). */
export const VALIDATIONS_DIR = '/run/nvidia/validations';

/** The file the toolkit's `toolkit-ready` sidecar writes once containerd has the NVIDIA runtime. */
export const TOOLKIT_READY_FILE = `${VALIDATIONS_DIR}/toolkit-ready`;

/** The RuntimeClass (and containerd runtime handler) the toolkit configures, the GPU Operator's. */
export const DEFAULT_RUNTIME_CLASS = 'nvidia';

/** The toleration of the GPU taint, as NVIDIA's device plugin chart and the GPU Operator. */
export function gpuTaintToleration(): Toleration {
  return Toleration.exists('nvidia.com/gpu', { effect: TaintEffect.NO_SCHEDULE });
}

/**
 * The environment of the small containers that only wait or write a file: `void` keeps the
 * NVIDIA runtime from injecting the driver (the pod may run with it), so that they start while
 * the driver is not loaded, e.g. after a reboot (the GPU Operator sets it on its toolkit for the
 * same reason). Images built on CUDA's set NVIDIA_VISIBLE_DEVICES=all.
 */
export function noGpuEnv(): { [name: string]: EnvValue } {
  return { NVIDIA_VISIBLE_DEVICES: EnvValue.fromValue('void') };
}

/** The small waiting containers: they only test a file every 5 seconds. */
export const WAIT_RESOURCES: ContainerResources = {
  cpu: { request: Cpu.millis(5) },
  memory: { request: Size.mebibytes(8), limit: Size.mebibytes(32) },
};

/** The validations directory, read-only, seeing files written there later (HostToContainer). */
export function validationsMount(): HostMount {
  return HostMount.readOnly(VALIDATIONS_DIR, {
    type: HostPathVolumeType.DIRECTORY_OR_CREATE,
    propagation: MountPropagation.HOST_TO_CONTAINER,
    volumeName: 'run-nvidia-validations',
  });
}

/** The shell loop of a waiting init container: returns once `path` exists. */
export function waitScript(path: string, what: string): string {
  return `until [ -e ${path} ]; do echo "waiting for ${what} (${path})"; sleep 5; done; echo "${what}: ready"`;
}

/**
 * An init container that waits until a readiness file exists under the validations directory.
 * It runs the agent's own image (each has a shell), as nobody, with no capabilities: the file
 * is world-readable.
 */
export function waitForToolkit(image: string): AgentContainer {
  return {
    name: 'wait-for-toolkit',
    image,
    command: ['sh', '-c', waitScript(TOOLKIT_READY_FILE, 'the NVIDIA container toolkit')],
    env: noGpuEnv(),
    hostMounts: [validationsMount()],
    resources: WAIT_RESOURCES,
  };
}

/**
 * The GPU nodes a GPU stack agent runs on: `gpuNodes`, else the nodes labelled
 * nvidia.com/gpu.present=true; `requiredNodeAffinity` replaces the selection, so not both.
 */
export function resolveGpuNodes(gpuNodes: GpuNodes | undefined, options: DaemonSetOptions, problems: ValidationProblems): GpuNodes {
  if (gpuNodes !== undefined && options.requiredNodeAffinity !== undefined) {
    problems.add('gpuNodes', 'together with requiredNodeAffinity', 'requiredNodeAffinity replaces the GPU node selection whole; give only one of them');
  }
  const nodes = gpuNodes ?? GpuNodes.gpuPresent();
  nodes._check('GPU agent', problems);
  return nodes;
}
