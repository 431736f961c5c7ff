import { API_SERVER_RULES, apiServerProblems, apiServerViolations } from './api-server-rules';
import { BASES, FIXTURES, daemonSet, service } from './api-server-rules.fixtures';
import { schemaProblems } from './k8s-schema';

const ruleIds = API_SERVER_RULES.map((r) => r.id);
const violatedRules = (o: any) => [...new Set(apiServerViolations(o).map((v) => v.rule))].sort();

describe('the API-server rule oracle', () => {
  test('every rule has a unique id and names the Kubernetes function it mirrors', () => {
    // GIVEN / WHEN
    const duplicates = ruleIds.filter((id, i) => ruleIds.indexOf(id) !== i);
    // THEN
    expect(duplicates).toEqual([]);
    expect(API_SERVER_RULES.filter((r) => !/^(apimachinery|core|apps|rbac|networking|kubelet) [A-Za-z]+/.test(r.mirrors)).map((r) => r.id)).toEqual([]);
    expect(API_SERVER_RULES.filter((r) => (r.enforcedBy === 'kubelet') !== r.mirrors.startsWith('kubelet')).map((r) => r.id)).toEqual([]);
  });

  test.each(Object.entries(BASES))('the base %s passes every rule and the schema', (_name, base) => {
    // GIVEN
    const o = base();
    // WHEN / THEN
    expect(apiServerProblems(o)).toEqual([]);
    expect(schemaProblems(o)).toEqual([]);
  });

  test('every fixture names a rule that exists', () => {
    expect(FIXTURES.map((f) => f.rule).filter((id) => !ruleIds.includes(id))).toEqual([]);
  });

  // The property that enforces itself: a rule added to API_SERVER_RULES without fixtures fails here.
  test.each(ruleIds)('%s: fails on bad input and passes a close variant', (id) => {
    const fixtures = FIXTURES.filter((f) => f.rule === id);
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) {
      // GIVEN
      const bad = f.base();
      f.fails(bad);
      const good = f.base();
      f.passes(good);
      // WHEN / THEN: the bad object is reported under this rule (and only the rules it must break)...
      expect({ case: f.case, rules: violatedRules(bad) }).toEqual({ case: f.case, rules: [id, ...(f.alsoBreaks ?? [])].sort() });
      // ...and its variant is accepted, by every rule and by the schema.
      expect({ case: f.case, problems: [...apiServerProblems(good), ...schemaProblems(good)] }).toEqual({ case: f.case, problems: [] });
    }
  });
});

describe('apiServerProblems', () => {
  test('names the object, the problem and the rule', () => {
    // GIVEN
    const o = service();
    o.metadata.name = '2nd-node-exporter';
    // WHEN
    const problems = apiServerProblems(o);
    // THEN
    expect(problems).toEqual([
      'Service/2nd-node-exporter: metadata.name "2nd-node-exporter" is not a DNS-1035 label (at most 63 lowercase letters, digits and "-", starting with a letter, ending with a letter or digit) [metadata.name.dns1035-label]',
    ]);
  });

  test('reports every problem of an object at once', () => {
    // GIVEN
    const o = daemonSet();
    o.spec.template.spec.volumes[2].secret.defaultMode = 777;
    o.spec.template.spec.containers[0].resources.requests.memory = '1E';
    // WHEN
    const problems = apiServerProblems(o);
    // THEN
    expect(problems).toEqual([
      'DaemonSet/agent: volume credentials: secret.defaultMode 777 is not between 0 and 0777 (511 decimal) [pod.volumes.file-mode]',
      'DaemonSet/agent: container agent: memory request 1E is above its limit 128Mi [container.resources.requests-within-limits]',
    ]);
  });

  test('ignores what does not apply to a kind', () => {
    // GIVEN an object of a kind without rules of its own, with a valid name
    const o = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'Any_Name', namespace: 'default' } };
    // WHEN / THEN
    expect(apiServerProblems(o)).toEqual([]);
  });
});
