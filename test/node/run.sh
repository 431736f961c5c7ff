#!/usr/bin/env bash
# Runs the node tier's jest files one at a time (they share the machine's kubelet paths), and
# whatever happens (a failure, a timeout, Ctrl-C) prints the summary and undoes what a killed run
# left behind (test/node/cleanup.ts reads the record test/node/host.ts writes before changing anything).
set -uo pipefail
cd "$(dirname "$0")/../.."
rm -f /tmp/cdk8s-node-agents-node-summary.json
cleanup() {
  trap - EXIT INT TERM
  npx ts-node --project tsconfig.dev.json test/node/cleanup.ts || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
npx jest --config test/node/jest.config.json --runInBand "$@"
