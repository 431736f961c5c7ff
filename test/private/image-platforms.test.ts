import { imagePlatformsOf } from '../../src/private/image-platforms';

const FALCO = 'docker.io/falcosecurity/falco:0.44.1';
const REGISTRAR = 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.14.0';
const NODE_EXPORTER = 'quay.io/prometheus/node-exporter:v1.12.1';

describe('imagePlatformsOf', () => {
  test('the platforms every image has, in the order of the first image\'s list', () => {
    // GIVEN node exporter (six platforms) and the registrar (no riscv64)
    // WHEN
    const platforms = imagePlatformsOf([NODE_EXPORTER, REGISTRAR], {});
    // THEN
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x']);
  });

  test('the containers the user adds count: a verified image keeps the claim (narrowed), another drops it', () => {
    // GIVEN / WHEN / THEN
    expect(imagePlatformsOf([NODE_EXPORTER], { sidecars: [{ image: FALCO }] })).toEqual(['linux/amd64', 'linux/arm64']);
    expect(imagePlatformsOf([NODE_EXPORTER], { initContainers: [{ image: 'registry.example.com/init:1.0' }] })).toBeUndefined();
  });

  test('undefined for an unverified image, or none', () => {
    // GIVEN / WHEN / THEN
    expect(imagePlatformsOf([FALCO, 'us.gcr.io/cos-cloud/cos-gpu-installer:v2.5.10'], {})).toBeUndefined();
    expect(imagePlatformsOf(['constructor'], {})).toBeUndefined();
    expect(imagePlatformsOf([], {})).toBeUndefined();
  });
});
