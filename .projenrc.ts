import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-node-agents',
  description: 'Typed cdk8s constructs with safe defaults for agents that run on every Kubernetes node (DaemonSets): log collectors, node exporters, GPU driver installers, security, network and storage agents.',
  author: 'cdk8s-node-agents contributors',
  authorAddress: 'maintainers@cdk8s-node-agents.dev',
  repositoryUrl: 'https://github.com/cdk8s-node-agents/cdk8s-node-agents.git',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubernetes', 'daemonset', 'node-agent', 'constructs'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  jsiiVersion: '~6.0.0',

  // cdk8s-plus-28 2.5.6 declares cdk8s ^2.68.11, which this registry lacks: 2.68.12 is the floor.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],

  // Source maps beside the JavaScript, not inlined: 0.7 of lib/'s 1 MB was inline maps, which
  // every `require` of the library had to read and scan (bench/: start-up).
  tsconfig: { compilerOptions: { inlineSourceMap: false, sourceMap: true, inlineSources: true } },
  // Generated tsconfig for tests, examples and bench lives at the top level.
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  jestOptions: {
    jestVersion: '^29',
    passWithNoTests: false,
    // Snapshots never update silently: `test` fails on drift, `test:update` rewrites them.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
  },

  // jsii targets: the API is checked for every language at each compile. Packaging for them
  // needs PyPI, Maven Central, Go and .NET toolchains, which are not reachable here.
  publishToPypi: { distName: 'cdk8s-node-agents', module: 'cdk8s_node_agents' },
  publishToMaven: { javaPackage: 'dev.cdk8snodeagents', mavenGroupId: 'dev.cdk8s-node-agents', mavenArtifactId: 'cdk8s-node-agents' },
  publishToGo: { moduleName: 'github.com/cdk8s-node-agents/cdk8s-node-agents-go' },
  publishToNuget: { dotNetNamespace: 'Cdk8sNodeAgents', packageId: 'Cdk8sNodeAgents' },
  release: false,
  github: false,
  gitignore: ['/dist/manifests/', '/bench/results/*.tmp', '.jsii.tabl.json'],
  bin: { 'cdk8s-node-agents': 'lib/cli/main.js' },
  // The preview command parses YAML in process (cdk8s bundles the same package, unexported).
  bundledDeps: ['yaml@^2.2.2'],
});

project.tsconfigDev.addInclude('.projenrc.ts');
project.tsconfigDev.addInclude('projenrc/**/*.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');
// jest 30 / resolver 4 pull native bindings missing on this registry; npm ci then fails.
project.addDevDeps(
  'eslint-import-resolver-typescript@~3.7.0',
  // Schema validation of every synthesized object in the tests (4.x: engines node>=14).
  'kubernetes-models@^4.5.1',
  '@kubernetes-models/validate@^4',
  // The ServiceMonitor/PodMonitor CRD schemas (4.4.x shares base 5 / validate 4 with the above).
  '@kubernetes-models/prometheus-operator@~4.4.4',
  // Property-based tests of the input checks.
  'fast-check@^3',
  // An independent Pod Security Standards checker to cross-check PodSecurity.evaluate (offline).
  '@monokle/validation@^0.33.0',
  // Lint rules that catch assertions that never run (`expect(x).toBeDefined;`) and tests without one.
  'eslint-plugin-jest@^28',
  // The generated falco.yaml is validated against Falco's own config JSON schema (draft-06).
  'ajv@^8',
  'ajv-formats@^2',
);
project.eslint?.addPlugins('jest');
project.eslint?.addRules({
  '@typescript-eslint/no-unused-expressions': 'error',
  'jest/valid-expect': 'error',
  'jest/no-disabled-tests': 'error',
  'jest/no-focused-tests': 'error',
  'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'validateObjects', 'expect*'] }],
});

// The README's test command (`npm ci && npm test`) runs the jsii compile too, so that the API is
// checked for Python, Java, Go and .NET on every run, not only in `projen build`.
project.testTask.prependSpawn(project.compileTask);

// The type schema behind the checks of untyped input (src/private/shapes.ts): generated from the
// TypeScript sources with the compiler's type checker as the first step of every compile (so of
// `test` and `build` too), so that lib/ always carries the schema of its own types and nothing
// reads the .jsii at run time (why from the sources and not from the .jsii: see
// projenrc/type-schema.ts). The generated file is committed, so tests run without a compile.
const typeSchema = project.addTask('type-schema', {
  description: 'Generate src/private/type-schema.generated.ts (the schema of the public props for the untyped-input checks)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json projenrc/type-schema.ts',
});
project.compileTask.prependSpawn(typeSchema);
// A merge conflict in it is resolved by generating it again (npx projen type-schema), not by hand.
project.gitattributes.addAttributes('/src/private/type-schema.generated.ts', 'linguist-generated');
// README and doc-comment examples must compile: jsii-rosetta compiles every TypeScript snippet
// (rosetta/*.ts-fixture give them their context) and fails on the first that does not.
const rosetta = project.addTask('rosetta:compile', {
  description: 'Compile every README and doc-comment TypeScript example with jsii-rosetta',
  exec: 'jsii-rosetta extract --compile --fail',
});
project.testTask.spawn(rosetta);

