/**
 * The Pod Security Standards level a pod template meets, computed from its synthesized spec by
 * the documented rules (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 * implemented in k8s.io/pod-security-admission/policy). Every check of the `baseline` and
 * `restricted` profiles that applies to a pod spec is here; a violation of a baseline check makes
 * the pod `privileged`, of a restricted check `baseline`.
 *
 * `hostUsers` is no check of its own: `false` (a user namespace) is allowed at every level, and
 * `true` or unset is the default. Pods with `hostUsers: false` are judged like any other: the
 * relaxation of runAsNonRoot and runAsUser for them (KEP-127, behind the
 * UserNamespacesPodSecurityStandards feature gate, off by default, until 1.35) is not applied, so
 * the level reported is the one a cluster without that gate enforces.
 */

/** The Pod Security Standards levels, from the least to the most restrictive. */
export enum PodSecurityLevel {
  /** Unrestricted: host access such as host namespaces, host paths or privileged containers. */
  PRIVILEGED = 'privileged',
  /** Prevents known privilege escalations; allows the default container settings. */
  BASELINE = 'baseline',
  /** Hardened: non-root, no privilege escalation, drop ALL, seccomp, restricted volume types. */
  RESTRICTED = 'restricted',
}

/** One reason why a pod does not meet a level. */
export interface PodSecurityReason {
  /** The level this reason rules out: BASELINE (so the pod is privileged) or RESTRICTED (so it is baseline). */
  readonly violates: PodSecurityLevel;
  /** The check's name in the Pod Security Standards, e.g. "hostPathVolumes". */
  readonly check: string;
  /** What in the spec fails it, e.g. "volumes[host-proc].hostPath". */
  readonly field: string;
  /** A sentence for people. */
  readonly message: string;
}

/** The level a pod template meets and why it meets no stricter one. */
export interface PodSecurityReport {
  /** The most restrictive level the pod meets. */
  readonly level: PodSecurityLevel;
  /** Every check the pod fails, for the baseline and the restricted level. */
  readonly reasons: PodSecurityReason[];
}

const LEVEL_ORDER = [PodSecurityLevel.PRIVILEGED, PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED];

