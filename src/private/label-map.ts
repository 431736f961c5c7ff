import { ValidationProblems } from '../validation-problems';
import * as rules from './rules';

/**
 * Checks a map of labels or annotations as the API server does (ValidateLabels,
 * ValidateAnnotations): every key a qualified name; every value a string, and with `labels` a
 * label value. The one check of such maps in the library.
 */
export function checkKeyValueMap(map: { [key: string]: string } | undefined, prop: string, problems: ValidationProblems, kind: 'labels' | 'annotations'): void {
  for (const [key, value] of Object.entries(map ?? {})) {
    problems.check(`${prop}.${key}`, key, rules.qualifiedName(key));
    if (typeof value !== 'string') {
      problems.add(`${prop}.${key}`, value, 'expected a string value');
    } else if (kind === 'labels') {
      problems.check(`${prop}.${key}`, value, rules.labelValue(value));
    }
  }
}
