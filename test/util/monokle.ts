import { execFile } from 'child_process';
import * as path from 'path';
import { PodSecurityLevel } from '../../src';

/**
 * Runs the Pod Security Standards plugin of `@monokle/validation` (a dev dependency) offline, as
 * an independent second opinion on `PodSecurity.evaluate`.
 *
 * `@monokle/validation` is ESM-only (`"type": "module"`, no `require` export) and jest runs the
 * tests as CommonJS without `--experimental-vm-modules`, where `import()` of an ES module fails.
 * So the validator runs in one child Node process per call: an ES module script passed with
 * `--input-type=module -e`, the resources on stdin, the findings as JSON on stdout. One call loads
 * the validator once and validates every manifest given, timing each.
 *
 * Offline by construction, and checked:
 * - The validator is built from `DefaultPluginLoader` (the core plugins bundled in the package),
 *   not `RemotePluginLoader`, which `createDefaultMonokleValidator` uses and which downloads any
 *   plugin it does not bundle from plugins.monokle.com.
 * - Only `pod-security-standards` is enabled: `kubernetes-schema` downloads JSON schemas and
 *   `open-policy-agent`/`admission-policy` download WASM bundles.
 * - In the child, `fetch` and every TCP connection throw and are recorded; any attempt makes the
 *   call fail.
 * - A plugin that fails to load is only recorded by the validator (`getFailedPlugins`), which then
 *   validates with no rules and finds nothing; the call fails instead unless the plugin loaded,
 *   is enabled and has rules.
 * - Monokle disables the restricted rules (PSS2xx) by default; every rule the plugin has is
 *   enabled explicitly, and the enabled state of each is returned for the test to assert.
 */

/** The name of the plugin in `@monokle/validation`. */
export const PSS_PLUGIN = 'pod-security-standards';

/** Monokle's Pod Security Standards taxonomy: the ids it relates each rule to. */
export const PSS_TAXA: { [id: string]: PodSecurityLevel } = {
  PSS001: PodSecurityLevel.PRIVILEGED,
  PSS002: PodSecurityLevel.BASELINE,
  PSS003: PodSecurityLevel.RESTRICTED,
};

/** A rule of the plugin, as loaded. */
export interface MonokleRule {
  /** E.g. "PSS102". */
  readonly id: string;
  /** E.g. "host-namespaces". */
  readonly name: string;
  /** Whether the rule ran (all are enabled by `runMonokle`). */
  readonly enabled: boolean;
  /** The PSS taxonomy ids the rule relates to (PSS002 baseline, PSS003 restricted). */
  readonly taxa: string[];
}

/** One finding of the plugin. */
export interface MonokleFinding {
  /** E.g. "PSS203". */
  readonly ruleId: string;
  /** The resource, as "Kind/name". */
  readonly resource: string;
  /** The offending field, e.g. "spec.template.spec.containers.0.securityContext.runAsNonRoot". */
  readonly path: string;
  /** The PSS taxonomy ids of the rule (PSS002 baseline, PSS003 restricted). */
  readonly taxa: string[];
}

/** The findings for one manifest and how long validating it took. */
export interface MonokleManifestResult {
  readonly findings: MonokleFinding[];
  /** Milliseconds spent in `validator.validate` for this manifest. */
  readonly ms: number;
}

/** The outcome of one `runMonokle` call. */
export interface MonokleRun {
  /** Milliseconds to import the package in the child. */
  readonly importMs: number;
  /** Milliseconds to load and configure the plugin. */
  readonly preloadMs: number;
  /** Milliseconds of the whole child process, as seen by the parent (Node start-up included). */
  readonly wallMs: number;
  /** The plugin's rules after configuration. */
  readonly rules: MonokleRule[];
  /** By manifest name, as given. */
  readonly manifests: { [name: string]: MonokleManifestResult };
}

