#!/usr/bin/env bash
# Installs Debian's prometheus-node-exporter (trixie, 1.9.0) into a cache directory outside the
# repository, for the integration tests, and prints the path of the binary. Idempotent: a second
# run only prints the path. The cache (default /var/cache/cdk8s-node-agents) must be reachable
# by user 65534, so not under /root. Never a package dependency: `apt-get download` + `dpkg -x`, with a
# private apt state under the cache directory, so the machine's apt sources are not touched.
# Trixie (Debian 13, stable) has 1.9.0, the closest stable build to the preset's 1.12.1 (bookworm: 1.5.0).
set -euo pipefail
CACHE="${1:-${CDK8S_NODE_AGENTS_CACHE:-/var/cache/cdk8s-node-agents}}"
RELEASE=trixie
DEST="$CACHE/prometheus-node-exporter-$RELEASE"
BIN="$DEST/usr/bin/prometheus-node-exporter"
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
APT="$CACHE/apt-$RELEASE"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/download"
echo "deb http://deb.debian.org/debian $RELEASE main" > "$APT/sources.list"
OPTS=(-o "Dir::Etc::sourcelist=$APT/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
apt-get "${OPTS[@]}" -qq update >&2
(cd "$APT/download" && apt-get "${OPTS[@]}" -qq download "prometheus-node-exporter/$RELEASE" >&2)
rm -rf "$DEST.tmp"
dpkg -x "$APT"/download/prometheus-node-exporter_*.deb "$DEST.tmp"
# Readable and runnable by the unprivileged user the tests run it as (65534, as the preset).
chmod -R a+rX "$DEST.tmp"
mv "$DEST.tmp" "$DEST"
echo "$BIN"
