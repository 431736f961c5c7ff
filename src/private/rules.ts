/**
 * The checks the Kubernetes API server applies to the fields this library emits, as pure
 * functions: each returns `undefined` when the value is valid, or what is allowed when it is not.
 * References are to kubernetes/kubernetes (apimachinery validation, pkg/apis/core/validation,
 * pkg/apis/apps/validation).
 */
import { isIP } from 'net';
import { parseQuantity } from './quantity';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// https://github.com/distribution/reference/blob/main/regexp.go, simplified to its grammar.
const IMAGE_REF = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$/;

/** IsDNS1123Label: object names such as namespaces, container, port and volume names. */
export function dns1123Label(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
    return 'expected a DNS-1123 label: at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit (e.g. "node-exporter")';
  }
  return undefined;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** IsDNS1035Label: Service names (they become DNS names and must start with a letter). */
export function dns1035Label(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1035_LABEL.test(value)) {
    return 'expected a DNS-1035 label (a Service name): at most 63 lowercase letters, digits and "-", starting with a letter and ending with a letter or digit (e.g. "node-exporter")';
  }
  return undefined;
}

/** IsValidIP: an IPv4 or IPv6 address (host aliases, nameservers). */
export function ipAddress(value: string): string | undefined {
  if (typeof value !== 'string' || isIP(value) === 0) {
    return 'expected an IPv4 or IPv6 address, e.g. "10.0.0.10" or "fd00::10"';
  }
  return undefined;
}

/** IsDNS1123Subdomain: names of most objects (at most 253 characters). */
export function dns1123Subdomain(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return 'expected a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** IsQualifiedName: label and annotation keys, `[prefix/]name`. */
export function qualifiedName(value: string): string | undefined {
  const allowed = 'expected a qualified name: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (e.g. "app.kubernetes.io/name")';
  if (typeof value !== 'string' || value.length === 0) {
    return allowed;
  }
  const parts = value.split('/');
  if (parts.length > 2) {
    return allowed;
  }
  const name = parts[parts.length - 1];
  if (parts.length === 2 && dns1123Subdomain(parts[0]) !== undefined) {
    return allowed;
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) {
    return allowed;
  }
  return undefined;
}

/** IsValidLabelValue: empty, or at most 63 characters of the label-name alphabet. */
export function labelValue(value: string): string | undefined {
  if (typeof value !== 'string' || (value !== '' && (value.length > 63 || !LABEL_NAME.test(value)))) {
    return 'expected a label value: empty, or at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** IsValidPortName (IANA_SVC_NAME): at most 15 characters, at least one letter, no "--". */
export function portName(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 15 || !IANA_SVC_NAME.test(value)
    || !/[a-z]/.test(value) || value.includes('--')) {
    return 'expected a port name: at most 15 lowercase letters, digits and "-", with at least one letter and no "--" (e.g. "metrics")';
  }
  return undefined;
}

/** IsValidPortNum: 1-65535. */
export function portNumber(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    return 'expected an integer port number from 1 to 65535';
  }
  return undefined;
}

/** IsEnvVarName. */
export function envVarName(value: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || !ENV_VAR_NAME.test(value) || value === '.' || value === '..' || value.startsWith('..')) {
    return 'expected an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit or ".."';
  }
  return undefined;
}

/**
 * A container image reference that pins a version: a tag other than `latest`, or a digest.
 * The API server accepts any non-blank string; the rule here is the library's own, because an
 * untagged or `:latest` image rolls whatever was pushed last to every node.
 */
export function pinnedImage(value: string): string | undefined {
  if (typeof value !== 'string' || value.trim() !== value || value.length === 0) {
    return 'expected an image reference without surrounding spaces, e.g. "registry.example.com/agent:1.2.3"';
  }
  const match = IMAGE_REF.exec(value);
  if (!match) {
    return 'expected a valid image reference [registry/]repository[:tag][@digest], e.g. "registry.example.com/agent:1.2.3"';
  }
  const [, tag, digest] = match;
  if (!tag && !digest) {
    return 'expected a tag or digest: an untagged image means ":latest"; pin a version such as "registry.example.com/agent:1.2.3" or "...@sha256:<digest>"';
  }
  if (tag === 'latest' && !digest) {
    return 'expected a pinned version: ":latest" rolls whatever was pushed last to every node; use a release tag such as ":1.2.3" or a digest';
  }
  return undefined;
}

/** The tag of a valid image reference, if it has one. */
export function imageTag(value: string): string | undefined {
  const match = IMAGE_REF.exec(value);
  return match ? match[1] : undefined;
}

/** An absolute host path without `..` segments (hostPath volumes; the library's own rule). */
export function absoluteHostPath(value: string): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.split('/').includes('..') || value.includes('\0')) {
    return 'expected an absolute path starting with "/" and without ".." segments, e.g. "/var/log"';
  }
  // The library's path rules compare paths as text: "/var/log//pods" or "/var/./log" would
  // slip past them, though the node resolves them to the same directory.
  if (value.slice(1).replace(/\/$/, '').split('/').some((s) => s === '' || s === '.') && value !== '/') {
    return `expected a normalized path, without empty or "." segments (e.g. "${value.replace(/\/(\.\/)+/g, '/').replace(/\/{2,}/g, '/').replace(/\/\.$/, '')}")`;
  }
  return undefined;
}

/** validateMountPath: an absolute path inside the container, without `..` and not containing ":". */
export function containerMountPath(value: string): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.split('/').includes('..') || value.includes(':')) {
    return 'expected an absolute path inside the container, without ".." segments or ":", e.g. "/host/proc"';
  }
  return undefined;
}

/** A non-negative integer (seconds, counts) that fits the API's int32 fields. */
export function nonNegativeInteger(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
    return 'expected a non-negative integer (at most 2147483647)';
  }
  return undefined;
}

/** A Kubernetes resource quantity (resource.ParseQuantity), not negative (a resource amount). */
export function quantity(value: string): string | undefined {
  if (typeof value !== 'string' || parseQuantity(value) === undefined) {
    return 'expected a Kubernetes quantity such as "100m", "0.5", "64Mi" or "1Gi"';
  }
  if (value.startsWith('-')) {
    return 'expected a quantity of at least 0 (a resource amount cannot be negative)';
  }
  return undefined;
}

/**
 * The value of a quantity in milli-units (for comparing requests with limits), or undefined if
 * it is not one: the placement preview's parser, the one quantity grammar of the library.
 */
export function quantityValue(value: string): number | undefined {
  return quantity(value) === undefined ? parseQuantity(value, true) : undefined;
}