// policy/check_capabilities_baseline.go
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
// policy/check_sysctls.go: the safe set of policy version v1.28, which AgentNamespace pins
// (v1.29 adds the tcp_keepalive_* and tcp_fin_timeout sysctls).
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);
// policy/check_seLinuxOptions.go
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
// policy/check_restrictedVolumes.go
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Evaluates pod specs against the Pod Security Standards. */
export class PodSecurity {
  /**
   * The level a pod spec (as in a synthesized manifest: `spec.template.spec` of a DaemonSet)
   * meets, with every reason it does not meet a stricter one.
   *
   * @param podSpec the pod spec, with Kubernetes field names
   * @param podAnnotations the pod template's annotations (AppArmor profiles are read from them)
   */
  public static evaluate(podSpec: any, podAnnotations?: { [key: string]: string }): PodSecurityReport {
    const reasons: PodSecurityReason[] = [];
    const add = (violates: PodSecurityLevel, check: string, field: string, message: string) => reasons.push({ violates, check, field, message });
    const B = PodSecurityLevel.BASELINE;
    const R = PodSecurityLevel.RESTRICTED;
    const spec = podSpec ?? {};
    const podSc = spec.securityContext ?? {};
    const containers: Array<{ field: string; c: any }> = [
      ...(spec.initContainers ?? []).map((c: any) => ({ field: `initContainers[${c.name}]`, c })),
      ...(spec.containers ?? []).map((c: any) => ({ field: `containers[${c.name}]`, c })),
      ...(spec.ephemeralContainers ?? []).map((c: any) => ({ field: `ephemeralContainers[${c.name}]`, c })),
    ];

    // ---- baseline ----
    // hostUsers: false is allowed at every level (no check reads it; see the file comment).
    for (const [key, name] of [['hostNetwork', 'hostNetwork'], ['hostPID', 'hostPID'], ['hostIPC', 'hostIPC']]) {
      if (spec[key] === true) {
        add(B, 'hostNamespaces', name, `${name}: true shares the node's ${name.slice(4).toLowerCase()} namespace`);
      }
    }
    if (podSc.windowsOptions?.hostProcess === true) {
      add(B, 'hostProcess', 'securityContext.windowsOptions.hostProcess', 'Windows HostProcess pods run on the host');
    }
    for (const v of spec.volumes ?? []) {
      if (v.hostPath !== undefined) {
        add(B, 'hostPathVolumes', `volumes[${v.name}].hostPath`, `host path ${v.hostPath.path} is mounted from the node`);
      }
    }
    for (const { field, c } of containers) {
      const sc = c.securityContext ?? {};
      if (sc.privileged === true) {
        add(B, 'privileged', `${field}.securityContext.privileged`, 'a privileged container has every capability and device of the node');
      }
      if (sc.windowsOptions?.hostProcess === true) {
        add(B, 'hostProcess', `${field}.securityContext.windowsOptions.hostProcess`, 'Windows HostProcess containers run on the host');
      }
      const added: string[] = sc.capabilities?.add ?? [];
      const beyondBaseline = added.filter((cap) => !BASELINE_CAPABILITIES.has(cap.replace(/^CAP_/, '')));
      if (beyondBaseline.length > 0) {
        add(B, 'capabilities_baseline', `${field}.securityContext.capabilities.add`, `adds ${beyondBaseline.join(', ')}, beyond the baseline set`);
      }
      for (const p of c.ports ?? []) {
        if (p.hostPort !== undefined && p.hostPort !== 0) {
          add(B, 'hostPorts', `${field}.ports[${p.containerPort}].hostPort`, `host port ${p.hostPort} is opened on the node`);
        }
      }
      if (sc.procMount !== undefined && sc.procMount !== 'Default') {
        add(B, 'procMount', `${field}.securityContext.procMount`, `procMount ${sc.procMount} unmasks /proc`);
      }
      checkSeLinux(sc.seLinuxOptions, `${field}.securityContext.seLinuxOptions`, add);
      if (sc.seccompProfile?.type === 'Unconfined') {
        add(B, 'seccompProfile_baseline', `${field}.securityContext.seccompProfile`, 'seccomp profile Unconfined');
      }
      const appArmor = podAnnotations?.[`container.apparmor.security.beta.kubernetes.io/${c.name}`];
      if (appArmor !== undefined && appArmor !== 'runtime/default' && !appArmor.startsWith('localhost/')) {
        add(B, 'appArmorProfile', `${field} AppArmor annotation`, `AppArmor profile ${appArmor}`);
      }
    }
    checkSeLinux(podSc.seLinuxOptions, 'securityContext.seLinuxOptions', add);
    if (podSc.seccompProfile?.type === 'Unconfined') {
      add(B, 'seccompProfile_baseline', 'securityContext.seccompProfile', 'seccomp profile Unconfined');
    }
    for (const s of podSc.sysctls ?? []) {
      if (!SAFE_SYSCTLS.has(s.name)) {
        add(B, 'sysctls', `securityContext.sysctls[${s.name}]`, `sysctl ${s.name} is not in the safe set`);
      }
    }

    // ---- restricted ----
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (type !== undefined && type !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.has(type)) {
        add(R, 'restrictedVolumes', `volumes[${v.name}].${type}`, `volume type ${type} is not allowed`);
      } else if (type === 'hostPath') {
        add(R, 'restrictedVolumes', `volumes[${v.name}].hostPath`, 'hostPath volumes are not allowed');
      }
    }
    const podSeccompOk = podSc.seccompProfile?.type === 'RuntimeDefault' || podSc.seccompProfile?.type === 'Localhost';
    for (const { field, c } of containers) {
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) {
        add(R, 'allowPrivilegeEscalation', `${field}.securityContext.allowPrivilegeEscalation`, 'privilege escalation is not set to false');
      }
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      if (nonRoot !== true) {
        add(R, 'runAsNonRoot', `${field}.securityContext.runAsNonRoot`, 'runAsNonRoot is not true (for the container or the pod)');
      }
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) {
        add(R, 'runAsUser', `${field}.securityContext.runAsUser`, 'runs as root (UID 0)');
      }
      const type = sc.seccompProfile?.type;
      if (!(type === 'RuntimeDefault' || type === 'Localhost' || (type === undefined && podSeccompOk))) {
        add(R, 'seccompProfile_restricted', `${field}.securityContext.seccompProfile`, 'seccomp profile is not RuntimeDefault or Localhost');
      }
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) {
        add(R, 'capabilities_restricted', `${field}.securityContext.capabilities.drop`, 'does not drop ALL capabilities');
      }
      const added: string[] = sc.capabilities?.add ?? [];
      const notAllowed = added.filter((cap) => cap !== 'NET_BIND_SERVICE');
      if (notAllowed.length > 0) {
        add(R, 'capabilities_restricted', `${field}.securityContext.capabilities.add`, `adds ${notAllowed.join(', ')} (only NET_BIND_SERVICE is allowed)`);
      }
    }
    if ((podSc.runAsUser ?? undefined) === 0) {
      add(R, 'runAsUser', 'securityContext.runAsUser', 'the pod runs as root (UID 0)');
    }

    const level = reasons.some((r) => r.violates === B) ? PodSecurityLevel.PRIVILEGED
      : reasons.some((r) => r.violates === R) ? PodSecurityLevel.BASELINE : PodSecurityLevel.RESTRICTED;
    return { level, reasons };
  }

  /** Whether `level` is at least as restrictive as `required`. */
  public static meets(level: PodSecurityLevel, required: PodSecurityLevel): boolean {
    return LEVEL_ORDER.indexOf(level) >= LEVEL_ORDER.indexOf(required);
  }

  private constructor() {}
}

function checkSeLinux(options: any, field: string, add: (v: PodSecurityLevel, check: string, field: string, message: string) => void) {
  if (options === undefined) {
    return;
  }
  if (!SELINUX_TYPES.has(options.type ?? '') || options.user !== undefined || options.role !== undefined) {
    add(PodSecurityLevel.BASELINE, 'seLinuxOptions', field, 'SELinux type, user or role outside the allowed set');
  }
}
