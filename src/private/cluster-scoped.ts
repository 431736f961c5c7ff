import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/**
 * Marks an object of a cluster-scoped kind (ClusterRole, RuntimeClass, ...): cdk8s copies a
 * chart's namespace onto every object, and the API server refuses a namespace on a
 * cluster-scoped one ("not allowed on this type"). The one place every construct does this.
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace !== undefined) {
    obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return obj;
}
