/**
 * A Kubernetes API permission the agent gets: one rule of its ClusterRole (`rbacRules`) or of its
 * Role (`namespacedRbacRules`), as an RBAC PolicyRule. The library's own type, so that the props
 * do not change with the Kubernetes version of cdk8s-plus's generated types; rendered into the
 * PolicyRule of the Role or ClusterRole it creates.
 *
 * @example
 * const rule: RbacRule = { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] };
 */
export interface RbacRule {
  /** The verbs granted, e.g. `["get", "list", "watch"]`. */
  readonly verbs: string[];

  /**
   * The API groups of `resources` (`""` is the core group).
   *
   * @default - none: required with `resources`
   */
  readonly apiGroups?: string[];

  /**
   * The resources granted (e.g. `"pods"`, `"nodes/stats"`).
   *
   * @default - none: the rule grants `nonResourceUrls`
   */
  readonly resources?: string[];

  /**
   * Only these objects of `resources`, by name.
   *
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];

  /**
   * URL paths that are not resources (e.g. `"/metrics"`): cluster-wide only, so not in
   * `namespacedRbacRules`.
   *
   * @default - none
   */
  readonly nonResourceUrls?: string[];
}
