import { IConstruct } from 'constructs';
import { Problems } from './problems';

const SHARED = new WeakMap<IConstruct, Problems>();

/**
 * Runs `create` (which creates a core DaemonSet in `owner`) with the preset's collector shared:
 * the core then reports into it, so that the user gets one error for the construct they made.
 */
export function sharingProblems<T>(owner: IConstruct, problems: Problems, create: () => T): T {
  SHARED.set(owner, problems);
  try {
    return create();
  } finally {
    SHARED.delete(owner);
  }
}

/** The collector of the preset creating a core DaemonSet in `scope`, if a preset is. */
export function presetProblems(scope: IConstruct): Problems | undefined {
  return SHARED.get(scope);
}
