import { EnvValue } from 'cdk8s-plus-28';
import * as rules from '../private/rules';
import { ValidationProblems } from '../validation-problems';

/** Helpers the CNI presets (CiliumAgent, CalicoNode) share; not exported from the package. */

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function checkEnum(problems: ValidationProblems, prop: string, value: unknown, values: object): void {
  if (!Object.values(values).includes(value)) {
    problems.add(prop, value, `expected one of ${Object.values(values).map((v) => `"${v}"`).join(', ')}`);
  }
}

/** The prefix length of an IPv4 CIDR, or undefined when it is not one. */
export function cidrPrefix(cidr: unknown): number | undefined {
  const m = typeof cidr === 'string' ? CIDR_V4.exec(cidr) : null;
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    return undefined;
  }
  return Number(m[5]);
}

/** KUBERNETES_SERVICE_HOST/PORT from the props, both or neither. */
export function apiServerEndpoint(
  host: string | undefined, port: number | undefined, problems: ValidationProblems,
): { [name: string]: EnvValue } | undefined {
  if (host === undefined && port === undefined) {
    return undefined;
  }
  if (host === undefined) {
    problems.add('apiServerPort', port, 'give apiServerHost too (both or neither)');
    return undefined;
  }
  if (port === undefined) {
    problems.add('apiServerHost', host, 'give apiServerPort too (both or neither)');
    return undefined;
  }
  if (typeof host !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/.test(host)) {
    problems.add('apiServerHost', host, 'expected a host name or IP address without scheme or port, e.g. "10.0.0.10" or "api.example.com"');
  }
  problems.check('apiServerPort', port, rules.portNumber(port));
  return {
    KUBERNETES_SERVICE_HOST: EnvValue.fromValue(String(host)),
    KUBERNETES_SERVICE_PORT: EnvValue.fromValue(String(port)),
  };
}
