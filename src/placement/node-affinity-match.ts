/**
 * Internal: nodeSelector and required node affinity matching, exactly as the DaemonSet controller
 * does it, with every failing requirement reported.
 *
 * Sources (kubernetes/kubernetes):
 * - staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go:
 *   `GetRequiredNodeAffinity`, `RequiredNodeAffinity.Match` (nodeSelector first, then the
 *   required affinity), `NewLazyErrorNodeSelector` (empty terms are dropped, so they match
 *   nothing; no terms at all match nothing), `LazyErrorNodeSelector.Match` (terms ORed; a term
 *   with a parse error is skipped), `nodeSelectorTerm.match` (matchExpressions and matchFields
 *   ANDed), `nodeSelectorRequirementsAsSelector`, `nodeSelectorRequirementsAsFieldSelector`
 *   (matchFields: In/NotIn with exactly one value), `extractNodeFields` (only `metadata.name`).
 * - staging/src/k8s.io/apimachinery/pkg/labels/selector.go: `NewRequirement` (validation),
 *   `(*Requirement).Matches` (NotIn and DoesNotExist match an absent label; Gt/Lt parse both
 *   sides with strconv.ParseInt(s, 10, 64) and fail on a non-integer label), `SelectorFromSet`
 *   (nodeSelector: every label must be present with exactly that value).
 * - staging/src/k8s.io/apimachinery/pkg/fields/selector.go: `hasTerm`/`notHasTerm` (a missing
 *   field reads as "").
 * - pkg/apis/core/validation/validation.go `ValidateNodeSelector` (at least one term) and
 *   `ValidateNodeFieldSelectorRequirement` (matchFields key must be `metadata.name`).
 * - Docs: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
 */
import { ParsedRequirement, ParsedTerm } from './daemonset-manifest';
import { PlacementReason, PlacementReasonKind } from './placement-reason';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const INT64_MIN = -(BigInt(2) ** BigInt(63));
const INT64_MAX = BigInt(2) ** BigInt(63) - BigInt(1);

const AFFINITY_PATH = 'requiredDuringSchedulingIgnoredDuringExecution';

/** apimachinery `validation.IsQualifiedName` (label keys). */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) {
    return false;
  }
  if (parts.length === 2 && (parts[0].length === 0 || parts[0].length > 253 || !DNS1123_SUBDOMAIN.test(parts[0]))) {
    return false;
  }
  const name = parts[parts.length - 1];
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/** apimachinery `validation.IsValidLabelValue`: empty, or at most 63 characters. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/**
 * Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits only, within int64.
 * Returns undefined where Go returns an error.
 */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return undefined;
  }
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** `key In [a, b]`-style rendering of a requirement's operator and values. */
export function formatRequirementOperator(req: ParsedRequirement): string {
  if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
    return req.values.length === 0 ? req.operator : `${req.operator} [${req.values.join(', ')}]`;
  }
  if ((req.operator === 'Gt' || req.operator === 'Lt') && req.values.length === 1) {
    return `${req.operator} ${req.values[0]}`;
  }
  return `${req.operator || '(no operator)'} [${req.values.join(', ')}]`;
}

/** A required-affinity term, parsed once per DaemonSet (parse errors do not depend on the node). */
export interface CompiledTerm {
  readonly index: number;
  readonly term: ParsedTerm;
  /** No matchExpressions and no matchFields: `NewLazyErrorNodeSelector` drops it. */
  readonly empty: boolean;
  /** What `nodeSelectorRequirementsAsSelector` / `...AsFieldSelector` would return as errors. */
  readonly parseErrors: string[];
  /** ValidationProblems the API server's validation would reject the manifest for. */
  readonly warnings: string[];
}

