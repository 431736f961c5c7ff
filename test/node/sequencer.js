// The node tier's file order (jest --config test/node/jest.config.json): the files that run on
// the default node first, in name order, so that they share one node (real-node.ts leaves it
// running for the next file: PARKED_FILE); then the files that need a node of their own kind
// (kubelet flags, more controllers), which start their own.
const Sequencer = require('@jest/test-sequencer').default;

const OWN_NODE = ['kubelet-verdicts.test.ts', 'node-lifecycle.test.ts'];

class NodeTierSequencer extends Sequencer {
  sort(tests) {
    const own = (t) => (OWN_NODE.some((f) => t.path.endsWith(f)) ? 1 : 0);
    return [...tests].sort((a, b) => own(a) - own(b) || a.path.localeCompare(b.path));
  }
}

module.exports = NodeTierSequencer;
