/**
 * Checks and parsing for `LogOutput` values (internal: not exported from the package).
 * Every value ends up inside a generated config file, so anything that could break out of a
 * value in Fluent Bit's, Fluentd's or Filebeat's format (newlines, quotes, backslashes,
 * `${...}` and `#{...}` interpolation) is rejected by these rules.
 */

/** The labels every Loki stream gets from the Kubernetes metadata (so their names are reserved). */
export const LOKI_DYNAMIC_LABELS = ['namespace', 'pod', 'container'];

/** The push path Loki serves. */
export const LOKI_PUSH_PATH = '/loki/api/v1/push';

/** A host name (RFC 1123) or an IPv4 address. */
export const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A subset of Elasticsearch's index names that is safe in every config format. */
export const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,254}$/;

/** Loki's label names (Prometheus' rule). */
export const LOKI_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label values safe in Fluent Bit's comma-separated `Labels` and Fluentd's JSON `extra_labels`. */
export const LOKI_LABEL_VALUE = /^[A-Za-z0-9._:/@+-]{1,1024}$/;

const SAFE_URL = /^https?:\/\/[A-Za-z0-9._~:/@%+=,-]+$/;

/** Loki's tenant IDs (pkg/util/validation: alphanumerics and ! - _ . * ' ( ), at most 150), less the quote. */
export const LOKI_TENANT = /^[A-Za-z0-9!._*()-]{1,150}$/;

/** HTTP header names (RFC 9110 tokens, the common subset). */
export const HEADER_NAME = /^[A-Za-z0-9-]{1,256}$/;

/** Header values safe in every config format (no quotes, "$", "#", newlines or backslashes). */
export const HEADER_VALUE = /^[A-Za-z0-9._:/@+=, -]{1,1024}$/;

/** Secret keys (IsConfigMapKey). */
export const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** The path OTLP/HTTP receivers serve logs on. */
export const OTLP_LOGS_PATH = '/v1/logs';

/** A Loki URL split the way the agents need it. */
export interface LokiEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The base URL without the push path (Fluentd's loki plugin appends it itself). */
  readonly baseUrl: string;
  /** The full path of the push API. */
  readonly pushPath: string;
}

/** Parses a Loki base URL, or returns undefined if it is not one. */
export function lokiEndpoint(url: unknown): LokiEndpoint | undefined {
  const parsed = parseSafeUrl(url);
  if (parsed === undefined) {
    return undefined;
  }
  const tls = parsed.protocol === 'https:';
  const path = parsed.pathname.replace(/\/+$/, '');
  const prefix = path.endsWith(LOKI_PUSH_PATH) ? path.slice(0, -LOKI_PUSH_PATH.length) : path;
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? (tls ? 443 : 80) : Number(parsed.port),
    tls,
    baseUrl: `${parsed.protocol}//${parsed.host}${prefix}`,
    pushPath: `${prefix}${LOKI_PUSH_PATH}`,
  };
}

/** An OTLP/HTTP URL split the way Fluent Bit needs it. */
export interface OtlpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** The full path of the logs endpoint. */
  readonly logsPath: string;
}

/** Parses an OTLP/HTTP base URL, or returns undefined if it is not one. */
export function otlpEndpoint(url: unknown): OtlpEndpoint | undefined {
  const parsed = parseSafeUrl(url);
  if (parsed === undefined) {
    return undefined;
  }
  const tls = parsed.protocol === 'https:';
  const path = parsed.pathname.replace(/\/+$/, '');
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? (tls ? 443 : 80) : Number(parsed.port),
    tls,
    logsPath: path.endsWith(OTLP_LOGS_PATH) ? path : `${path}${OTLP_LOGS_PATH}`,
  };
}

function parseSafeUrl(url: unknown): URL | undefined {
  if (typeof url !== 'string' || !SAFE_URL.test(url)) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== ''
    || !HOST_NAME.test(parsed.hostname)) {
    return undefined;
  }
  return parsed;
}
