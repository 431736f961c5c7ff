import { parse } from 'yaml';
import { DcgmExporter, GpuContainerToolkit, GpuDevicePlugin } from '../../src';
import { container, newChart, only, synth } from '../util/synth';

/**
 * The configuration keys the GPU stack's presets write, checked against the names the agents
 * read at the pinned versions (copied from the sources cited; a key not listed here is one the
 * agent would ignore). NODE_NAME is the core's, on every agent; NVIDIA_VISIBLE_DEVICES and
 * NVIDIA_DRIVER_CAPABILITIES are read by the NVIDIA container runtime, not by the agent.
 */
const FOR_THE_RUNTIME = ['NODE_NAME', 'NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES'];

/** NVIDIA/k8s-device-plugin v0.17.0 `cmd/nvidia-device-plugin/main.go` lines 60-167, every `EnvVars`. */
const DEVICE_PLUGIN_ENV = [
  'MIG_STRATEGY', 'FAIL_ON_INIT_ERROR', 'NVIDIA_DRIVER_ROOT', 'NVIDIA_DEV_ROOT', 'PASS_DEVICE_SPECS', 'DEVICE_LIST_STRATEGY',
  'DEVICE_ID_STRATEGY', 'GDS_ENABLED', 'MOFED_ENABLED', 'KUBELET_SOCKET', 'CONFIG_FILE', 'CDI_ANNOTATION_PREFIX',
  'NVIDIA_CDI_HOOK_PATH', 'NVIDIA_CTK_PATH', 'DRIVER_ROOT_CTR_PATH', 'CONTAINER_DRIVER_ROOT', 'MPS_ROOT',
  'DEVICE_DISCOVERY_STRATEGY', 'IMEX_CHANNEL_IDS', 'IMEX_REQUIRED',
];

/**
 * NVIDIA/nvidia-container-toolkit v1.17.0: `tools/container/nvidia-toolkit/run.go` lines 84-115,
 * `tools/container/runtime/runtime.go` lines 49-89, `tools/container/runtime/containerd/containerd.go`
 * lines 54-76, `tools/container/toolkit/toolkit.go` lines 89-211 (every `EnvVars`).
 */
const TOOLKIT_ENV = [
  'NO_DAEMON', 'RUNTIME', 'RUNTIME_ARGS', 'ROOT', 'TOOLKIT_PID_FILE', 'PID_FILE',
  'RUNTIME_CONFIG', 'CONTAINERD_CONFIG', 'DOCKER_CONFIG', 'RUNTIME_SOCKET', 'CONTAINERD_SOCKET', 'DOCKER_SOCKET',
  'RUNTIME_RESTART_MODE', 'HOST_ROOT_MOUNT', 'NVIDIA_RUNTIME_NAME', 'CONTAINERD_RUNTIME_CLASS', 'DOCKER_RUNTIME_NAME',
  'NVIDIA_RUNTIME_SET_AS_DEFAULT', 'CONTAINERD_SET_AS_DEFAULT', 'DOCKER_SET_AS_DEFAULT',
  'CONTAINERD_USE_LEGACY_CONFIG', 'CONTAINERD_RUNTIME_TYPE', 'NVIDIA_CONTAINER_RUNTIME_MODES_CDI_ANNOTATION_PREFIXES',
  'RUNTIME_CONFIG_OVERRIDE', 'CONTAINERD_RUNTIME_CONFIG_OVERRIDE',
  'NVIDIA_DRIVER_ROOT', 'DRIVER_ROOT', 'DRIVER_ROOT_CTR_PATH', 'NVIDIA_DEV_ROOT', 'DEV_ROOT', 'DEV_ROOT_CTR_PATH',
  'NVIDIA_CONTAINER_RUNTIME_DEBUG', 'NVIDIA_CONTAINER_RUNTIME_LOG_LEVEL', 'NVIDIA_CONTAINER_RUNTIME_MODE',
  'NVIDIA_CONTAINER_RUNTIME_MODES_CDI_DEFAULT_KIND', 'NVIDIA_CONTAINER_RUNTIME_RUNTIMES',
  'NVIDIA_CONTAINER_RUNTIME_HOOK_SKIP_MODE_DETECTION', 'NVIDIA_CONTAINER_CLI_DEBUG',
  'ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED', 'ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS',
  'CDI_ENABLED', 'ENABLE_CDI', 'CDI_OUTPUT_DIR', 'CDI_KIND', 'CREATE_DEVICE_NODES', 'NVIDIA_CONTAINER_TOOLKIT_OPT_IN_FEATURES',
];

/**
 * NVIDIA/dcgm-exporter 3.3.8-3.6.0 `pkg/cmd/app.go` lines 100-254 (every `EnvVars`), and
 * `docker/dcgm-exporter-entrypoint.sh` line 6 (`NO_SETCAP`, read by the image's entrypoint).
 */