/**
 * A test tier outside `npm test` (it needs the network or builds a control plane): `npm test`
 * ignores test/<dir>/, which gets its own jest config (ts-jest, long tests, verbose).
 */
function separateTestTier(dir: string, extra: { [key: string]: unknown } = {}): void {
  project.jest?.addIgnorePattern(`/test/${dir}/`);
  new JsonFile(project, `test/${dir}/jest.config.json`, {
    obj: {
      ...extra,
      rootDir: '../..',
      testMatch: [`<rootDir>/test/${dir}/**/*.test.ts`],
      transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
      testTimeout: 600_000,
      verbose: true,
      // A report per tier beside npm test's, for .ci/report.js (totals, and the failures at the end of the log).
      reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: `junit-${dir}.xml` }]],
    },
  });
}

// The README's quick start, run as a newcomer would: in a fresh folder, its install line (the
// library packed with `npm pack`, the rest from the npm registry), its files, `npx cdk8s synth`;
// the manifest checked against what the README says. Needs the registry, so not part of `test`.
separateTestTier('quickstart');
project.addTask('test:quickstart', {
  description: 'Run the README\'s quick start in a fresh folder against the packed library (needs the npm registry)',
  steps: [
    { spawn: 'compile' },
    { exec: 'jest --config test/quickstart/jest.config.json --runInBand', receiveArgs: true },
  ],
});

// `package` in projen's default runs jsii-pacmak for every language outside CI. Python, Java, Go
// and .NET packaging needs PyPI, Maven Central and toolchains this environment cannot reach, so
// the build packages JavaScript only; `package-all` stays for machines that have them.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The integration tier: the agents' real binaries where they install here (Debian's
// prometheus-node-exporter), run as root; not part of `test`. `.ci/run` runs it after `npm test`.
project.addTask('test:integration', {
  description: 'Run the integration tests (test/integration/, real agent binaries; needs root and Debian\'s apt repositories)',
  exec: 'jest --config test/integration/jest.config.json --coverage=false',
});

// The example app: every preset, synthesized to dist/manifests/ (cdk8s.yaml points there too).
project.addTask('synth:example', {
  description: 'Synthesize the example app (every preset) to dist/manifests/',
  exec: 'ts-node --project tsconfig.dev.json examples/main.ts',
});

// The placement preview over the example app's output and an example node inventory.
const previewExample = project.addTask('preview:example', {
  description: 'Synthesize the example app and preview its placement on examples/nodes.json',
  exec: 'ts-node --project tsconfig.dev.json src/cli/main.ts preview --nodes examples/nodes.json dist/manifests/*.k8s.yaml',
});
previewExample.prependSpawn(project.tasks.tryFind('synth:example')!);
project.addTask('preview:vendor', {
  description: 'Preview a vendor DaemonSet without tolerations on examples/nodes.json (fails: partial coverage)',
  exec: 'ts-node --project tsconfig.dev.json src/cli/main.ts preview --require-full-coverage --nodes examples/nodes.json examples/vendor-agent.yaml',
});

project.addTask('bench', {
  description: 'Run the benchmarks in bench/ and write bench/results/latest.md',
  exec: 'ts-node --project tsconfig.dev.json bench/run.ts',
});

// The cluster tier: a kubelet-less v1.20.2 control plane (built once into ~/.cache by
// test/cluster/build-control-plane.sh) runs the example app and generated fleets, and the preview
// must say what its DaemonSet controller and scheduler did. Its own jest config, so that
// `npm test` stays offline and fast.
// 600 s: above awaitOutcome's 300 s, which only bounds a failure.
separateTestTier('cluster');
project.addTask('test:cluster', {
  description: 'Build (once) a kubelet-less v1.20.2 control plane and check the placement preview against it',
  steps: [
    { exec: 'bash test/cluster/build-control-plane.sh' },
    { spawn: 'synth:example' },
    { exec: 'jest --config test/cluster/jest.config.json --runInBand', receiveArgs: true },
  ],
});

// The node tier: the cluster tier's control plane plus a real kubelet v1.20.2, containerd, runc
// and a bridge CNI on this machine (root); every preset's pod spec started for real (test/node/).
// Builds kubelet and kube-proxy once per cache, from the control plane's tree (kept for it). The
// files on the default node run first, one after the other on one node (test/node/sequencer.js).
separateTestTier('node', { testSequencer: '<rootDir>/test/node/sequencer.js' });
project.addTask('test:node', {
  description: 'Build (once) kubelet, kube-proxy and node images, run one real node and every preset on it (root; needs Debian\'s apt)',
  steps: [
    { exec: 'KEEP_BUILD_TREE=1 bash test/cluster/build-control-plane.sh' },
    { exec: 'bash test/node/build-node.sh' },
    { exec: 'bash test/node/run.sh', receiveArgs: true },
  ],
});

for (const path of ['/rosetta/', '/examples/', '/bench/', '/.ci/', '/cdk8s.yaml', '.jsii.tabl.json', '/BENCHMARKS.md']) {
  project.npmignore?.exclude(path);
}

project.synth();
