import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, DnsPolicy, EnvFieldPaths, EnvValue, Handler, HostPathVolumeType, k8s, MountPropagation, Probe } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentContainer } from '../agent-container';
import { DaemonSet, DaemonSetOptions, DaemonSetProps } from '../daemon-set';
import { HostMount } from '../host-mount';
import { IntOrPercent } from '../int-or-percent';
import { clusterScoped } from '../private/cluster-scoped';
import { checkConstructProps } from '../private/shapes';
import { UpdateStrategy } from '../update-strategy';
import { ValidationProblems } from '../validation-problems';
import { apiServerEndpoint, checkEnum, cidrPrefix } from './cilium-calico-common';

/** Calico's release the preset runs (manifests/calico.yaml at the tag v3.31.7). */
const CALICO_VERSION = 'v3.31.7';
const DEFAULT_IMAGE = `quay.io/calico/node:${CALICO_VERSION}`;
const DEFAULT_CNI_IMAGE = `quay.io/calico/cni:${CALICO_VERSION}`;
/** The ServiceAccount calico-node requests the CNI plugin's tokens for (node/pkg/cni/token_watch.go, defaultServiceAccountName). */
const CNI_PLUGIN_ACCOUNT = 'calico-cni-plugin';

/** How pod traffic crosses between nodes: the default IP pool's IPIP and VXLAN modes. */
export enum CalicoEncapsulation {
  /** IP-in-IP to every node, routes by BGP (BIRD): the manifest's default (`CALICO_IPV4POOL_IPIP=Always`). */
  IPIP = 'IPIP',
  /** IP-in-IP only to nodes in another subnet, routes by BGP. */
  IPIP_CROSS_SUBNET = 'IPIPCrossSubnet',
  /** VXLAN to every node, no BGP (the `vxlan` backend, BIRD off). */
  VXLAN = 'VXLAN',
  /** VXLAN only to nodes in another subnet, no BGP. */
  VXLAN_CROSS_SUBNET = 'VXLANCrossSubnet',
  /** No encapsulation: the network routes pod addresses, learnt by BGP. */
  NONE = 'None',
}

/**
 * Props of a `CalicoNode`: its own (the settings platform teams change), then the core's
 * (`DaemonSetOptions`) with the defaults this preset gives them (reasons and sources in
 * docs/presets/calico-node.md). Props you give follow the library's merge rule.
 */
export interface CalicoNodeProps extends DaemonSetOptions {
  /**
   * The calico/node image, pinned.
   *
   * @default "quay.io/calico/node:v3.31.7"
   */
  readonly image?: string;

  /**
   * The calico/cni image of the `install-cni` init container, pinned (the same release as `image`).
   *
   * @default "quay.io/calico/cni:v3.31.7"
   */
  readonly cniImage?: string;

  /**
   * The default IPv4 pool's CIDR (`CALICO_IPV4POOL_CIDR`), created at the first start if no
   * pool exists (changing it later has no effect). It should fall within the cluster's
   * `--cluster-cidr`.
   *
   * @default - kubeadm's `podSubnet` (the kubeadm-config ConfigMap), else 192.168.0.0/16 (calico-node's)
   */
  readonly ipv4PoolCidr?: string;

  /**
   * The default IPv4 pool's encapsulation, and with it the networking backend: BGP (BIRD) for
   * IPIP and None, `vxlan` for the VXLAN modes (which then need no BGP, and whose probes do not
   * check BIRD).
   *
   * @default CalicoEncapsulation.IPIP
   */
  readonly encapsulation?: CalicoEncapsulation;

  /**
   * The MTU of the pods' interfaces and the tunnel devices (FELIX_IPINIPMTU, FELIX_VXLANMTU,
   * FELIX_WIREGUARDMTU and the CNI's `mtu`). 0 lets Calico detect it from the node.
   *
   * @default 0 (auto-detected)
   */
  readonly mtu?: number;

