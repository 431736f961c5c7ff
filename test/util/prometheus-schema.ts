/**
 * Schema validation of prometheus-operator objects (monitoring.coreos.com/v1), for tests: the
 * CRDs' OpenAPI schemas as compiled by `@kubernetes-models/prometheus-operator`. Like
 * kubernetes-models, it does not reject unknown keys: tests assert these objects whole.
 */
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';

export const PROMETHEUS_API_VERSION = 'monitoring.coreos.com/v1';

const MODELS: { [kind: string]: new (data: any) => { validate(): void } } = { PodMonitor, ServiceMonitor };

/** The schema problems of one monitoring.coreos.com/v1 object; `[]` if it is valid. */
export function prometheusProblems(object: any): string[] {
  const label = `${object?.kind}/${object?.metadata?.name}`;
  const model = MODELS[object?.kind];
  if (object?.apiVersion !== PROMETHEUS_API_VERSION || model === undefined) {
    return [`${label}: unsupported apiVersion/kind ${object?.apiVersion}/${object?.kind} (supported: ${Object.keys(MODELS).join(', ')})`];
  }
  try {
    new model(object).validate();
    return [];
  } catch (e: any) {
    const errors: any[] = Array.isArray(e?.errors) ? e.errors : [{ instancePath: '', message: String(e?.message ?? e) }];
    return errors.map((err) => `${label}: ${err.instancePath || '/'} ${err.message}`);
  }
}