/** Parses the required node affinity terms, like `NewLazyErrorNodeSelector`. */
export function compileTerms(terms: ParsedTerm[]): CompiledTerm[] {
  return terms.map((term, index) => {
    const parseErrors: string[] = [];
    const warnings: string[] = [];
    term.matchExpressions.forEach((req, j) => {
      for (const e of labelRequirementErrors(req)) {
        parseErrors.push(`matchExpressions[${j}] (${req.key} ${formatRequirementOperator(req)}): ${e}`);
      }
    });
    term.matchFields.forEach((req, j) => {
      for (const e of fieldRequirementErrors(req)) {
        parseErrors.push(`matchFields[${j}] (${req.key} ${formatRequirementOperator(req)}): ${e}`);
      }
      if (req.key !== 'metadata.name') {
        warnings.push(`nodeSelectorTerms[${index}].matchFields[${j}].key is "${req.key}": the API server only accepts "metadata.name" (the controller reads any other field as "")`);
      }
    });
    for (const e of parseErrors) {
      warnings.push(`nodeSelectorTerms[${index}].${e}: the API server rejects this, and the controller treats the whole term as matching no node`);
    }
    return {
      index,
      term,
      empty: term.matchExpressions.length === 0 && term.matchFields.length === 0,
      parseErrors,
      warnings,
    };
  });
}

/** `labels.NewRequirement` validation, after the operator mapping of `nodeSelectorRequirementsAsSelector`. */
function labelRequirementErrors(req: ParsedRequirement): string[] {
  if (!LABEL_OPERATORS.includes(req.operator)) {
    return [`operator "${req.operator}" is not supported; expected one of ${LABEL_OPERATORS.join(', ')}`];
  }
  const errors: string[] = [];
  if (!isQualifiedName(req.key)) {
    errors.push(`key "${req.key}" is not a valid label key`);
  }
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (req.values.length === 0) {
        errors.push(`${req.operator} needs at least one value`);
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (req.values.length !== 0) {
        errors.push(`${req.operator} takes no values`);
      }
      break;
    default: // Gt, Lt
      if (req.values.length !== 1) {
        errors.push(`${req.operator} needs exactly one value`);
      }
      for (const v of req.values) {
        if (parseInt64(v) === undefined) {
          errors.push(`${req.operator} value "${v}" is not an integer`);
        }
      }
  }
  for (const v of req.values) {
    if (!isValidLabelValue(v)) {
      errors.push(`value "${v}" is not a valid label value`);
    }
  }
  return errors;
}

/** `nodeSelectorRequirementsAsFieldSelector`: only In and NotIn, with exactly one value. */
function fieldRequirementErrors(req: ParsedRequirement): string[] {
  if (req.operator !== 'In' && req.operator !== 'NotIn') {
    return [`operator "${req.operator}" is not supported for matchFields; expected In or NotIn`];
  }
  return req.values.length === 1 ? [] : [`${req.operator} in matchFields needs exactly one value`];
}

/** `(*labels.Requirement).Matches` for a requirement that parsed without error. */
export function labelRequirementMatches(req: ParsedRequirement, labels: { [key: string]: string }): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(value as string);
    case 'NotIn':
      return !has || !req.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || req.values.length !== 1) {
        return false;
      }
      const nodeValue = parseInt64(value as string);
      const wanted = parseInt64(req.values[0]);
      if (nodeValue === undefined || wanted === undefined) {
        return false;
      }
      return req.operator === 'Gt' ? nodeValue > wanted : nodeValue < wanted;
    }
    default:
      return false;
  }
}

/** `fields.OneTermEqualSelector` / `OneTermNotEqualSelector` on `extractNodeFields(node)`. */
export function fieldRequirementMatches(req: ParsedRequirement, nodeName: string): boolean {
  const fieldValue = fieldOf(req.key, nodeName);
  return req.operator === 'In' ? fieldValue === req.values[0] : fieldValue !== req.values[0];
}

function fieldOf(key: string, nodeName: string): string {
  return key === 'metadata.name' ? nodeName : '';
}

/**
 * nodeSelector (`SelectorFromSet`): every entry must be a label of the node with exactly this
 * value. Returns one reason per failing entry.
 */