const DCGM_EXPORTER_ENV = [
  'DCGM_EXPORTER_COLLECTORS', 'DCGM_EXPORTER_LISTEN', 'DCGM_EXPORTER_INTERVAL', 'DCGM_EXPORTER_KUBERNETES',
  'DCGM_EXPORTER_USE_OLD_NAMESPACE', 'DCGM_EXPORTER_CPU_DEVICES_STR', 'DCGM_EXPORTER_CONFIGMAP_DATA', 'DCGM_REMOTE_HOSTENGINE_INFO',
  'DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE', 'DCGM_EXPORTER_DEVICES_STR', 'DCGM_EXPORTER_NO_HOSTNAME', 'DCGM_EXPORTER_OTHER_DEVICES_STR',
  'DCGM_EXPORTER_USE_FAKE_GPUS', 'DCGM_EXPORTER_WEB_CONFIG_FILE', 'DCGM_EXPORTER_XID_COUNT_WINDOW_SIZE',
  'DCGM_EXPORTER_REPLACE_BLANKS_IN_MODEL_NAME', 'DCGM_EXPORTER_DEBUG', 'DCGM_EXPORTER_CLOCK_EVENTS_COUNT_WINDOW_SIZE',
  'DCGM_EXPORTER_ENABLE_DCGM_LOG', 'DCGM_EXPORTER_DCGM_LOG_LEVEL', 'DCGM_POD_RESOURCES_KUBELET_SOCKET', 'DCGM_HPC_JOB_MAPPING_DIR',
  'NVIDIA_RESOURCE_NAMES', 'DCGM_EXPORTER_SYSTEMD_SOCKET', 'NO_SETCAP',
];

/**
 * The device plugin's configuration file, as the Go structs' json tags name its keys
 * (k8s-device-plugin v0.17.0 `api/config/v1/config.go` lines 34-38 `Config`, `sharing.go` lines
 * 21-24 `Sharing`, `replicas.go` lines 29-33 `ReplicatedResources` and 80-85 `ReplicatedResource`).
 */
const CONFIG_KEYS: Record<string, string[]> = {
  '': ['version', 'flags', 'resources', 'sharing', 'imex'],
  'sharing': ['timeSlicing', 'mps'],
  'sharing.timeSlicing': ['renameByDefault', 'failRequestsGreaterThanOne', 'resources'],
  'sharing.timeSlicing.resources[]': ['name', 'rename', 'devices', 'replicas'],
};

function envNames(c: any): string[] {
  return (c.env ?? []).map((e: any) => e.name).filter((n: string) => !FOR_THE_RUNTIME.includes(n));
}

/** Every key path of a parsed YAML document, as `parent` -> keys (list items as `parent[]`). */
function keysOf(value: any, at = '', out: Record<string, string[]> = {}): Record<string, string[]> {
  if (Array.isArray(value)) {
    value.forEach((v) => keysOf(v, `${at}[]`, out));
  } else if (value && typeof value === 'object') {
    out[at] = [...new Set([...(out[at] ?? []), ...Object.keys(value)])];
    for (const [k, v] of Object.entries(value)) {
      keysOf(v, at ? `${at}.${k}` : k, out);
    }
  }
  return out;
}

describe('the GPU stack writes only keys its agents read', () => {
  test('the device plugin\'s environment, with every option set', () => {
    // GIVEN / WHEN
    const chart = newChart();
    new GpuDevicePlugin(chart, 'p', { timeSlicing: { replicas: 2 } });
    // THEN
    const names = envNames(container(synth(chart), 'nvidia-device-plugin-ctr'));
    expect(names.length).toBeGreaterThan(4);
    expect(names.filter((n) => !DEVICE_PLUGIN_ENV.includes(n))).toEqual([]);
  });

  test('the device plugin\'s configuration file', () => {
    // GIVEN every time-slicing option
    const chart = newChart();
    new GpuDevicePlugin(chart, 'p', { timeSlicing: { replicas: 4, rename: 'gpu.shared', failRequestsGreaterThanOne: true } });
    // WHEN the file is read back
    const config = parse(only(synth(chart), 'ConfigMap').data['config.yaml']);
    // THEN each key is one of the Go structs' json tags
    for (const [at, keys] of Object.entries(keysOf(config))) {
      expect({ at, unknown: keys.filter((k) => !(CONFIG_KEYS[at] ?? []).includes(k)) }).toEqual({ at, unknown: [] });
    }
  });

  test('the toolkit\'s environment', () => {
    const chart = newChart();
    new GpuContainerToolkit(chart, 't');
    const names = envNames(container(synth(chart), 'nvidia-container-toolkit-ctr'));
    expect(names.length).toBeGreaterThan(8);
    expect(names.filter((n) => !TOOLKIT_ENV.includes(n))).toEqual([]);
  });

  test('the DCGM exporter\'s environment, with every option set', () => {
    const chart = newChart();
    new DcgmExporter(chart, 'd', { resourceNames: ['nvidia.com/gpu.shared'] });
    const names = envNames(container(synth(chart), 'exporter'));
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !DCGM_EXPORTER_ENV.includes(n))).toEqual([]);
  });
});
