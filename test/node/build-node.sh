#!/usr/bin/env bash
# Builds, once per cache, what `npm run test:node` needs beside the control plane of the cluster
# tier (test/cluster/build-control-plane.sh, which runs first):
#   - kubelet and kube-proxy v1.20.2 from the same source tree and Go 1.15 toolchain, into the same
#     bin/ (${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v1.20.2/bin);
#   - Debian bookworm's containerd, runc, CNI plugins, iptables (with its libraries), busybox-static,
#     prometheus-node-exporter and libc, unpacked with dpkg -x under node/ in the same cache
#     (nothing installed system-wide; images for the tier are made from these trees);
#   - the pause binary from the tree's build/pause/linux/pause.c (gcc -static).
# See TOOLCHAIN.md, "A real node, offline". Same lock as the control-plane build: one build at a
# time; each step leaves a stamp; a finished build exits at once. If the control-plane build has
# removed its tree (it does unless KEEP_BUILD_TREE=1), the sources are downloaded and unpacked again
# the same way. The tree is removed at the end unless KEEP_BUILD_TREE=1.
set -euo pipefail

VERSION=1.20.2
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v${VERSION}"
BIN="$CACHE/bin"
WORK="$CACHE/work"
NODE="$CACHE/node"
# Bumped when the package list changes, so an older cache is completed.
NODE_STAMP="$NODE/.done-v3"
# The Debian packages unpacked under node/debs (host side: containerd, runc, CNI; image side: the rest).
PACKAGES=(
  containerd/bookworm runc/bookworm containernetworking-plugins/bookworm
  iptables/bookworm libxtables12/bookworm libip4tc2/bookworm libip6tc2/bookworm libnftnl11/bookworm
  libmnl0/bookworm libnetfilter-conntrack3/bookworm libnfnetlink0/bookworm libseccomp2/bookworm
  busybox-static/bookworm prometheus-node-exporter/bookworm libc6/bookworm
  nftables/bookworm libnftables1/bookworm libedit2/bookworm libgmp10/bookworm libjansson4/bookworm
  libbsd0/bookworm libmd0/bookworm libtinfo6/bookworm
)

done_already() {
  for c in kubelet kube-proxy; do [[ -x "$BIN/$c" ]] || return 1; done
  [[ -e $NODE_STAMP && -x $NODE/stand-in/unix-listen ]]
}
if done_already; then
  echo "node v${VERSION}: cached in $BIN and $NODE"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi

mkdir -p "$CACHE" "$BIN" "$NODE"
exec 9>"$CACHE/.lock"
flock 9
if done_already; then echo "node v${VERSION}: cached in $BIN and $NODE"; exit 0; fi

TOTAL_START=$(date +%s)
mkdir -p "$WORK"
step() {
  local dir=$1 name=$2; shift 2
  local stamp="$dir/.done-$name"
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
  command -v gcc >/dev/null || missing+=(gcc)
  [[ -e /usr/lib/x86_64-linux-gnu/libc.a || -e /usr/lib/$(uname -m)-linux-gnu/libc.a ]] || missing+=(libc6-dev)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v findmnt >/dev/null || missing+=(util-linux)
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

# The same sources and toolchain as build-control-plane.sh, when its tree is gone.
download_tree() {
  mkdir -p "$WORK/dl"
  cd "$WORK/dl"
  apt_private download golang-1.15-go/bullseye golang-1.15-src/bullseye
  apt_private source --download-only kubernetes/bookworm
}
unpack_tree() {
  cd "$WORK/dl"
  rm -rf "$WORK/toolchain" "$WORK/src"
  mkdir -p "$WORK/toolchain" "$WORK/src"
  for deb in golang-1.15-go_*.deb golang-1.15-src_*.deb; do dpkg -x "$deb" "$WORK/toolchain"; done
  tar -xf "$(ls kubernetes_*really${VERSION}.orig.tar.*)" -C "$WORK/src"
}

GOROOT_DIR="$WORK/toolchain/usr/lib/go-1.15"
build_one() {
  local what=$1
  cd "$WORK/src/kubernetes-${VERSION}"
  env GOROOT="$GOROOT_DIR" PATH="$GOROOT_DIR/bin:$PATH" GOCACHE="$WORK/go-build" \
    GOFLAGS=-tags=providerless GOPROXY=off GOSUMDB=off CGO_ENABLED=0 \
    KUBE_GIT_VERSION=v${VERSION} KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 \
    KUBE_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56 KUBE_GIT_TREE_STATE=clean \
    make WHAT="cmd/$what"
  install -m 0755 "_output/local/go/bin/$what" "$BIN/$what.tmp"
  mv "$BIN/$what.tmp" "$BIN/$what"
}

pause_binary() {
  mkdir -p "$NODE/pause"
  gcc -Os -static -o "$NODE/pause/pause.tmp" "$WORK/src/kubernetes-${VERSION}/build/pause/linux/pause.c"
  strip "$NODE/pause/pause.tmp" 2>/dev/null || true
  mv "$NODE/pause/pause.tmp" "$NODE/pause/pause"
}

# The stand-ins' Unix socket listener (CSI plugin and registrar sockets).
HERE="$(cd "$(dirname "$0")" && pwd)"
unix_listen() {
  mkdir -p "$NODE/stand-in"
  gcc -Os -static -o "$NODE/stand-in/unix-listen.tmp" "$HERE/unix-listen.c"
  mv "$NODE/stand-in/unix-listen.tmp" "$NODE/stand-in/unix-listen"
}

node_packages() {
  rm -rf "$NODE/debs" "$NODE/dl"
  mkdir -p "$NODE/dl" "$NODE/debs"
  cd "$NODE/dl"
  apt_private download "${PACKAGES[@]}"
  local deb name
  for deb in *.deb; do
    name=${deb%%_*}
    dpkg -x "$deb" "$NODE/debs/$name"
  done
  rm -rf "$NODE/dl"
}

step "$WORK" node-system-tools system_tools
step "$WORK" apt-update apt_update
if [[ ! -d "$WORK/src/kubernetes-${VERSION}/vendor" || ! -x "$GOROOT_DIR/bin/go" ]]; then
  rm -f "$WORK/.done-node-download" "$WORK/.done-node-unpack"
  step "$WORK" node-download download_tree
  step "$WORK" node-unpack unpack_tree
fi
for c in kubelet kube-proxy; do
  if [[ ! -x "$BIN/$c" ]]; then step "$WORK" "build-$c" build_one "$c"; fi
done
if [[ ! -x "$NODE/pause/pause" ]]; then step "$WORK" pause pause_binary; fi
unix_listen
rm -f "$WORK/.done-node-packages"
step "$WORK" node-packages node_packages
touch "$NODE_STAMP"

"$BIN/kubelet" --version
"$BIN/kube-proxy" --version
if [[ -z ${KEEP_BUILD_TREE:-} ]]; then rm -rf "$WORK"; fi
echo "== node v${VERSION} built in $(( $(date +%s) - TOTAL_START ))s: $BIN, $NODE"
