import { brand } from '../private/brand';
import { checkArgs } from '../private/shapes';

/**
 * A node exporter collector, for `NodeExporterProps.enableCollectors` and `disableCollectors`
 * (rendered as `--collector.<name>` and `--no-collector.<name>`).
 *
 * The constants are the Linux collectors of node exporter 1.x (the "enabled by default" and
 * "disabled by default" tables of its README; the deprecated ntp, runit and supervisord
 * collectors are left out). `custom()` names any other, e.g. one added by a newer release.
 */
export class NodeExporterCollector {
  // Enabled by default in node exporter.
  /** ARP statistics from /proc/net/arp (on by default). */
  public static readonly ARP = new NodeExporterCollector('arp');
  /** bcache statistics (on by default). */
  public static readonly BCACHE = new NodeExporterCollector('bcache');
  /** Bonding interfaces (on by default). */
  public static readonly BONDING = new NodeExporterCollector('bonding');
  /** btrfs statistics (on by default; kube-prometheus turns it off). */
  public static readonly BTRFS = new NodeExporterCollector('btrfs');
  /** conntrack statistics (on by default). */
  public static readonly CONNTRACK = new NodeExporterCollector('conntrack');
  /** CPU statistics (on by default). */
  public static readonly CPU = new NodeExporterCollector('cpu');
  /** CPU frequency statistics (on by default). */
  public static readonly CPUFREQ = new NodeExporterCollector('cpufreq');
  /** Disk I/O statistics (on by default). */
  public static readonly DISKSTATS = new NodeExporterCollector('diskstats');
  /** DMI information from /sys/class/dmi/id (on by default). */
  public static readonly DMI = new NodeExporterCollector('dmi');
  /** Error detection and correction statistics (on by default). */
  public static readonly EDAC = new NodeExporterCollector('edac');
  /** Available entropy (on by default). */
  public static readonly ENTROPY = new NodeExporterCollector('entropy');
  /** Fibre channel statistics (on by default). */
  public static readonly FIBRECHANNEL = new NodeExporterCollector('fibrechannel');
  /** File descriptor statistics (on by default). */
  public static readonly FILEFD = new NodeExporterCollector('filefd');
  /** Filesystem space and inode usage (on by default). */
  public static readonly FILESYSTEM = new NodeExporterCollector('filesystem');
  /** Hardware sensors from /sys/class/hwmon (on by default; kube-prometheus turns it off). */
  public static readonly HWMON = new NodeExporterCollector('hwmon');
  /** InfiniBand statistics (on by default). */
  public static readonly INFINIBAND = new NodeExporterCollector('infiniband');
  /** IPVS statistics (on by default). */
  public static readonly IPVS = new NodeExporterCollector('ipvs');
  /** Load average (on by default). */
  public static readonly LOADAVG = new NodeExporterCollector('loadavg');
  /** Software RAID from /proc/mdstat (on by default). */
  public static readonly MDADM = new NodeExporterCollector('mdadm');
  /** Memory statistics (on by default). */
  public static readonly MEMINFO = new NodeExporterCollector('meminfo');
  /** Network interface information from /sys/class/net (on by default). */
  public static readonly NETCLASS = new NodeExporterCollector('netclass');
  /** Network interface statistics (on by default). */
  public static readonly NETDEV = new NodeExporterCollector('netdev');
  /** Network statistics from /proc/net/netstat (on by default). */
  public static readonly NETSTAT = new NodeExporterCollector('netstat');
  /** NFS client statistics (on by default). */
  public static readonly NFS = new NodeExporterCollector('nfs');
  /** NFS server statistics (on by default). */
  public static readonly NFSD = new NodeExporterCollector('nfsd');
  /** NVMe information (on by default). */
  public static readonly NVME = new NodeExporterCollector('nvme');
  /** OS release information (on by default). */
  public static readonly OS = new NodeExporterCollector('os');
  /** Power supply statistics (on by default). */
  public static readonly POWERSUPPLYCLASS = new NodeExporterCollector('powersupplyclass');
  /** Pressure stall information (on by default). */
  public static readonly PRESSURE = new NodeExporterCollector('pressure');
  /** RAPL power statistics from /sys/class/powercap (on by default). */
  public static readonly RAPL = new NodeExporterCollector('rapl');
  /** Scheduler statistics (on by default). */
  public static readonly SCHEDSTAT = new NodeExporterCollector('schedstat');
  /** SELinux statistics (on by default). */
  public static readonly SELINUX = new NodeExporterCollector('selinux');
  /** Socket statistics from /proc/net/sockstat (on by default). */
  public static readonly SOCKSTAT = new NodeExporterCollector('sockstat');
  /** softnet statistics (on by default). */
  public static readonly SOFTNET = new NodeExporterCollector('softnet');
  /** Kernel statistics from /proc/stat (on by default). */
  public static readonly STAT = new NodeExporterCollector('stat');
  /** Tape device statistics (on by default). */
  public static readonly TAPESTATS = new NodeExporterCollector('tapestats');
  /** Metrics from *.prom files in --collector.textfile.directory (on by default). */
  public static readonly TEXTFILE = new NodeExporterCollector('textfile');
  /** Thermal zones (on by default). */
  public static readonly THERMAL_ZONE = new NodeExporterCollector('thermal_zone');
  /** The current system time (on by default). */
  public static readonly TIME = new NodeExporterCollector('time');
  /** adjtimex(2) statistics (on by default). */
  public static readonly TIMEX = new NodeExporterCollector('timex');
  /** UDP queue lengths (on by default). */
  public static readonly UDP_QUEUES = new NodeExporterCollector('udp_queues');
  /** uname information (on by default). */
  public static readonly UNAME = new NodeExporterCollector('uname');
  /** Virtual memory statistics (on by default). */
  public static readonly VMSTAT = new NodeExporterCollector('vmstat');
  /** Watchdog statistics (on by default). */
  public static readonly WATCHDOG = new NodeExporterCollector('watchdog');
  /** XFS statistics (on by default). */
  public static readonly XFS = new NodeExporterCollector('xfs');
  /** ZFS statistics (on by default). */
  public static readonly ZFS = new NodeExporterCollector('zfs');

