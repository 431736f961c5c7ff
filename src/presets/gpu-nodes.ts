import { NodeAffinityTerm, NodeRequirement } from '../node-affinity';
import { brand } from '../private/brand';
import * as rules from '../private/rules';
import { checkArgs } from '../private/shapes';
import { ValidationProblems } from '../validation-problems';

/**
 * Which nodes carry NVIDIA GPUs, for `GpuDriverInstallerProps.gpuNodes`.
 *
 * Select on a label that is on the node *before* the driver is installed. Labels written by
 * software that needs the driver (GPU feature discovery's `nvidia.com/gpu.product`,
 * `nvidia.com/gpu.count`, ...) never appear on a node without one, so an installer selecting on
 * them would never run. Labels that qualify: GKE's `cloud.google.com/gke-accelerator` (set from
 * the node pool's accelerator), the GPU Operator's `nvidia.com/gpu.present` (set from the PCI
 * vendor that node feature discovery reports), NFD's own `feature.node.kubernetes.io/pci-10de.present`,
 * or any label your node pools set.
 */
export class GpuNodes {
  /**
   * GKE GPU nodes whose driver GKE does not install itself: `cloud.google.com/gke-accelerator`
   * exists, and neither `cloud.google.com/gke-gpu-driver-version` nor
   * `cloud.google.com/gke-confidential-nodes-instance-type` does: the same nodes GKE's own
   * installer DaemonSet selects. Nodes created with `gpu-driver-version=default` or `latest` get
   * their driver from GKE and are left alone, so that two installers never race on one node;
   * confidential GPU nodes need a driver set up for confidential computing, which this
   * installer does not do.
   */
  public static gke(): GpuNodes {
    return new GpuNodes([
      NodeRequirement.exists('cloud.google.com/gke-accelerator'),
      NodeRequirement.doesNotExist('cloud.google.com/gke-gpu-driver-version'),
      NodeRequirement.doesNotExist('cloud.google.com/gke-confidential-nodes-instance-type'),
    ]);
  }

  /**
   * Nodes labelled `nvidia.com/gpu.present=true`: the label NVIDIA's GPU Operator puts on every
   * node with an NVIDIA PCI device. Without the operator, set it on your GPU node pools.
   */
  public static gpuPresent(): GpuNodes {
    return GpuNodes.withLabel('nvidia.com/gpu.present', 'true');
  }

  /** Nodes with this label set to exactly this value. */
  public static withLabel(key: string, value: string): GpuNodes {
    checkArgs('GpuNodes.withLabel', [key, value]);
    return new GpuNodes([NodeRequirement.in(key, [value])]);
  }

  /** Nodes that have this label, whatever its value (e.g. `cloud.google.com/gke-accelerator`). */
  public static withLabelKey(key: string): GpuNodes {
    checkArgs('GpuNodes.withLabelKey', [key]);
    return new GpuNodes([NodeRequirement.exists(key)]);
  }

  /** Nodes that meet every one of these requirements. */
  public static matching(...requirements: NodeRequirement[]): GpuNodes {
    checkArgs('GpuNodes.matching', requirements);
    return new GpuNodes(requirements);
  }

  private constructor(
    /** The requirements a GPU node meets, all of them. */
    public readonly requirements: NodeRequirement[],
  ) {}

  /**
   * These nodes, narrowed by more requirements (all of them must hold too), e.g. an OS:
   * `GpuNodes.gpuPresent().and(NodeRequirement.in('feature.node.kubernetes.io/system-os_release.ID', ['ubuntu']))`.
   */
  public and(...requirements: NodeRequirement[]): GpuNodes {
    return new GpuNodes([...this.requirements, ...requirements]);
  }

  /**
   * Records what the API server would refuse in these requirements, and an empty selection
   * (an agent of `agent`'s kind would then run on every node).
   * @internal
   */
  public _check(agent: string, problems: ValidationProblems): void {
    if (!Array.isArray(this.requirements) || this.requirements.length === 0) {
      problems.add('gpuNodes', 'no requirement', `a ${agent} must be limited to GPU nodes; give at least one label requirement, e.g. GpuNodes.withLabel("nvidia.com/gpu.present", "true")`);
      return;
    }
    this.requirements.forEach((r, i) => {
      problems.check(`gpuNodes.requirements[${i}].key`, r.key, rules.qualifiedName(r.key));
      problems.check(`gpuNodes.requirements[${i}]`, r.values, r._problem());
      r.values.forEach((v) => problems.check(`gpuNodes.requirements[${i}].values`, v, rules.labelValue(v)));
    });
  }

  /** The node affinity term that selects these nodes. */
  public toAffinityTerm(): NodeAffinityTerm {
    return NodeAffinityTerm.allOf(...this.requirements);
  }
}
brand(GpuNodes, 'GpuNodes');
