/**
 * Container images without a registry: a root filesystem assembled from Debian packages unpacked
 * by build-node.sh (and files written here), tarred as one layer, with an OCI config, manifest and
 * index written by hand; the index's `io.containerd.image.name` annotation is the name containerd
 * imports it under (`ctr images import`), so a manifest naming that image runs unchanged with
 * `imagePullPolicy: IfNotPresent`. See TOOLCHAIN.md, "A real node, offline".
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** What build-node.sh unpacked: one tree per Debian package, under `<cache>/node/debs/<package>`. */
export function debTree(nodeCache: string, pkg: string): string {
  const dir = path.join(nodeCache, 'debs', pkg);
  if (!fs.existsSync(dir)) {
    throw new Error(`${dir} is missing: run "bash test/node/build-node.sh" first (npm run test:node does)`);
  }
  return dir;
}

/** The name the CRI gives an image reference: `busybox:1` is `docker.io/library/busybox:1`. */
export function normalizeImage(ref: string): string {
  let name = ref;
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  if (firstSlash < 0) {
    name = `docker.io/library/${name}`;
  } else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') {
    name = `docker.io/${name}`;
  }
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) {
    name = `${name}:latest`;
  }
  return name;
}

export interface ImageSpec {
  /** The reference as a manifest names it (normalized here). */
  readonly name: string;
  /** Package trees (directories) copied into the root, in order. */
  readonly trees: string[];
  /** Files written into the root: path -> content (mode 0755 when `executable`). */
  readonly files?: Record<string, { content: string | Buffer; mode?: number }>;
  /** Symlinks: path -> target. */
  readonly links?: Record<string, string>;
  /** Run `busybox --install -s` in the root (when the busybox-static tree is among `trees`). */
  readonly busyboxLinks?: boolean;
  readonly entrypoint?: string[];
  readonly cmd?: string[];
  readonly env?: string[];
}

function sha256File(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1024 * 1024);
  let n: number;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
    hash.update(buf.subarray(0, n));
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

function writeBlob(blobs: string, content: Buffer): { digest: string; size: number } {
  const digest = createHash('sha256').update(content).digest('hex');
  fs.writeFileSync(path.join(blobs, digest), content);
  return { digest: `sha256:${digest}`, size: content.length };
}

/** Builds one single-layer OCI archive at `out` from `spec`; `work` is a scratch directory. */
export function buildImage(spec: ImageSpec, work: string, out: string): string {
  const name = normalizeImage(spec.name);
  const root = path.join(work, 'rootfs');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  for (const tree of spec.trees) {
    execFileSync('cp', ['-a', `${tree}/.`, `${root}/`]);
  }
  for (const dir of ['proc', 'sys', 'dev', 'etc', 'tmp', 'run', 'var/run', 'bin', 'sbin', 'usr/bin', 'usr/sbin']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  }
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  if (spec.busyboxLinks) {
    execFileSync('chroot', [root, '/bin/busybox', '--install', '-s']);
  }
  for (const [link, target] of Object.entries(spec.links ?? {})) {
    const at = path.join(root, link);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { force: true });
    fs.symlinkSync(target, at);
  }
  for (const [file, { content, mode }] of Object.entries(spec.files ?? {})) {
    const at = path.join(root, file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.rmSync(at, { force: true });
    fs.writeFileSync(at, content, { mode: mode ?? 0o644 });
    fs.chmodSync(at, mode ?? 0o644);
  }
  if (!fs.existsSync(path.join(root, 'etc/passwd'))) {
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  }

  const layout = path.join(work, 'oci');
  const blobs = path.join(layout, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const layerTar = path.join(work, 'layer.tar');
  execFileSync('tar', ['--numeric-owner', '--sort=name', '-C', root, '-cf', layerTar, '.']);
  const layerDigest = sha256File(layerTar);
  const layerSize = fs.statSync(layerTar).size;
  fs.renameSync(layerTar, path.join(blobs, layerDigest));

  const config = writeBlob(blobs, Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    history: [{ created_by: 'cdk8s-node-agents test/node/images.ts' }],
  })));
  const manifest = writeBlob(blobs, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layerSize }],
  })));
  fs.writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: { 'io.containerd.image.name': name },
    }],
  }));
  execFileSync('tar', ['-C', layout, '-cf', out, '.']);
  fs.rmSync(work, { recursive: true, force: true });
  return name;
}
