import { CorePropDefaults } from '../private/core-prop-defaults';

/**
 * The GpuDriverInstaller's defaults for the core's props (reasons and sources in
 * docs/presets/gpu-driver-installer.md). `npx projen` writes them into `GpuDriverInstallerProps`' docs.
 */
export const GPU_DRIVER_INSTALLER_CORE_DEFAULTS: CorePropDefaults = {
  priorityClassName: '"system-node-critical" - the node\'s GPUs are useless without the driver',
  updateStrategy: 'UpdateStrategy.onDelete() - a driver is replaced node by node, deliberately',
  tolerations: '[Toleration.all()] - every taint, as the GPU nodes\' own taints and the NVIDIA device plugin',
  requiredNodeAffinity: '- the GPU nodes, from `gpuNodes`',
  hostPid: 'true - the installer must see the processes that hold the GPU',
  hostNetwork: '- true with COS (metadata server and Cloud Storage reached directly, as GKE\'s), '
    + 'false with DRIVER_CONTAINER',
  component: '"gpu-driver"',
  labels: '- the core\'s, with `app.kubernetes.io/version` the driver version (COS without one: the installer image\'s tag)',
  containerName: '- "nvidia-driver" (DRIVER_CONTAINER); "pause" with COS, whose installer is the init container '
    + '"nvidia-driver-installer"',
  initContainers: '- with COS, the installer (privileged, root, writable root filesystem); yours run after it',
  privileged: '- true for the installer container (loads kernel modules, creates device nodes); '
    + 'with COS the main container is `pause`, not privileged',
  readOnlyRootFilesystem: '- false for the installer container (it unpacks the driver into its own filesystem)',
  resources: '- DRIVER_CONTAINER: the installer\'s, requests 150m CPU and 512Mi memory, no memory limit; '
    + 'COS: the pause container\'s, requests 10m CPU and 8Mi memory, memory limit 16Mi '
    + '(the installer\'s are `installerResources`)',
  command: '- ["nvidia-driver"] with DRIVER_CONTAINER; the pause image\'s with COS',
  args: '- ["init"] with DRIVER_CONTAINER; the pause image\'s with COS',
  hostMounts: '- DRIVER_CONTAINER: /run/nvidia (Bidirectional), /etc/os-release read-only and the firmware directory; '
    + 'COS: the installer\'s /dev, /, /etc, the install directory and /var/lib/cos-tools',
  startup: '- DRIVER_CONTAINER: `nvidia-smi` every 10 s after 60 s, up to 120 failures (a driver build takes minutes)',
  imagePlatforms: '- DRIVER_CONTAINER with the default driver image (550.127.05-ubuntu22.04): linux/amd64, linux/arm64 '
    + '(NVIDIA\'s multi-arch build). Not declared with COS (the installer\'s platforms are not verified), with another '
    + '`driverVersion`, `operatingSystem` or `image`, or when a container runs an image of your own.',
};
