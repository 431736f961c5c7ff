/** The containers a user adds to a preset's pod (the part of `DaemonSetOptions` read here). */
interface AddedContainers {
  readonly initContainers?: ReadonlyArray<{ readonly image: string } | undefined>;
  readonly sidecars?: ReadonlyArray<{ readonly image: string } | undefined>;
}

/**
 * The platforms (`os/arch[/variant]`) of the presets' default images, each established from the
 * project's own release configuration at the pinned tag. An image missing here is not claimed:
 * a preset that runs it declares nothing. Bumping a default image drops its claim until the new
 * tag is checked and added here (the presets' tests then fail).
 *
 * Only the Linux variants are listed: every preset's pod is a Linux pod (`kubernetes.io/os:
 * linux`), and a Windows variant is built per Windows Server version, which an os/arch entry
 * cannot express.
 */
const PLATFORMS: Readonly<Record<string, readonly string[]>> = {
  // fluent/fluent-bit v4.0.8: .github/workflows/call-build-images.yaml, matrix.platform.
  'cr.fluentbit.io/fluent/fluent-bit:4.0.8': ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],

  // fluent/fluentd-kubernetes-daemonset v1.19.3-1.1: README, "Multi-Arch images" (x86_64 and
  // arm64 for the debian images, elasticsearch8 and opensearch included).
  'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-elasticsearch8-1.1': ['linux/amd64', 'linux/arm64'],
  'fluent/fluentd-kubernetes-daemonset:v1.19.3-debian-opensearch-1.1': ['linux/amd64', 'linux/arm64'],

  // prometheus/node_exporter v1.12.1: Makefile and Makefile.common `DOCKER_ARCHS ?= amd64 arm64
  // armv7 ppc64le riscv64 s390x`; `common-docker-manifest` puts every one in the tag's manifest
  // list (pushed by prometheus/promci publish_release -> promci-images publish_release). armv7
  // is built FROM quay.io/prometheus/busybox-linux-armv7 (Docker's arm32v7 busybox).
  'quay.io/prometheus/node-exporter:v1.12.1': ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/riscv64', 'linux/s390x'],

  // falcosecurity/falco 0.44.1: .github/workflows/release.yaml builds the images for x86_64 and
  // aarch64 (build-docker, build-docker-arm64); reusable_publish_docker.yaml creates the
  // falco:<tag> and falco-driver-loader:<tag> manifests from exactly those two.
  'docker.io/falcosecurity/falco:0.44.1': ['linux/amd64', 'linux/arm64'],
  'docker.io/falcosecurity/falco-driver-loader:0.44.1': ['linux/amd64', 'linux/arm64'],

  // kubernetes/kubernetes CHANGELOG/CHANGELOG-1.31.md, v1.31.0 "Container Images": kube-proxy is
  // a manifest list of amd64, arm64, ppc64le and s390x; SIG Release kept ppc64le and s390x for
  // every 1.31 patch release (dev@kubernetes.io, October 2024: dropped only from 1.33).
  'registry.k8s.io/kube-proxy:v1.31.14': ['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x'],

  // NVIDIA/gpu-driver-container (tags 24.10.23, 24.10.30, which build 550.127.05):
  // .common-ci.yml `BUILD_MULTI_ARCH_IMAGES: "true"` includes multi-arch.mk,
  // `--platform=linux/amd64,linux/arm64` for ubuntu22.04 (amd64 only for signed_/precompiled
  // images); .nvidia-ci.yml release:ngc-ubuntu22.04 copies that index to nvcr.io.
  'nvcr.io/nvidia/driver:550.127.05-ubuntu22.04': ['linux/amd64', 'linux/arm64'],

  // kubernetes-sigs/aws-ebs-csi-driver v1.46.0: Makefile `ALL_ARCH_linux?=amd64 arm64`
  // (windows/amd64 ltsc2019 and ltsc2022 besides), `create-manifest`. The chart's default image
  // is this ECR Public one, on every Linux node (charts/aws-ebs-csi-driver/values.yaml).
  'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.46.0': ['linux/amd64', 'linux/arm64'],

  // kubernetes-csi/node-driver-registrar v2.14.0 and livenessprobe v2.16.0:
  // release-tools/prow.sh CSI_PROW_BUILD_PLATFORMS (linux amd64, ppc64le, s390x, arm, arm64,
  // arm/v7; windows amd64 nanoserver 1809 and ltsc2022), pushed by `make push-multiarch`
  // (release-tools/build.make) from cloudbuild.yaml.
  'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0': ['linux/amd64', 'linux/arm64', 'linux/arm', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'],
  'registry.k8s.io/sig-storage/livenessprobe:v2.16.0': ['linux/amd64', 'linux/arm64', 'linux/arm', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'],

  // ceph/ceph-csi v3.12.2: deploy.sh lines 44-55 (`for ARCH in amd64 arm64`: `make
  // push-image-cephcsi`, `make create-manifest`; then `make push-manifest`; Makefile lines
  // 253-263), run by .github/workflows/publish-artifacts.yaml. README.md line 46: arm64 is
  // "experimental".
  'quay.io/cephcsi/cephcsi:v3.12.2': ['linux/amd64', 'linux/arm64'],
};

/**
 * The platforms a preset's pod can run on: those every one of its images is published for (a
 * pod starts only where each image has a variant), in the order of the first image's list.
 * `images` are the images of the preset's own containers; the containers the user adds
 * (`initContainers`, `sidecars` in `options`) count too. Undefined as soon as one image is not
 * one whose platforms were verified (an image of the user's, or an unverified default).
 */
export function imagePlatformsOf(images: string[], options: AddedContainers): string[] | undefined {
  const all = [
    ...images,
    ...(options.initContainers ?? []).map((c) => c?.image),
    ...(options.sidecars ?? []).map((c) => c?.image),
  ];
  const lists = all.map((image) => (typeof image === 'string' && Object.prototype.hasOwnProperty.call(PLATFORMS, image) ? PLATFORMS[image] : undefined));
  if (lists.length === 0 || lists.some((l) => l === undefined)) {
    return undefined;
  }
  return lists[0]!.filter((p) => lists.every((l) => l!.includes(p)));
}
