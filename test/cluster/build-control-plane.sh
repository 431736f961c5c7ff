#!/usr/bin/env bash
# Builds a kubelet-less Kubernetes v1.20.2 control plane for `npm run test:cluster`, once, into
# ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v1.20.2/bin (outside the repository):
# kube-apiserver, kube-controller-manager and kube-scheduler from Debian bookworm's source package
# `kubernetes` (the upstream v1.20.2 tree with vendor/), compiled with Go 1.15 from bullseye, and
# etcd 3.4 from bookworm's `etcd-server`. Debian's archive is the only source reachable here (no
# release binaries, kind or envtest). See TOOLCHAIN.md, "A real Kubernetes control plane, offline".
#
# Idempotent: each step leaves a stamp and is skipped when done; a finished build exits at once.
# apt runs with a private sources list and state under the cache, so the system's apt setup is
# left alone; only `rsync` is installed system-wide when missing (the kube build copies with it).
#
# Measured (2 cores shared with other jobs, empty cache, apt reachable): the build took 729 s on
# a lightly loaded machine (apiserver 406 s, controller manager 195 s, scheduler 99 s, downloads
# and unpacking 29 s) and 1309 s at load average 15. The whole of .ci/run on a fresh clone with
# empty npm, apt and Go caches: 2328 s (npm ci 2 min, npm test ~8 min, this build 22 min, the
# cluster tests 6 min) under that load, within CI's 90 minutes.
set -euo pipefail

VERSION=1.20.2
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v${VERSION}"
BIN="$CACHE/bin"
WORK="$CACHE/work"
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler)

done_already() {
  for c in "${COMPONENTS[@]}" etcd; do [[ -x "$BIN/$c" ]] || return 1; done
}
if done_already; then
  echo "control plane v${VERSION}: cached in $BIN"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi

mkdir -p "$CACHE" "$WORK" "$BIN"
# One build at a time (a background build and a test run may both call this).
exec 9>"$CACHE/.lock"
flock 9
if done_already; then echo "control plane v${VERSION}: cached in $BIN"; exit 0; fi

TOTAL_START=$(date +%s)
# step NAME COMMAND...: runs COMMAND unless NAME's stamp exists, and prints the time it took.
step() {
  local name=$1; shift
  local stamp="$WORK/.done-$name"
  if [[ -e $stamp ]]; then echo "== $name: done before"; return; fi
  echo "== $name"
  local t0; t0=$(date +%s)
  "$@"
  touch "$stamp"
  echo "== $name: $(( $(date +%s) - t0 ))s"
}

APT="$WORK/apt"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
apt_private() {
  apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
    -o Dir::Cache::Archives="$APT/archives" -o Debug::NoLocking=1 "$@"
}

system_tools() {
  local missing=()
  command -v rsync >/dev/null || missing+=(rsync)
  command -v make >/dev/null || missing+=(make)
  command -v xz >/dev/null || missing+=(xz-utils)
  [[ -r $KEYRING ]] || missing+=(debian-archive-keyring)
  if (( ${#missing[@]} )); then
    "${SUDO[@]}" apt-get -q update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}"
  fi
}

apt_update() {
  mkdir -p "$APT/lists/partial" "$APT/cache" "$APT/archives/partial"
  cat >"$APT/sources.list" <<SOURCES
deb [signed-by=$KEYRING] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$KEYRING] http://deb.debian.org/debian bookworm main
deb [signed-by=$KEYRING] http://deb.debian.org/debian bullseye main
SOURCES
  apt_private update
}

download() {
  mkdir -p "$WORK/dl"
  cd "$WORK/dl"
  # The packages alone, not their dependencies: unpacked with dpkg -x, nothing is installed.
  apt_private download golang-1.15-go/bullseye golang-1.15-src/bullseye etcd-server/bookworm
  apt_private source --download-only kubernetes/bookworm
}

unpack() {
  cd "$WORK/dl"
  rm -rf "$WORK/toolchain" "$WORK/src"
  mkdir -p "$WORK/toolchain" "$WORK/src"
  for deb in golang-1.15-go_*.deb golang-1.15-src_*.deb etcd-server_*.deb; do
    dpkg -x "$deb" "$WORK/toolchain"
  done
  local orig
  orig=$(ls kubernetes_*really${VERSION}.orig.tar.*)
  tar -xf "$orig" -C "$WORK/src"
  [[ -d "$WORK/src/kubernetes-${VERSION}/vendor" ]] || { echo "no kubernetes-${VERSION}/vendor in $orig" >&2; exit 1; }
}

GOROOT_DIR="$WORK/toolchain/usr/lib/go-1.15"
build_one() {
  local what=$1
  cd "$WORK/src/kubernetes-${VERSION}"
  # The tarball has no .git: the version is given, as Debian's own build does.
  env GOROOT="$GOROOT_DIR" PATH="$GOROOT_DIR/bin:$PATH" GOCACHE="$WORK/go-build" \
    GOFLAGS=-tags=providerless GOPROXY=off GOSUMDB=off CGO_ENABLED=0 \
    KUBE_GIT_VERSION=v${VERSION} KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 \
    KUBE_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56 KUBE_GIT_TREE_STATE=clean \
    make WHAT="cmd/$what"
  install -m 0755 "_output/local/go/bin/$what" "$BIN/$what.tmp"
  mv "$BIN/$what.tmp" "$BIN/$what"
}

install_etcd() {
  install -m 0755 "$WORK/toolchain/usr/bin/etcd" "$BIN/etcd.tmp"
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

step system-tools system_tools
step apt-update apt_update
step download download
step unpack unpack
"$GOROOT_DIR/bin/go" version 2>/dev/null || env GOROOT="$GOROOT_DIR" "$GOROOT_DIR/bin/go" version
for c in "${COMPONENTS[@]}"; do step "build-$c" build_one "$c"; done
step etcd install_etcd

"$BIN/kube-apiserver" --version
"$BIN/etcd" --version | head -1
# The sources, Go toolchain and build cache (~3 GB) are not needed any more.
if [[ -z ${KEEP_BUILD_TREE:-} ]]; then rm -rf "$WORK"; fi
echo "== control plane v${VERSION} built in $(( $(date +%s) - TOTAL_START ))s: $BIN"