export function nodeSelectorFailures(nodeSelector: Array<[string, string]>, labels: { [key: string]: string }): PlacementReason[] {
  const reasons: PlacementReason[] = [];
  for (const [key, expected] of nodeSelector) {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    if (has && labels[key] === expected) {
      continue;
    }
    const actual = has ? `the node has ${key}="${labels[key]}"` : `the node has no label "${key}"`;
    reasons.push({
      kind: PlacementReasonKind.NODE_SELECTOR,
      message: `nodeSelector ${key}="${expected}" not satisfied: ${actual}`,
      key,
      expected,
      nodeValue: has ? labels[key] : undefined,
    });
  }
  return reasons;
}

/**
 * Required node affinity (`LazyErrorNodeSelector.Match`): the node matches when at least one
 * term matches. When none does, returns every reason of every term.
 */
export function requiredAffinityFailures(terms: CompiledTerm[], nodeName: string, labels: { [key: string]: string }): PlacementReason[] {
  if (terms.length === 0) {
    return [{
      kind: PlacementReasonKind.NODE_AFFINITY,
      message: `node affinity ${AFFINITY_PATH} has no nodeSelectorTerms, which matches no node`,
    }];
  }
  const reasons: PlacementReason[] = [];
  for (const compiled of terms) {
    const termReasons = termFailures(compiled, nodeName, labels);
    if (termReasons.length === 0) {
      return []; // terms are ORed: one matching term is enough
    }
    reasons.push(...termReasons);
  }
  return reasons;
}

function termFailures(compiled: CompiledTerm, nodeName: string, labels: { [key: string]: string }): PlacementReason[] {
  const i = compiled.index;
  const prefix = termLabel(i);
  if (compiled.empty) {
    return [{
      kind: PlacementReasonKind.NODE_AFFINITY,
      message: `${prefix} is empty (no matchExpressions, no matchFields), which matches no node`,
      termIndex: i,
    }];
  }
  if (compiled.parseErrors.length > 0) {
    return compiled.parseErrors.map((e) => ({
      kind: PlacementReasonKind.NODE_AFFINITY,
      message: `${prefix} is invalid and matches no node: ${e}`,
      termIndex: i,
    }));
  }
  const reasons: PlacementReason[] = [];
  // Expressions (and fields) within a term are ANDed: report each one that fails.
  for (const req of compiled.term.matchExpressions) {
    if (labelRequirementMatches(req, labels)) {
      continue;
    }
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const nodeValue = has ? labels[req.key] : undefined;
    let actual: string;
    if (!has) {
      actual = `the node has no label "${req.key}"`;
    } else if ((req.operator === 'Gt' || req.operator === 'Lt') && parseInt64(labels[req.key]) === undefined) {
      actual = `the node has ${req.key}="${nodeValue}", which is not an integer`;
    } else {
      actual = `the node has ${req.key}="${nodeValue}"`;
    }
    reasons.push({
      kind: PlacementReasonKind.NODE_AFFINITY,
      message: `${prefix}: ${req.key} ${formatRequirementOperator(req)} not satisfied: ${actual}`,
      key: req.key,
      expected: formatRequirementOperator(req),
      nodeValue,
      termIndex: i,
    });
  }
  for (const req of compiled.term.matchFields) {
    if (fieldRequirementMatches(req, nodeName)) {
      continue;
    }
    const isName = req.key === 'metadata.name';
    reasons.push({
      kind: PlacementReasonKind.NODE_AFFINITY,
      message: `${prefix}: field ${req.key} ${formatRequirementOperator(req)} not satisfied: ${isName ? `the node name is "${nodeName}"` : `the node has no field "${req.key}"`}`,
      key: req.key,
      expected: formatRequirementOperator(req),
      nodeValue: isName ? nodeName : undefined,
      termIndex: i,
    });
  }
  return reasons;
}

function termLabel(i: number): string {
  return `node affinity nodeSelectorTerms[${i}]`;
}