  /**
   * More Felix settings, as environment variables (`FELIX_<SETTING>` in upper case, e.g.
   * `{ FELIX_BPFENABLED: 'true', FELIX_LOGSEVERITYSCREEN: 'warning' }`). Felix reads any
   * FelixConfiguration field this way. Settings the preset types (the MTUs) are refused here.
   *
   * @default - none
   */
  readonly felixEnv?: { [name: string]: string };

  /**
   * The API server's address (a host name or IP address without scheme or port), as
   * KUBERNETES_SERVICE_HOST in every container: needed with Felix's eBPF dataplane or without
   * kube-proxy, where the `kubernetes` Service is not reachable before Calico runs (the manifest's
   * `kubernetes-services-endpoint` ConfigMap). Give it with `apiServerPort`.
   *
   * @default - none: the `kubernetes` Service, through kube-proxy
   */
  readonly apiServerHost?: string;

  /**
   * The API server's port. Give it with `apiServerHost`.
   *
   * @default - none: required with `apiServerHost`
   */
  readonly apiServerPort?: number;
}

/**
 * Calico's calico-node on every node, as the Calico manifest renders it at v3.31.7 (projectcalico/calico
 * `manifests/calico.yaml`), with the Kubernetes API datastore: the `install-cni` init container
 * (CNI binaries and `10-calico.conflist`), `ebpf-bootstrap` (mounts bpffs and cgroup2 for the
 * eBPF dataplane, best effort), and calico-node itself (Felix, BIRD, confd), privileged as the
 * manifest runs it. Also the `calico-cni-plugin` ServiceAccount and ClusterRole whose tokens
 * calico-node writes into the CNI's kubeconfig. Needs Calico's CRDs (from the same manifest)
 * applied first.
 *
 * - **Privileged calico-node** (the manifest's): it writes sysctls, iptables/nftables, routes,
 *   BPF programs and the CNI config; `install-cni` runs as root with every capability dropped
 *   (it only writes files), unlike the manifest's privileged one.
 * - **Probes the way calico-node does them**: exec `calico-node -felix-live -bird-live` and
 *   `-felix-ready -bird-ready` (without BIRD in the VXLAN modes), the manifest's timings.
 * - **Settings inline**: the calico-config ConfigMap's values (backend, MTU, CNI config) are the
 *   env of the containers, so that a change rolls the pods.
 * - **Host network, every taint, `system-node-critical`, one node at a time, grace 0** (the manifest's).
 *
 * **Defaults it changes**
 *
 * The core's props (`DaemonSetOptions`) this preset gives a default of its own; every other core
 * prop keeps the core's default. Your props win by the merge rule (`DaemonSet.mergeOptions`,
 * docs/merge-rule.md): lists are added to the preset's, maps and `resources` merged, anything else
 * replaces the preset's value.
 *
 * | Prop | Default in this preset | Why |
 * |---|---|---|
 * | `namespace` | `"kube-system"` | unless the chart has a namespace (the manifest's) |
 * | `hostNetwork` | `true` | calico-node programs the node's own network namespace |
 * | `dnsPolicy` | `DnsPolicy.DEFAULT` | the cluster DNS is a pod this agent has yet to connect |
 * | `priorityClassName` | `"system-node-critical"` | a node without its CNI agent runs no pods |
 * | `updateStrategy` | `UpdateStrategy.rollingUpdate()` | maxUnavailable 1, maxSurge 0 (the manifest's) |
 * | `terminationGracePeriodSeconds` | `0` | the manifest's: the dataplane stays in the kernel |
 * | `component` | `"networking"` |  |
 * | `privileged` | `true` | the manifest's: sysctls, BPF, routes and iptables; it also makes calico-node root |
 * | `readOnlyRootFilesystem` | `false` | the manifest's: BIRD and confd write their config in the image |
 * | `env` | the manifest's calico-node env, with the pool, encapsulation and MTU settings |  |
 * | `resources` | requests 250m CPU and 128Mi memory, memory limit 1Gi |  |
 * | `hostMounts` | /etc/cni/net.d, /lib/modules, /run/xtables.lock, /var/run/calico, /var/lib/calico, /var/run/nodeagent, /sys/fs/bpf, /var/log/calico/cni, /sys/kernel/security |  |
 * | `ports` | "felix-health" (9099), and "bgp" (179) with BIRD |  |
 * | `initContainers` | install-cni, ebpf-bootstrap |  |
 * | `lifecycle` | pre-stop `/bin/calico-node -shutdown` |  |
 * | `liveness` | exec calico-node -felix-live (-bird-live), after 10 s, every 10 s, timeout 10 s, 6 failures |  |
 * | `readiness` | exec calico-node -felix-ready (-bird-ready), every 10 s, timeout 10 s |  |
 * | `rbacRules` | the manifest's `calico-node` ClusterRole |  |
 */
