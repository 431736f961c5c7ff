#!/usr/bin/env bash
# Builds a kubelet-less Kubernetes v1.20.2 control plane for `npm run test:cluster`, once, into
# ${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v1.20.2/bin (outside the repository):
# kube-apiserver, kube-controller-manager and kube-scheduler from Debian bookworm's source package
# `kubernetes` (the upstream v1.20.2 tree with vendor/), compiled with Go 1.15 from bullseye, and
# etcd 3.4 from bookworm's `etcd-server`. Debian's archive is the only source reachable here (no
# release binaries, kind or envtest). See TOOLCHAIN.md, "A real Kubernetes control plane, offline".
#
# Idempotent: each step leaves a stamp and is skipped when done; a finished build exits at once.
# How it gets and builds the sources, shared with ../node/build-node.sh: kubernetes-source.sh.
#
# Measured (2 cores shared with other jobs, empty cache, apt reachable): the build took 729 s on
# a lightly loaded machine (apiserver 406 s, controller manager 195 s, scheduler 99 s, downloads
# and unpacking 29 s) and 1309 s at load average 15. The whole of .ci/run on a fresh clone with
# empty npm, apt and Go caches: 2328 s (npm ci 2 min, npm test ~8 min, this build 22 min, the
# cluster tests 6 min) under that load, within CI's 90 minutes. On 2026-12-07, at load 4-6: 333 s
# (apiserver 232 s), and the whole cold .ci/run 1730 s (test/node/README.md, "Timings").
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=kubernetes-source.sh
. "$HERE/kubernetes-source.sh"
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler)

done_already() {
  for c in "${COMPONENTS[@]}" etcd; do [[ -x "$BIN/$c" ]] || return 1; done
}
if done_already; then
  echo "control plane v${VERSION}: cached in $BIN"
  exit 0
fi
take_build_lock
if done_already; then echo "control plane v${VERSION}: cached in $BIN"; exit 0; fi

TOTAL_START=$(date +%s)

install_etcd() {
  install -m 0755 "$WORK/toolchain/usr/bin/etcd" "$BIN/etcd.tmp"
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

step system-tools system_tools
step apt-update apt_update
step download download_tree etcd-server/bookworm
step unpack unpack_tree
"$GOROOT_DIR/bin/go" version 2>/dev/null || env GOROOT="$GOROOT_DIR" "$GOROOT_DIR/bin/go" version
for c in "${COMPONENTS[@]}"; do step "build-$c" build_one "$c"; done
step etcd install_etcd

"$BIN/kube-apiserver" --version
"$BIN/etcd" --version | head -1
remove_tree
echo "== control plane v${VERSION} built in $(( $(date +%s) - TOTAL_START ))s: $BIN"
