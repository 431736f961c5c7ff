import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import addFormats from 'ajv-formats';
import { Yaml } from 'cdk8s';
import { SecurityAgent, SecurityAgentProps } from '../../src/presets/security-agent';
import { SecurityAgentDriver } from '../../src/presets/security-agent-driver';
import { SecurityAgentPriority } from '../../src/presets/security-agent-priority';
import { SecurityAgentRuntimeEngine, SecurityAgentRuntimeSocket } from '../../src/presets/security-agent-runtime-socket';
import { newChart, only, synth } from '../util/synth';

/** Falco's own schema for falco.yaml at 0.44.1 (see test/fixtures/falco/README.md). */
const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'falco', 'config-schema-0.44.1.json'), 'utf8'));

// Draft-06 as Falco declares it; "qt-uri-protocols" is a code-generator annotation, not a
// keyword, hence strict: false. `format: uri` (http_output.url) is checked.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
addFormats(ajv);
const validate = ajv.compile(SCHEMA);

/** The problems Falco's schema finds in a config, as "path: message" lines. */
function schemaProblems(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
}

/** The falco.yaml of the synthesized ConfigMap, parsed with cdk8s' YAML loader. */
function synthesizedFalcoYaml(props: SecurityAgentProps): any {
  const chart = newChart();
  new SecurityAgent(chart, 'falco', props);
  const text = only(synth(chart), 'ConfigMap').data['falco.yaml'];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'falco-')), 'falco.yaml');
  fs.writeFileSync(file, text);
  return Yaml.load(file)[0];
}

describe('falco.yaml against Falco 0.44.1\'s config schema', () => {
  const cases: Array<[string, SecurityAgentProps]> = [
    ['the defaults', {}],
    ['least privilege', { privileged: false }],
    ['the kernel module', { driver: SecurityAgentDriver.KERNEL_MODULE }],
    ['no runtime sockets', { runtimeSockets: [] }],
    ['Docker, k3s and a custom containerd socket', {
      runtimeSockets: [
        SecurityAgentRuntimeSocket.docker(),
        SecurityAgentRuntimeSocket.k3s(),
        SecurityAgentRuntimeSocket.custom(SecurityAgentRuntimeEngine.CONTAINERD, '/run/host-containerd/containerd.sock'),
      ],
    }],
    ['custom rules', { customRules: { 'my-rules.yaml': '- list: a\n  items: []\n' } }],
    ['an HTTP output and a minimum priority', { httpOutput: { url: 'http://falcosidekick.falco.svc:2801' }, minimumPriority: SecurityAgentPriority.WARNING }],
  ];

  test.each(cases)('%s: valid', (_name, props) => {
    // GIVEN / WHEN
    const config = synthesizedFalcoYaml(props);
    // THEN
    expect(schemaProblems(config)).toEqual([]);
  });

  test('the schema checks the HTTP output URL (format uri)', () => {
    const config = synthesizedFalcoYaml({ httpOutput: { url: 'http://falcosidekick.falco.svc:2801' } });
    expect(schemaProblems({ ...config, http_output: { enabled: true, url: 'not a url' } }))
      .toEqual([expect.stringMatching(/^\/http_output\/url: must match format "uri"/)]);
  });

  test('the schema rejects what Falco would not know (so that the check above can fail)', () => {
    // GIVEN the default config with one key misspelled and one of the wrong type
    const config = synthesizedFalcoYaml({});
    const bad = { ...config, webserver: { ...config.webserver, prometheus_metrics: true }, json_output: 'yes' };
    // WHEN / THEN
    expect(schemaProblems(bad)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/webserver: must NOT have additional properties .*prometheus_metrics/),
      expect.stringMatching(/^\/json_output: must be boolean/),
    ]));
  });
});