export class CalicoNode extends Construct {
  /** The DaemonSet. */
  public readonly daemonSet: DaemonSet;
  /** The calico/node image. */
  public readonly image: string;
  /** The calico/cni image. */
  public readonly cniImage: string;
  /** The default pool's encapsulation. */
  public readonly encapsulation: CalicoEncapsulation;
  /** The networking backend: "bird" or "vxlan". */
  public readonly backend: string;
  /** The MTU (0: auto-detected). */
  public readonly mtu: number;

  constructor(scope: Construct, id: string, props: CalicoNodeProps = {}) {
    super(scope, id);
    props = checkConstructProps('CalicoNodeProps', this, props);
    const { image, cniImage, ipv4PoolCidr, encapsulation, mtu, felixEnv, apiServerHost, apiServerPort, ...options } = props;
    const problems = ValidationProblems.of(this);

    this.image = image ?? DEFAULT_IMAGE;
    this.cniImage = cniImage ?? DEFAULT_CNI_IMAGE;
    this.encapsulation = encapsulation ?? CalicoEncapsulation.IPIP;
    checkEnum(problems, 'encapsulation', this.encapsulation, CalicoEncapsulation);
    const vxlan = this.encapsulation === CalicoEncapsulation.VXLAN || this.encapsulation === CalicoEncapsulation.VXLAN_CROSS_SUBNET;
    this.backend = vxlan ? 'vxlan' : 'bird';
    this.mtu = mtu ?? 0;
    if (!Number.isInteger(this.mtu) || (this.mtu !== 0 && (this.mtu < 576 || this.mtu > 9000))) {
      problems.add('mtu', mtu, 'expected 0 (auto-detect) or an MTU from 576 to 9000, e.g. 1450');
    }
    if (ipv4PoolCidr !== undefined && cidrPrefix(ipv4PoolCidr) === undefined) {
      problems.add('ipv4PoolCidr', ipv4PoolCidr, 'expected an IPv4 CIDR, e.g. "10.244.0.0/16"');
    }
    const felix: { [name: string]: EnvValue } = {};
    for (const [name, value] of Object.entries(felixEnv ?? {})) {
      if (!/^FELIX_[A-Z0-9_]+$/.test(name)) {
        problems.add('felixEnv', name, 'expected a Felix setting as an environment variable, FELIX_ and the setting in upper case, e.g. "FELIX_LOGSEVERITYSCREEN"');
      } else if (MTU_SETTINGS.includes(name)) {
        problems.add(`felixEnv.${name}`, value, 'set by the preset\'s `mtu` prop; use it instead');
      } else if (typeof value !== 'string') {
        problems.add(`felixEnv.${name}`, value, 'expected a string, e.g. "true"');
      } else {
        felix[name] = EnvValue.fromValue(value);
      }
    }
    const apiServerEnv = apiServerEndpoint(apiServerHost, apiServerPort, problems) ?? {};
    const mtuText = String(this.mtu);
    const ipip = { [CalicoEncapsulation.IPIP]: 'Always', [CalicoEncapsulation.IPIP_CROSS_SUBNET]: 'CrossSubnet' }[this.encapsulation as string] ?? 'Never';
    const vxlanMode = { [CalicoEncapsulation.VXLAN]: 'Always', [CalicoEncapsulation.VXLAN_CROSS_SUBNET]: 'CrossSubnet' }[this.encapsulation as string] ?? 'Never';

    const cniNetDir = HostMount.readWrite('/etc/cni/net.d', {
      mountPath: '/host/etc/cni/net.d', type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cni-net-dir',
    });
    const varRunCalico = (propagation?: MountPropagation) => HostMount.readWrite('/var/run/calico', {
      type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'var-run-calico', propagation,
    });
    const installCni: AgentContainer = {
      name: 'install-cni',
      image: this.cniImage,
      command: ['/opt/cni/bin/install'],
      env: {
        CNI_CONF_NAME: EnvValue.fromValue('10-calico.conflist'),
        CNI_NETWORK_CONFIG: EnvValue.fromValue(cniNetworkConfig()),
        KUBERNETES_NODE_NAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
        CNI_MTU: EnvValue.fromValue(mtuText),
        // Exit when done instead of sleeping forever.
        SLEEP: EnvValue.fromValue('false'),
        ...apiServerEnv,
      },
      // Root: it writes the root-owned CNI directories; no capability is needed for that.
      runAsUser: 0,
      hostMounts: [
        HostMount.readWrite('/opt/cni/bin', { mountPath: '/host/opt/cni/bin', type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'cni-bin-dir', shared: true }),
        cniNetDir,
      ],
    };
    const ebpfBootstrap: AgentContainer = {
      // Mounts bpffs at /sys/fs/bpf and cgroup2 at /run/calico/cgroup so that they outlive the
      // container: Bidirectional, which only a privileged container may use.
      name: 'ebpf-bootstrap',
      image: this.image,
      command: ['calico-node', '-init', '-best-effort'],
      privileged: true,
      // The manifest's writable root: the mount helpers it runs were not audited for writes.
      readOnlyRootFilesystem: false,
      hostMounts: [
        HostMount.readWrite('/sys/fs/', { mountPath: '/sys/fs', type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'sys-fs', propagation: MountPropagation.BIDIRECTIONAL, shared: true }),
        varRunCalico(MountPropagation.BIDIRECTIONAL),
        HostMount.readOnly('/proc', { mountPath: '/nodeproc', type: HostPathVolumeType.DEFAULT, volumeName: 'nodeproc' }),
      ],
    };
    const probeFlags = (kind: 'live' | 'ready') => ['/bin/calico-node', `-felix-${kind}`, ...(vxlan ? [] : [`-bird-${kind}`])];

    const defaults: DaemonSetProps = {
      name: DaemonSet.defaultName(this),
      namespace: Chart.of(this).namespace ?? 'kube-system',
      component: 'networking',
      containerName: 'calico-node',
      image: this.image,
      hostNetwork: true,
      dnsPolicy: DnsPolicy.DEFAULT,
      priorityClassName: 'system-node-critical',
      updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: IntOrPercent.absolute(1) }),
      terminationGracePeriodSeconds: 0,
      privileged: true,
      readOnlyRootFilesystem: false,
      env: {
        DATASTORE_TYPE: EnvValue.fromValue('kubernetes'),
        WAIT_FOR_DATASTORE: EnvValue.fromValue('true'),
        NODENAME: EnvValue.fromFieldRef(EnvFieldPaths.NODE_NAME),
        CALICO_NETWORKING_BACKEND: EnvValue.fromValue(this.backend),
        CLUSTER_TYPE: EnvValue.fromValue('k8s,bgp'),
        IP: EnvValue.fromValue('autodetect'),
        CALICO_IPV4POOL_IPIP: EnvValue.fromValue(ipip),
        CALICO_IPV4POOL_VXLAN: EnvValue.fromValue(vxlanMode),
        CALICO_IPV6POOL_VXLAN: EnvValue.fromValue('Never'),
        FELIX_IPINIPMTU: EnvValue.fromValue(mtuText),
        FELIX_VXLANMTU: EnvValue.fromValue(mtuText),
        FELIX_WIREGUARDMTU: EnvValue.fromValue(mtuText),
        ...(ipv4PoolCidr !== undefined ? { CALICO_IPV4POOL_CIDR: EnvValue.fromValue(ipv4PoolCidr) } : {}),
        CALICO_DISABLE_FILE_LOGGING: EnvValue.fromValue('true'),
        FELIX_DEFAULTENDPOINTTOHOSTACTION: EnvValue.fromValue('ACCEPT'),
        FELIX_IPV6SUPPORT: EnvValue.fromValue('false'),
        FELIX_HEALTHENABLED: EnvValue.fromValue('true'),
        ...felix,
        ...apiServerEnv,
      },
      hostMounts: [
        // calico-node refreshes the CNI plugin's kubeconfig there. Not shared: one primary CNI a node.
        cniNetDir,
        // Untyped, as in the manifest: nodes without /lib/modules still start it.
        HostMount.readOnly('/lib/modules', { type: HostPathVolumeType.DEFAULT, volumeName: 'lib-modules' }),
        HostMount.readWrite('/run/xtables.lock', { type: HostPathVolumeType.FILE_OR_CREATE, volumeName: 'xtables-lock', shared: true }),
        varRunCalico(),
        HostMount.readWrite('/var/lib/calico', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'var-lib-calico' }),
        HostMount.readWrite('/var/run/nodeagent', { type: HostPathVolumeType.DIRECTORY_OR_CREATE, volumeName: 'policysync' }),
        // bpffs, for the eBPF dataplane; mounted by ebpf-bootstrap. Every BPF user pins there.
        HostMount.readWrite('/sys/fs/bpf', { volumeName: 'bpffs', shared: true }),
        HostMount.readOnly('/var/log/calico/cni', { type: HostPathVolumeType.DEFAULT, volumeName: 'cni-log-dir' }),
        // Felix reads the kernel lockdown state; untyped so that nodes without securityfs start.
        HostMount.readOnly('/sys/kernel/security', { type: HostPathVolumeType.DEFAULT, volumeName: 'sys-kernel-security' }),
      ],
      // Declared (the manifest declares none) so that the app-wide checks see the host ports it
      // binds: Felix's health server (127.0.0.1:9099) and, with BIRD, BGP on 179.
      ports: [
        { containerPort: 9099, name: 'felix-health' },
        ...(vxlan ? [] : [{ containerPort: 179, name: 'bgp' }]),
      ],
      initContainers: [installCni, ebpfBootstrap],
      lifecycle: { preStop: Handler.fromCommand(['/bin/calico-node', '-shutdown']) },
      liveness: Probe.fromCommand(probeFlags('live'), {
        periodSeconds: Duration.seconds(10),
        initialDelaySeconds: Duration.seconds(10),
        failureThreshold: 6,
        timeoutSeconds: Duration.seconds(10),
      }),
      readiness: Probe.fromCommand(probeFlags('ready'), {
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(10),
      }),
      resources: {
        cpu: { request: Cpu.millis(250) },
        memory: { request: Size.mebibytes(128), limit: Size.gibibytes(1) },
      },
      rbacRules: CALICO_NODE_RULES,
    };
    problems.noteUserOptions(props);
    this.daemonSet = new DaemonSet(this, 'DaemonSet', DaemonSet.mergeOptions(defaults, options));

    // The CNI plugin's own account: calico-node requests its tokens (serviceaccounts/token) and
    // writes them into /etc/cni/net.d/calico-kubeconfig; the plugin runs with these rights only.
    const namespace = this.daemonSet.namespace;
    new k8s.KubeServiceAccount(this, 'CniPluginAccount', { metadata: { name: CNI_PLUGIN_ACCOUNT, namespace, labels: this.daemonSet.labels } });
    clusterScoped(new k8s.KubeClusterRole(this, 'CniPluginRole', { metadata: { name: CNI_PLUGIN_ACCOUNT, labels: this.daemonSet.labels }, rules: CNI_PLUGIN_RULES }));
    clusterScoped(new k8s.KubeClusterRoleBinding(this, 'CniPluginBinding', {
      metadata: { name: CNI_PLUGIN_ACCOUNT, labels: this.daemonSet.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CNI_PLUGIN_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: CNI_PLUGIN_ACCOUNT, namespace }],
    }));
  }
}