// The child's script. An ES module: `import()` resolves '@monokle/validation' from the cwd.
const CHILD_SCRIPT = String.raw`
import net from 'node:net';
const network = [];
globalThis.fetch = async (url) => {
  network.push('fetch ' + String(url));
  throw new Error('offline: @monokle/validation tried to fetch ' + String(url));
};
net.Socket.prototype.connect = function (...args) {
  network.push('connect ' + JSON.stringify(args[0] ?? null));
  throw new Error('offline: @monokle/validation tried to open a connection');
};
const fail = (message) => { process.stderr.write(message + '\n'); process.exit(2); };

let stdin = '';
for await (const chunk of process.stdin) stdin += chunk;
const input = JSON.parse(stdin);

const t0 = performance.now();
const { MonokleValidator, DefaultPluginLoader, ResourceParser, SchemaLoader, DisabledFixer } = await import('@monokle/validation');
const t1 = performance.now();
const PLUGIN = input.plugin;
const validator = new MonokleValidator({
  loader: new DefaultPluginLoader(),
  parser: new ResourceParser(),
  schemaLoader: new SchemaLoader(),
  suppressors: [],
  fixer: new DisabledFixer(),
});
await validator.preload({ plugins: { [PLUGIN]: true } });
if (validator.getFailedPlugins().length > 0) fail('plugins failed to load: ' + validator.getFailedPlugins().join(', '));
const ruleIds = (validator.rules[PLUGIN] ?? []).map((r) => r.id);
if (ruleIds.length === 0) fail('plugin ' + PLUGIN + ' did not load or has no rules');
// Enable every rule (the restricted ones are disabled by default), by rule id.
await validator.preload({ plugins: { [PLUGIN]: true }, rules: Object.fromEntries(ruleIds.map((id) => [id, 'err'])) });
const plugin = validator.getPlugin(PLUGIN);
if (!plugin || !plugin.enabled) fail('plugin ' + PLUGIN + ' is not enabled');
const rules = validator.rules[PLUGIN].map((r) => ({
  id: r.id,
  name: r.name,
  enabled: plugin.isRuleEnabled(r.id),
  taxa: (r.relationships ?? []).map((rel) => rel.target.id),
}));
const t2 = performance.now();

const manifests = {};
for (const [name, objects] of Object.entries(input.manifests)) {
  const resources = objects.map((o, i) => ({
    id: name + '#' + i,
    fileId: name,
    filePath: name + '.yaml',
    fileOffset: 0,
    name: o.metadata?.name ?? '',
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata?.namespace,
    content: o,
    text: JSON.stringify(o, null, 2),
  }));
  const byId = Object.fromEntries(resources.map((r) => [r.id, r.kind + '/' + r.name]));
  const start = performance.now();
  const response = await validator.validate({ resources });
  const ms = performance.now() - start;
  const findings = response.runs[0].results.map((r) => {
    // locations[0] is the file, locations[1] the resource (its uri is the resource id).
    const logical = r.locations?.[1]?.logicalLocations ?? [];
    const resourceId = r.locations?.[1]?.physicalLocation?.artifactLocation?.uri;
    return {
      ruleId: r.ruleId,
      resource: byId[resourceId] ?? '?',
      path: logical[1]?.fullyQualifiedName ?? '?',
      taxa: (r.taxa ?? []).map((t) => t.id),
    };
  });
  manifests[name] = { findings, ms };
}
if (network.length > 0) fail('network access attempted: ' + network.join('; '));
process.stdout.write(JSON.stringify({ importMs: t1 - t0, preloadMs: t2 - t1, rules, manifests }));
`;

/** The repository root, from which the child resolves '@monokle/validation'. */
const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Validates each manifest (a list of objects, e.g. `Testing.synth(chart)`) with monokle's Pod
 * Security Standards plugin, every rule enabled, in one offline child process. Rejects if the
 * plugin did not load, if anything tried to use the network, or on any error in the child.
 */
export function runMonokle(manifests: { [name: string]: any[] }, timeoutMs = 30_000): Promise<MonokleRun> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
      cwd: ROOT,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '' },
    }, (error, stdout, stderr) => {
      if (error) {
        // error.message would repeat the whole script; the child explains itself on stderr.
        const how = error.killed ? `killed after ${timeoutMs} ms` : `exit code ${String(error.code)}`;
        reject(new Error(`@monokle/validation child failed (${how}):\n${stderr}`));
        return;
      }
      try {
        const run = JSON.parse(stdout) as Omit<MonokleRun, 'wallMs'>;
        resolve({ ...run, wallMs: Date.now() - start });
      } catch (e) {
        reject(new Error(`@monokle/validation child printed no result (${String(e)}):\n${stdout}\n${stderr}`));
      }
    });
    child.stdin!.end(JSON.stringify({ plugin: PSS_PLUGIN, manifests }));
  });
}

/**
 * The profile a rule belongs to, from monokle's own taxonomy: a rule related to PSS002 (baseline)
 * is a baseline check (monokle relates them to restricted too, which contains baseline); a rule
 * related to PSS003 (restricted) only is a restricted check. Throws for anything else.
 */
export function ruleProfile(taxa: string[]): PodSecurityLevel.BASELINE | PodSecurityLevel.RESTRICTED {
  if (taxa.includes('PSS002')) {
    return PodSecurityLevel.BASELINE;
  }
  if (taxa.includes('PSS003')) {
    return PodSecurityLevel.RESTRICTED;
  }
  throw new Error(`a rule related to neither PSS002 (baseline) nor PSS003 (restricted): ${JSON.stringify(taxa)}`);
}

/**
 * The level a pod meets given monokle's findings and the profile of each rule id: any baseline
 * rule violated → privileged; else any restricted rule violated → baseline; else restricted.
 * Throws for a rule id missing from `profiles`, so a new monokle rule cannot go unnoticed.
 */
export function levelFromFindings(findings: MonokleFinding[], profiles: { [ruleId: string]: PodSecurityLevel }): PodSecurityLevel {
  const violated = findings.map((f) => {
    const profile = profiles[f.ruleId];
    if (profile === undefined) {
      throw new Error(`monokle rule ${f.ruleId} has no known profile`);
    }
    return profile;
  });
  if (violated.includes(PodSecurityLevel.BASELINE)) {
    return PodSecurityLevel.PRIVILEGED;
  }
  if (violated.includes(PodSecurityLevel.RESTRICTED)) {
    return PodSecurityLevel.BASELINE;
  }
  return PodSecurityLevel.RESTRICTED;
}
