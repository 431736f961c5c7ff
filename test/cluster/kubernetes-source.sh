# Sourced (not run) by build-control-plane.sh and ../node/build-node.sh: the one way both get
# Kubernetes v1.20.2 from Debian's archive and build a component of it. The cache layout, the
# build lock, the step stamps, apt with a private sources list and state (the system's apt setup
# is left alone), the source tree with vendor/ and Go 1.15, and `make WHAT=cmd/<component>`.
# The caller sets `set -euo pipefail` first.

VERSION=1.20.2
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cdk8s-node-agents/kubernetes-v${VERSION}"
BIN="$CACHE/bin"
WORK="$CACHE/work"
APT="$WORK/apt"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
GOROOT_DIR="$WORK/toolchain/usr/lib/go-1.15"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi

# take_build_lock: one build at a time (the node tier's background build and the cluster tier
# may both start one); the caller checks again whether the work is done once it has the lock.
take_build_lock() {
  mkdir -p "$CACHE" "$BIN" "$WORK"
  exec 9>"$CACHE/.lock"
  flock 9
}

# step NAME COMMAND...: runs COMMAND unless NAME's stamp exists under $WORK, and prints its time.
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

apt_private() {
  apt-get -q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" \
    -o Dir::Cache::Archives="$APT/archives" -o Debug::NoLocking=1 "$@"
}

# system_tools PACKAGE_FOR_MISSING...: installs, system-wide, what the build needs and lacks
# (each argument "command:package" or "path:package"); the only change outside the cache.
system_tools() {
  local missing=() need what pkg
  for need in rsync:rsync make:make xz:xz-utils "$KEYRING:debian-archive-keyring" "$@"; do
    what=${need%%:*}
    pkg=${need#*:}
    if [[ $what == /* ]]; then [[ -e $what ]] || missing+=("$pkg"); else command -v "$what" >/dev/null || missing+=("$pkg"); fi
  done
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

# download_tree [PACKAGE...]: Go 1.15, the kubernetes source package and any other .deb given;
# the packages alone, not their dependencies (unpacked with dpkg -x, nothing is installed).
download_tree() {
  mkdir -p "$WORK/dl"
  cd "$WORK/dl"
  apt_private download golang-1.15-go/bullseye golang-1.15-src/bullseye "$@"
  apt_private source --download-only kubernetes/bookworm
}

# unpack_tree: every downloaded .deb into toolchain/, the upstream tarball into src/.
unpack_tree() {
  cd "$WORK/dl"
  rm -rf "$WORK/toolchain" "$WORK/src"
  mkdir -p "$WORK/toolchain" "$WORK/src"
  local deb
  for deb in *.deb; do dpkg -x "$deb" "$WORK/toolchain"; done
  local orig
  orig=$(ls kubernetes_*really${VERSION}.orig.tar.*)
  tar -xf "$orig" -C "$WORK/src"
  [[ -d "$WORK/src/kubernetes-${VERSION}/vendor" ]] || { echo "no kubernetes-${VERSION}/vendor in $orig" >&2; exit 1; }
}

# tree_ready: the source tree and toolchain are there (the control-plane build removes them
# at its end unless KEEP_BUILD_TREE=1).
tree_ready() {
  [[ -d "$WORK/src/kubernetes-${VERSION}/vendor" && -x "$GOROOT_DIR/bin/go" ]]
}

# build_one COMPONENT: cmd/COMPONENT into $BIN. The tarball has no .git: the version is given,
# as Debian's own build does.
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

# remove_tree: the sources, Go toolchain and build cache (~3 GB), unless KEEP_BUILD_TREE=1.
remove_tree() {
  if [[ -z ${KEEP_BUILD_TREE:-} ]]; then rm -rf "$WORK"; fi
}