const MTU_SETTINGS = ['FELIX_IPINIPMTU', 'FELIX_VXLANMTU', 'FELIX_WIREGUARDMTU'];

/** The manifest's `cni_network_config` (calico-config ConfigMap); install-cni fills in the __PLACEHOLDERS__. */
function cniNetworkConfig(): string {
  return JSON.stringify({
    name: 'k8s-pod-network',
    cniVersion: '1.0.0',
    plugins: [
      {
        type: 'calico',
        log_level: 'info',
        log_file_path: '/var/log/calico/cni/cni.log',
        datastore_type: 'kubernetes',
        nodename: '__KUBERNETES_NODE_NAME__',
        mtu: '__CNI_MTU__',
        ipam: { type: 'calico-ipam' },
        policy: { type: 'k8s' },
        kubernetes: { kubeconfig: '__KUBECONFIG_FILEPATH__' },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
    ],
  }, undefined, 2).replace('"__CNI_MTU__"', '__CNI_MTU__');
}

/** The manifest's `calico-node` ClusterRole (v3.31.7, templates/calico-node-rbac.yaml). */
const CALICO_NODE_RULES = [
  { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [CNI_PLUGIN_ACCOUNT], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['watch', 'list'] },
  { apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['watch', 'list', 'get'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
  { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['watch', 'list'] },
  { apiGroups: ['policy.networking.k8s.io'], resources: ['adminnetworkpolicies', 'baselineadminnetworkpolicies'], verbs: ['watch', 'list'] },
  { apiGroups: [''], resources: ['pods', 'namespaces', 'serviceaccounts'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'] },
  {
    apiGroups: ['crd.projectcalico.org'],
    resources: [
      'globalfelixconfigs', 'felixconfigurations', 'bgppeers', 'bgpfilters', 'globalbgpconfigs', 'bgpconfigurations', 'ippools',
      'ipreservations', 'ipamblocks', 'globalnetworkpolicies', 'stagedglobalnetworkpolicies', 'networkpolicies', 'stagednetworkpolicies',
      'stagedkubernetesnetworkpolicies', 'globalnetworksets', 'networksets', 'clusterinformations', 'hostendpoints', 'blockaffinities',
      'caliconodestatuses', 'tiers',
    ],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: ['crd.projectcalico.org'], resources: ['tiers'], verbs: ['create'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['ippools', 'felixconfigurations', 'clusterinformations'], verbs: ['create', 'update'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['caliconodestatuses'], verbs: ['update'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['bgpconfigurations', 'bgppeers'], verbs: ['create', 'update'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['blockaffinities', 'ipamblocks', 'ipamhandles'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['ipamconfigs'], verbs: ['get', 'create'] },
  { apiGroups: ['crd.projectcalico.org'], resources: ['blockaffinities'], verbs: ['watch'] },
  { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] },
];

/** The manifest's `calico-cni-plugin` ClusterRole (v3.31.7). */
const CNI_PLUGIN_RULES = [
  { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'] },
  {
    apiGroups: ['crd.projectcalico.org'],
    resources: ['blockaffinities', 'ipamblocks', 'ipamhandles', 'clusterinformations', 'ippools', 'ipreservations', 'ipamconfigs'],
    verbs: ['get', 'list', 'create', 'update', 'delete'],
  },
];
