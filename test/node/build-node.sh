#!/usr/bin/env bash
# Builds, once per cache, what `npm run test:node` needs beside the control plane of the cluster
# tier (test/cluster/build-control-plane.sh, which runs first):
#   - kubelet and kube-proxy v1.20.2 from the same source tree and Go 1.15 toolchain, into the same
#     bin/ (${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v1.20.2/bin);
#   - Debian bookworm's containerd, runc, CNI plugins, iptables (with its libraries), busybox-static,
#     prometheus-node-exporter and libc, unpacked with dpkg -x under node/ in the same cache
#     (nothing installed system-wide; images for the tier are made from these trees);
#   - the pause binary from the tree's build/pause/linux/pause.c (gcc -static).
# See TOOLCHAIN.md, "A real node, offline". Sources, lock, stamps and apt as the control-plane build
# (../cluster/kubernetes-source.sh): one build at a time; each step leaves a stamp; a finished build
# exits at once. If the control-plane build has removed its tree (it does unless KEEP_BUILD_TREE=1),
# the sources are downloaded and unpacked again the same way. The tree is removed at the end unless
# KEEP_BUILD_TREE=1.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../cluster/kubernetes-source.sh
. "$HERE/../cluster/kubernetes-source.sh"
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
take_build_lock
mkdir -p "$NODE"
if done_already; then echo "node v${VERSION}: cached in $BIN and $NODE"; exit 0; fi

TOTAL_START=$(date +%s)

pause_binary() {
  mkdir -p "$NODE/pause"
  gcc -Os -static -o "$NODE/pause/pause.tmp" "$WORK/src/kubernetes-${VERSION}/build/pause/linux/pause.c"
  strip "$NODE/pause/pause.tmp" 2>/dev/null || true
  mv "$NODE/pause/pause.tmp" "$NODE/pause/pause"
}

# The stand-ins' Unix socket listener (CSI plugin and registrar sockets).
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

LIBC_A="/usr/lib/$(uname -m)-linux-gnu/libc.a"
step node-system-tools system_tools gcc:gcc "$LIBC_A:libc6-dev" openssl:openssl ip:iproute2 findmnt:util-linux
step apt-update apt_update
if ! tree_ready; then
  rm -f "$WORK/.done-download" "$WORK/.done-unpack"
  step download download_tree
  step unpack unpack_tree
fi
for c in kubelet kube-proxy; do
  if [[ ! -x "$BIN/$c" ]]; then step "build-$c" build_one "$c"; fi
done
if [[ ! -x "$NODE/pause/pause" ]]; then step pause pause_binary; fi
unix_listen
rm -f "$WORK/.done-node-packages"
step node-packages node_packages
touch "$NODE_STAMP"

"$BIN/kubelet" --version
"$BIN/kube-proxy" --version
remove_tree
echo "== node v${VERSION} built in $(( $(date +%s) - TOTAL_START ))s: $BIN, $NODE"