  // Disabled by default in node exporter (high cardinality, slow or costly).
  /** Memory fragments from /proc/buddyinfo (off by default). */
  public static readonly BUDDYINFO = new NodeExporterCollector('buddyinfo');
  /** Active cgroups summary (off by default). */
  public static readonly CGROUPS = new NodeExporterCollector('cgroups');
  /** CPU vulnerability information (off by default). */
  public static readonly CPU_VULNERABILITIES = new NodeExporterCollector('cpu_vulnerabilities');
  /** DRBD statistics (off by default). */
  public static readonly DRBD = new NodeExporterCollector('drbd');
  /** GPU metrics through DRM (off by default). */
  public static readonly DRM = new NodeExporterCollector('drm');
  /** Network driver statistics as `ethtool -S` (off by default). */
  public static readonly ETHTOOL = new NodeExporterCollector('ethtool');
  /** Detailed interrupt statistics (off by default). */
  public static readonly INTERRUPTS = new NodeExporterCollector('interrupts');
  /** KSM statistics (off by default). */
  public static readonly KSMD = new NodeExporterCollector('ksmd');
  /** /proc/net/stat statistics (off by default). */
  public static readonly LNSTAT = new NodeExporterCollector('lnstat');
  /** logind session counts (off by default; needs the host's D-Bus). */
  public static readonly LOGIND = new NodeExporterCollector('logind');
  /** NUMA memory statistics (off by default). */
  public static readonly MEMINFO_NUMA = new NodeExporterCollector('meminfo_numa');
  /** NFS client mount statistics (off by default). */
  public static readonly MOUNTSTATS = new NodeExporterCollector('mountstats');
  /** The routing table (off by default). */
  public static readonly NETWORK_ROUTE = new NodeExporterCollector('network_route');
  /** perf counters (off by default; needs perf_event access). */
  public static readonly PERF = new NodeExporterCollector('perf');
  /** Aggregate process statistics (off by default). */
  public static readonly PROCESSES = new NodeExporterCollector('processes');
  /** Queuing discipline statistics (off by default). */
  public static readonly QDISC = new NodeExporterCollector('qdisc');
  /** Slab statistics (off by default; /proc/slabinfo is usually readable by root only). */
  public static readonly SLABINFO = new NodeExporterCollector('slabinfo');
  /** Softirq statistics (off by default). */
  public static readonly SOFTIRQS = new NodeExporterCollector('softirqs');
  /** Swap devices (off by default). */
  public static readonly SWAP = new NodeExporterCollector('swap');
  /** sysctl values (off by default; configured with --collector.sysctl.include). */
  public static readonly SYSCTL = new NodeExporterCollector('sysctl');
  /** systemd units (off by default; needs the host's D-Bus). */
  public static readonly SYSTEMD = new NodeExporterCollector('systemd');
  /** TCP connection states (off by default; slow under load). */
  public static readonly TCPSTAT = new NodeExporterCollector('tcpstat');
  /** WiFi statistics (off by default). */
  public static readonly WIFI = new NodeExporterCollector('wifi');
  /** xfrm statistics (off by default). */
  public static readonly XFRM = new NodeExporterCollector('xfrm');
  /** NUMA zone metrics (off by default). */
  public static readonly ZONEINFO = new NodeExporterCollector('zoneinfo');

  /**
   * A collector by name, for one without a constant here (e.g. added by a newer node exporter).
   * The name is checked when the preset is built: lowercase letters, digits and "_".
   */
  public static custom(name: string): NodeExporterCollector {
    checkArgs('NodeExporterCollector.custom', [name]);
    return new NodeExporterCollector(name);
  }

  private constructor(
    /** The collector's name, as in `--collector.<name>`. */
    public readonly name: string,
  ) {}

  /** The flag that turns the collector on. */
  public get enableFlag(): string {
    return `--collector.${this.name}`;
  }

  /** The flag that turns the collector off. */
  public get disableFlag(): string {
    return `--no-collector.${this.name}`;
  }
}
brand(NodeExporterCollector, 'NodeExporterCollector');
