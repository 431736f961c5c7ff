import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonSet } from './daemon-set';
import { PodSecurity, PodSecurityLevel } from './pod-security';
import { registerAppChecks } from './private/app-checks';
import { isBranded } from './private/brand';
import { clusterScoped } from './private/cluster-scoped';
import { checkKeyValueMap } from './private/label-map';
import { defaultName } from './private/names';
import * as rules from './private/rules';
import { checkConstructProps } from './private/shapes';
import { ValidationProblems } from './validation-problems';

/** Props of an `AgentNamespace`. */
export interface AgentNamespaceProps {
  /**
   * The namespace name.
   *
   * @default - the construct id as a DNS-1123 label; for the id "Default" or "Resource", the
   * enclosing construct's id
   */
  readonly name?: string;

  /**
   * The Pod Security level enforced. When given, an agent in this namespace whose pods need a
   * less restrictive level is an error at synth time.
   *
   * @default - the least restrictive level the agents in this namespace need (computed at synth),
   * or restricted when it has none
   */
  readonly level?: PodSecurityLevel;

  /**
   * The Pod Security Standards version the labels pin (`...-version` labels).
   *
   * @default "v1.28" (the Kubernetes version of cdk8s-plus-28, whose rules this library checks)
   */
  readonly podSecurityVersion?: string;

  /**
   * More labels for the namespace.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Create a ResourceQuota that admits pods of the critical priority classes
   * (`system-node-critical`, `system-cluster-critical`) in this namespace. Clusters that limit
   * those classes with the ResourceQuota admission plugin's `limitedResources` (GKE does, and so
   * can any cluster) refuse such pods outside `kube-system` unless a quota with a matching scope
   * exists: "insufficient quota to match these scopes". The presets that default to
   * `system-node-critical` (NetworkAgent, StorageDaemon, GpuDriverInstaller) need it when they run
   * in a namespace of their own there. The quota's only limit is a pod count no node fleet reaches.
   *
   * @default false
   */
  readonly admitCriticalPods?: boolean;
}

/** The priority classes Kubernetes creates, which clusters may limit to namespaces with a matching quota. */
const CRITICAL_PRIORITY_CLASSES = ['system-node-critical', 'system-cluster-critical'];

/**
 * A namespace for node agents, labelled for Pod Security admission
 * (`pod-security.kubernetes.io/enforce`, `warn` and `audit`) at exactly the level its agents
 * need: no stricter (the pods would be rejected) and no looser than necessary.
 */
export class AgentNamespace extends Construct {
  /** The namespace name; give it as `namespace` to the agents. */
  public readonly name: string;
  /** The L1 Namespace object. */
  public readonly apiObject: ApiObject;
  /** The ResourceQuota that admits critical pods, with `admitCriticalPods`. */
  public readonly criticalPodsQuota?: ApiObject;
  private readonly fixedLevel?: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: AgentNamespaceProps = {}) {
    super(scope, id);
    props = checkConstructProps('AgentNamespaceProps', this, props);
    // Namespaces are cluster-wide: the app-wide check reports two constructs emitting one.
    registerAppChecks(this);
    const problems = ValidationProblems.of(this);
    this.name = props.name ?? defaultName(this);
    problems.check('name', this.name, rules.dns1123Label(this.name));
    if (props.level !== undefined && !Object.values(PodSecurityLevel).includes(props.level)) {
      problems.add('level', props.level, `expected one of ${Object.values(PodSecurityLevel).join(', ')}`);
    }
    checkKeyValueMap(props.labels, 'labels', problems, 'labels');
    problems.throwIfAny();
    this.fixedLevel = props.level;

    const level = Lazy.any({ produce: () => this.level });
    const version = props.podSecurityVersion ?? 'v1.28';
    const podSecurityLabels: { [key: string]: string } = {};
    for (const mode of ['enforce', 'warn', 'audit']) {
      podSecurityLabels[`pod-security.kubernetes.io/${mode}`] = level as unknown as string;
      podSecurityLabels[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    this.apiObject = clusterScoped(new k8s.KubeNamespace(this, 'Resource', {
      metadata: { name: this.name, labels: { ...props.labels, ...podSecurityLabels } },
    }));

    if (props.admitCriticalPods === true) {
      // As GKE documents it for its limitedResources: a scope on the critical classes, and a
      // pod count so high that the quota never limits anything else.
      this.criticalPodsQuota = new k8s.KubeResourceQuota(this, 'CriticalPods', {
        metadata: { name: 'critical-pods', namespace: this.name, labels: { ...props.labels } },
        spec: {
          hard: { pods: k8s.Quantity.fromString('1000000000') },
          scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: [...CRITICAL_PRIORITY_CLASSES] }] },
        },
      });
    }
    this.node.addValidation({ validate: () => this.validateAgents() });
    // Namespaces first, wherever the AgentNamespace is declared: the chart's other objects
    // depend on it, so cdk8s writes it before them and one `kubectl apply -f` of the file creates
    // the namespace before the objects in it (else "namespaces ... not found"). Added at synth,
    // so that objects declared after it count too.
    this.node.addValidation({ validate: () => this.comeFirst() });
  }

  private comeFirst(): string[] {
    for (const c of Chart.of(this).node.findAll()) {
      if (ApiObject.isApiObject(c) && c.kind !== 'Namespace' && !c.node.dependencies.includes(this.apiObject)) {
        c.node.addDependency(this.apiObject);
      }
    }
    return [];
  }

  /** The agents (library DaemonSets anywhere in the app) that run in this namespace. */
  public get agents(): DaemonSet[] {
    return this.node.root.node.findAll().filter((c): c is DaemonSet => isBranded<DaemonSet>(c, 'DaemonSet') && c.namespace === this.name);
  }

  /** The enforced level: the one given, or the least restrictive one its agents need. */
  public get level(): PodSecurityLevel {
    if (this.fixedLevel !== undefined) {
      return this.fixedLevel;
    }
    let level = PodSecurityLevel.RESTRICTED;
    for (const agent of this.agents) {
      const needed = agent.podSecurity().level;
      if (!PodSecurity.meets(needed, level)) {
        level = needed;
      }
    }
    return level;
  }

  private validateAgents(): string[] {
    if (this.fixedLevel === undefined) {
      return [];
    }
    const errors: string[] = [];
    for (const agent of this.agents) {
      const report = agent.podSecurity();
      if (!PodSecurity.meets(report.level, this.fixedLevel)) {
        // The reasons that rule out the enforced level: those of that level and every looser one.
        const why = report.reasons.filter((r) => PodSecurity.meets(this.fixedLevel!, r.violates)).map((r) => `${r.field} (${r.check})`).join(', ');
        errors.push(`AgentNamespace '${this.node.path}': level: got "${this.fixedLevel}", but DaemonSet '${agent.node.path}' needs "${report.level}" because of ${why}; `
          + `set level: PodSecurityLevel.${report.level.toUpperCase()} or move the agent to another namespace`);
      }
    }
    return errors;
  }
}
