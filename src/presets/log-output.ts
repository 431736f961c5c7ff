import { HEADER_NAME, HEADER_VALUE, HOST_NAME, INDEX_NAME, LOKI_DYNAMIC_LABELS, LOKI_LABEL_NAME, LOKI_LABEL_VALUE, LOKI_TENANT, lokiEndpoint, otlpEndpoint, SECRET_KEY } from './log-output-rules';
import { brand } from '../private/brand';
import * as rules from '../private/rules';
import { checkArgs } from '../private/shapes';

/** The kind of backend a `LogOutput` ships to. */
export enum LogOutputType {
  /** Elasticsearch (bulk API). */
  ELASTICSEARCH = 'elasticsearch',
  /** OpenSearch (bulk API). */
  OPENSEARCH = 'opensearch',
  /** Grafana Loki (push API). */
  LOKI = 'loki',
  /** The agent's own standard output, for trying the agent out. */
  STDOUT = 'stdout',
  /** OpenTelemetry (OTLP over HTTP, `/v1/logs`). */
  OTLP = 'otlp',
  /** An output the library does not model, written by the user for each flavor. */
  CUSTOM = 'custom',
}

/**
 * One key of a Secret in the agent's namespace. Its value reaches the agent through an
 * environment variable (`secretKeyRef`) or a mounted file, never through the ConfigMap.
 */
export interface LogSecretKey {
  /** The Secret's name (a DNS-1123 subdomain). */
  readonly name: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** Where and how to write to Elasticsearch or OpenSearch. */
export interface ElasticsearchOutputOptions {
  /**
   * The host name or IPv4 address of the cluster, without scheme or port
   * (e.g. "elasticsearch-master.logging.svc").
   */
  readonly host: string;

  /**
   * The HTTP port, 1-65535.
   *
   * @default 9200
   */
  readonly port?: number;

  /**
   * The index (or alias, or data stream) every log record is written to: lowercase letters,
   * digits, ".", "_" and "-", starting with a letter or digit. Roll it over on the cluster side
   * (ILM or ISM policy, index template).
   *
   * @default "kubernetes-logs"
   */
  readonly index?: string;

  /**
   * Talk HTTPS instead of HTTP.
   *
   * @default false
   */
  readonly tls?: boolean;

  /**
   * With `tls`, verify the server's certificate against the image's CA bundle. Turn it off only
   * for a self-signed test cluster.
   *
   * @default true
   */
  readonly tlsVerify?: boolean;

  /**
   * The name of a Secret in the agent's namespace with the keys `username` and `password`, used
   * for HTTP basic authentication (passed to the agent as the environment variables
   * LOG_OUTPUT_USERNAME and LOG_OUTPUT_PASSWORD, never written into the ConfigMap).
   *
   * @default - no authentication
   */
  readonly credentialsSecret?: string;

  /**
   * Elasticsearch only: an API key, sent as `Authorization: ApiKey <value>`. The Secret's key
   * holds the base64 `encoded` value that Elasticsearch's create-API-key call returns (the base64
   * of `id:api_key`), without a trailing newline. Passed as the environment variable
   * LOG_OUTPUT_API_KEY. Not together with `credentialsSecret`.
   *
   * @default - no API key
   */
  readonly apiKey?: LogSecretKey;

  /**
   * With `tls`, a PEM bundle of the certificate authorities that signed the server's certificate
   * (instead of the image's bundle), mounted read-only from the Secret at
   * /etc/log-output/ca/ca.crt.
   *
   * @default - the image's CA bundle
   */
  readonly caBundle?: LogSecretKey;
}

/** Where and how to push to Grafana Loki. */
export interface LokiOutputOptions {
  /**
   * The base URL of Loki (or its gateway): http:// or https://, a host, an optional port and an
   * optional path prefix, e.g. "http://loki-gateway.loki.svc:3100". The push path
   * `/loki/api/v1/push` is appended unless the URL already ends with it. HTTPS turns TLS on.
   */
  readonly url: string;

  /**
   * Static labels added to every stream (e.g. `{ cluster: 'prod-eu-1' }`). Every stream also gets
   * the labels `namespace`, `pod` and `container` from the Kubernetes metadata, so those names
   * are reserved. Names: letters, digits and "_", not starting with a digit or "__". Values:
   * letters, digits and `. _ - : / @ +`.
   *
   * @default - only namespace, pod and container
   */
  readonly labels?: { [name: string]: string };

  /**
   * The name of a Secret in the agent's namespace with the keys `username` and `password`
   * (e.g. a Grafana Cloud user and token), used for HTTP basic authentication via the
   * environment variables LOG_OUTPUT_USERNAME and LOG_OUTPUT_PASSWORD.
   *
   * @default - no authentication
   */
  readonly credentialsSecret?: string;

  /**
   * The tenant (sent as the `X-Scope-OrgID` header) of a multi-tenant Loki: 1-150 letters,
   * digits and `! - _ . * ( )`, not "." or "..".
   *
   * @default - no tenant header (single-tenant Loki)
   */
  readonly tenantId?: string;

  /**
   * A bearer token, sent as `Authorization: Bearer <token>`: Fluent Bit reads it from the
   * environment variable LOG_OUTPUT_BEARER_TOKEN, Fluentd from the Secret mounted at
   * /etc/log-output/token/token. Not together with `credentialsSecret`. The value must not end
   * with a newline (create the Secret with `--from-literal`, or from a file without one): both
   * agents send it as is.
   *
   * @default - no bearer token
   */
  readonly bearerToken?: LogSecretKey;

  /**
   * With an https:// URL, a PEM bundle of the certificate authorities that signed Loki's
   * certificate, mounted read-only from the Secret at /etc/log-output/ca/ca.crt.
   *
   * @default - the image's CA bundle
   */
  readonly caBundle?: LogSecretKey;
}

/** Where and how to send logs over OTLP/HTTP (e.g. to an OpenTelemetry Collector). */
export interface OtlpOutputOptions {
  /**
   * The base URL of the OTLP/HTTP receiver: http:// or https://, a host, an optional port and
   * path prefix, e.g. "http://otel-collector.observability.svc:4318". The logs path `/v1/logs`
   * is appended unless the URL already ends with it. HTTPS turns TLS on.
   */
  readonly url: string;

  /**
   * Static HTTP headers sent with every request (names: letters, digits and "-"; values: letters,
   * digits and `. _ - : / @ + = ,` and spaces). Put secrets in `bearerToken` or
   * `credentialsSecret` instead.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * A bearer token from a Secret, sent as `Authorization: Bearer <token>` (environment variable
   * LOG_OUTPUT_BEARER_TOKEN). Not together with `credentialsSecret`.
   *
   * @default - no bearer token
   */
  readonly bearerToken?: LogSecretKey;

  /**
   * The name of a Secret with the keys `username` and `password` for HTTP basic authentication
   * (environment variables LOG_OUTPUT_USERNAME and LOG_OUTPUT_PASSWORD).
   *
   * @default - no basic authentication
   */
  readonly credentialsSecret?: string;

  /**
   * With an https:// URL, a PEM bundle of the certificate authorities that signed the receiver's
   * certificate, mounted read-only from the Secret at /etc/log-output/ca/ca.crt.
   *
   * @default - the image's CA bundle
   */
  readonly caBundle?: LogSecretKey;
}

/**
 * An output the library does not model, written in each flavor's own format. Give the flavors
 * you use; the agent fails with a clear error for a flavor without text. Values that are secret
 * go in `secretEnv` and are referenced as `${NAME}` (Fluent Bit, Filebeat) or
 * `"#{ENV['NAME']}"` (Fluentd).
 */
export interface CustomLogOutputOptions {
  /**
   * Fluent Bit: the entries of the `[OUTPUT]` section, one `Key value` per line, including
   * `Name` (e.g. "Name kafka\nBrokers kafka:9092\nTopics logs"). `Match kube.*` is added unless
   * you give a `Match` or `Match_Regex`.
   *
   * @default - none: a Fluent Bit LogAgent rejects this output
   */
  readonly fluentBit?: string;

  /**
   * Fluentd: the body of the `<match kubernetes.**>` directive, including `@type` (and the
   * plugin must be in the image).
   *
   * @default - none: a Fluentd LogAgent rejects this output
   */
  readonly fluentd?: string;

  /**
   * Filebeat: the YAML of one `output.<type>` setting at the top level of filebeat.yml, e.g.
   * "output.kafka:\n  hosts: [\"kafka:9092\"]\n  topic: logs".
   *
   * @default - none: a Filebeat LogAgent rejects this output
   */
  readonly filebeat?: string;

  /**
   * Logstash: the body of the `output { }` section, one or more plugins, e.g.
   * "kafka {\n  bootstrap_servers => \"kafka:9092\"\n  topic_id => \"logs\"\n}" (the plugin must be in
   * the image). Secrets as `"${NAME}"` from `secretEnv`.
   *
   * @default - none: a Logstash LogAgent rejects this output
   */
  readonly logstash?: string;

  /**
   * OpenTelemetry Collector: the YAML of one exporter's settings (the value under
   * `exporters.<type>/custom`), with the exporter's type on the first line as a key, e.g.
   * "kafka:\n  brokers: [\"kafka:9092\"]\n  topic: logs". It is named `<type>/custom` and used by the
   * logs pipeline (and the metrics pipeline with `kubeletMetrics` or `hostMetrics`). Secrets as
   * `${env:NAME}` from `secretEnv`.
   *
   * @default - none: an OpenTelemetry Collector LogAgent rejects this output
   */
  readonly otelCollector?: string;

  /**
   * Environment variables for the agent, each from a key of a Secret (`secretKeyRef`), for the
   * secret values the output needs.
   *
   * @default - none
   */
  readonly secretEnv?: { [name: string]: LogSecretKey };
}

/**
 * Where the `LogAgent` ships the logs: Elasticsearch, OpenSearch, Loki, OTLP, the agent's stdout,
 * or `custom()` for any other backend. Every value is checked when the agent is created, and
 * written into the generated configuration of the chosen flavor; secrets reach the agent only
 * through environment variables from Secrets or Secrets mounted as files.
 */
export class LogOutput {
  /** Ships to Elasticsearch (bulk API), one index. */
  public static elasticsearch(options: ElasticsearchOutputOptions): LogOutput {
    checkArgs('LogOutput.elasticsearch', [options]);
    return LogOutput.search(LogOutputType.ELASTICSEARCH, options);
  }

  /** Ships to OpenSearch (bulk API), one index. Not supported by Filebeat, Logstash (official image) or the OpenTelemetry Collector flavor. */
  public static openSearch(options: ElasticsearchOutputOptions): LogOutput {
    checkArgs('LogOutput.openSearch', [options]);
    return LogOutput.search(LogOutputType.OPENSEARCH, options);
  }

  /**
   * Pushes to Grafana Loki. Not supported by Filebeat, Logstash (official image) or the OpenTelemetry
   * Collector (no Loki exporter: use `otlp` with Loki's OTLP endpoint); Fluentd needs an image with the Loki plugin.
   */
  public static loki(options: LokiOutputOptions): LogOutput {
    checkArgs('LogOutput.loki', [options]);
    const o = options ?? ({} as LokiOutputOptions);
    return new LogOutput(LogOutputType.LOKI, {
      url: o.url,
      labels: o.labels === undefined ? undefined : sortedCopy(o.labels),
      credentialsSecret: o.credentialsSecret,
      tenantId: o.tenantId,
      bearerToken: o.bearerToken,
      caBundle: o.caBundle,
    });
  }

  /**
   * Sends the logs over OTLP/HTTP (protobuf) to an OpenTelemetry Collector or any OTLP receiver.
   * Fluent Bit (`opentelemetry` output) and the OpenTelemetry Collector (`otlphttp` exporter,
   * logs and node metrics); Filebeat 8.17 and Logstash have no OTLP output, and the
   * fluentd-kubernetes-daemonset images have no OpenTelemetry plugin.
   */
  public static otlp(options: OtlpOutputOptions): LogOutput {
    checkArgs('LogOutput.otlp', [options]);
    const o = options ?? ({} as OtlpOutputOptions);
    return new LogOutput(LogOutputType.OTLP, {
      url: o.url,
      headers: o.headers === undefined ? undefined : sortedCopy(o.headers),
      credentialsSecret: o.credentialsSecret,
      bearerToken: o.bearerToken,
      caBundle: o.caBundle,
    });
  }

  /**
   * Writes every record as a JSON line to the agent's own stdout, so that `kubectl logs` shows
   * what would be shipped. For trying the agent out: the records end up in the node's log files
   * again (the agent never reads its own logs, so they do not loop).
   */
  public static stdout(): LogOutput {
    return new LogOutput(LogOutputType.STDOUT, {});
  }

  /**
   * An output the library does not model (Kafka, S3, Splunk, ...), written in each flavor's own
   * format. It is inserted as given: check it against the agent's documentation.
   */
  public static custom(options: CustomLogOutputOptions): LogOutput {
    checkArgs('LogOutput.custom', [options]);
    const o = options ?? ({} as CustomLogOutputOptions);
    return new LogOutput(LogOutputType.CUSTOM, {
      custom: { fluentBit: o.fluentBit, fluentd: o.fluentd, filebeat: o.filebeat, logstash: o.logstash, otelCollector: o.otelCollector },
      secretEnv: o.secretEnv === undefined ? undefined : { ...o.secretEnv },
    });
  }

  private static search(type: LogOutputType, options: ElasticsearchOutputOptions): LogOutput {
    const o = options ?? ({} as ElasticsearchOutputOptions);
    return new LogOutput(type, {
      host: o.host,
      port: o.port ?? 9200,
      index: o.index ?? 'kubernetes-logs',
      tls: o.tls ?? false,
      tlsVerify: o.tlsVerify ?? true,
      credentialsSecret: o.credentialsSecret,
      apiKey: o.apiKey,
      caBundle: o.caBundle,
    });
  }

  /** The kind of backend. */
  public readonly type: LogOutputType;
  /** Elasticsearch/OpenSearch: the host. */
  public readonly host?: string;
  /** Elasticsearch/OpenSearch: the port. */
  public readonly port?: number;
  /** Elasticsearch/OpenSearch: the index. */
  public readonly index?: string;
  /** Elasticsearch/OpenSearch: whether HTTPS is used. */
  public readonly tls?: boolean;
  /** Elasticsearch/OpenSearch: whether the server certificate is verified. */
  public readonly tlsVerify?: boolean;
  /** Loki, OTLP: the base URL. */
  public readonly url?: string;
  /** Loki: the static labels, sorted by name. */
  public readonly labels?: { [name: string]: string };
  /** The Secret with `username` and `password`, if the backend needs basic authentication. */
  public readonly credentialsSecret?: string;
  /** Elasticsearch: the Secret key with the encoded API key. */
  public readonly apiKey?: LogSecretKey;
  /** Loki, OTLP: the Secret key with the bearer token. */
  public readonly bearerToken?: LogSecretKey;
  /** The Secret key with the CA bundle (PEM), if not the image's. */
  public readonly caBundle?: LogSecretKey;
  /** Loki: the tenant (X-Scope-OrgID). */
  public readonly tenantId?: string;
  /** OTLP: the static headers, sorted by name. */
  public readonly headers?: { [name: string]: string };
  /** Custom: environment variables from Secrets. */
  public readonly secretEnv?: { [name: string]: LogSecretKey };
  /** Custom: the text per flavor. @internal */
  public readonly _custom?: CustomTexts;

  private constructor(type: LogOutputType, fields: OutputFields) {
    this.type = type;
    this.host = fields.host;
    this.port = fields.port;
    this.index = fields.index;
    this.tls = fields.tls;
    this.tlsVerify = fields.tlsVerify;
    this.url = fields.url;
    this.labels = fields.labels;
    this.credentialsSecret = fields.credentialsSecret;
    this.apiKey = fields.apiKey;
    this.bearerToken = fields.bearerToken;
    this.caBundle = fields.caBundle;
    this.tenantId = fields.tenantId;
    this.headers = fields.headers;
    this.secretEnv = fields.secretEnv;
    this._custom = fields.custom;
  }

  /** What is wrong with this output, as `[field, value, allowed]` triples. @internal */
  public _problems(): Array<[string, unknown, string]> {
    const problems: Array<[string, unknown, string]> = [];
    const add = (field: string, value: unknown, allowed: string | undefined) => {
      if (allowed !== undefined) {
        problems.push([field, value, allowed]);
      }
    };
    const secretKey = (field: string, ref: LogSecretKey | undefined) => {
      if (ref === undefined) {
        return;
      }
      if (ref === null || typeof ref !== 'object') {
        add(field, ref, 'expected { name, key }: a Secret in the agent\'s namespace and one of its keys');
        return;
      }
      add(`${field}.name`, ref.name, typeof ref.name === 'string' ? rules.dns1123Subdomain(ref.name) : 'expected a Secret name');
      add(`${field}.key`, ref.key, typeof ref.key === 'string' && SECRET_KEY.test(ref.key) ? undefined
        : 'expected a Secret key: 1-253 letters, digits, "-", "_" and "."');
    };
    if (this.type === LogOutputType.ELASTICSEARCH || this.type === LogOutputType.OPENSEARCH) {
      add('host', this.host, typeof this.host === 'string' && HOST_NAME.test(this.host) ? undefined
        : 'expected a host name or IPv4 address without scheme, port or path, e.g. "elasticsearch-master.logging.svc" (set `port` and `tls` separately)');
      add('port', this.port, rules.portNumber(this.port!));
      add('index', this.index, typeof this.index === 'string' && INDEX_NAME.test(this.index) ? undefined
        : 'expected an index name: 1-255 lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. "kubernetes-logs")');
      add('tls', this.tls, typeof this.tls === 'boolean' ? undefined : 'expected true or false');
      add('tlsVerify', this.tlsVerify, typeof this.tlsVerify === 'boolean' ? undefined : 'expected true or false');
      if (this.tls === false && this.tlsVerify === false) {
        add('tlsVerify', false, 'certificate verification only applies with `tls: true`; remove tlsVerify or turn tls on');
      }
      if (this.apiKey !== undefined && this.type === LogOutputType.OPENSEARCH) {
        add('apiKey', this.apiKey, 'OpenSearch has no API keys (an Elasticsearch feature); use credentialsSecret');
      }
      if (this.caBundle !== undefined && this.tls !== true) {
        add('caBundle', this.caBundle, 'a CA bundle only applies with `tls: true`');
      }
      if (this.caBundle !== undefined && this.tlsVerify === false) {
        add('caBundle', this.caBundle, 'a CA bundle verifies the server; it contradicts `tlsVerify: false`');
      }
    }
    if (this.type === LogOutputType.LOKI) {
      const endpoint = lokiEndpoint(this.url);
      add('url', this.url, endpoint === undefined
        ? 'expected an http:// or https:// URL of Loki without credentials, query or fragment, e.g. "http://loki-gateway.loki.svc:3100" (the push path /loki/api/v1/push is appended)'
        : undefined);
      for (const [name, value] of Object.entries(this.labels ?? {})) {
        if (!LOKI_LABEL_NAME.test(name) || name.startsWith('__')) {
          add(`labels.${name}`, name, 'expected a Loki label name: letters, digits and "_", not starting with a digit or "__"');
        } else if (LOKI_DYNAMIC_LABELS.includes(name)) {
          add(`labels.${name}`, name, `the agent sets ${LOKI_DYNAMIC_LABELS.join(', ')} from the Kubernetes metadata; choose another name`);
        }
        if (typeof value !== 'string' || !LOKI_LABEL_VALUE.test(value)) {
          add(`labels.${name}`, value, 'expected a label value of 1-1024 letters, digits and ". _ - : / @ +"');
        }
      }
      if (this.tenantId !== undefined) {
        add('tenantId', this.tenantId, typeof this.tenantId === 'string' && LOKI_TENANT.test(this.tenantId) && this.tenantId !== '.' && this.tenantId !== '..' ? undefined
          : 'expected a Loki tenant ID: 1-150 letters, digits and "! - _ . * ( )", not "." or ".."');
      }
      if (this.caBundle !== undefined && endpoint !== undefined && !endpoint.tls) {
        add('caBundle', this.caBundle, 'a CA bundle only applies to an https:// URL');
      }
    }
    if (this.type === LogOutputType.OTLP) {
      const endpoint = otlpEndpoint(this.url);
      add('url', this.url, endpoint === undefined
        ? 'expected an http:// or https:// URL of an OTLP/HTTP receiver without credentials, query or fragment, e.g. "http://otel-collector.observability.svc:4318" (the path /v1/logs is appended)'
        : undefined);
      for (const [name, value] of Object.entries(this.headers ?? {})) {
        add(`headers.${name}`, name, HEADER_NAME.test(name) ? undefined : 'expected an HTTP header name: letters, digits and "-"');
        if (name.toLowerCase() === 'authorization') {
          add(`headers.${name}`, name, 'credentials do not belong in the ConfigMap; use bearerToken or credentialsSecret');
        }
        add(`headers.${name}`, value, typeof value === 'string' && HEADER_VALUE.test(value) ? undefined
          : 'expected a header value of 1-1024 letters, digits, spaces and ". _ - : / @ + = ,"');
      }
      if (this.caBundle !== undefined && endpoint !== undefined && !endpoint.tls) {
        add('caBundle', this.caBundle, 'a CA bundle only applies to an https:// URL');
      }
    }
    if (this.type === LogOutputType.CUSTOM) {
      const custom = this._custom ?? {};
      if (Object.values(custom).every((t) => t === undefined)) {
        add('custom', undefined, 'expected the output for at least one flavor: fluentBit, fluentd, filebeat, logstash or otelCollector');
      }
      for (const [flavor, text] of Object.entries(custom)) {
        if (text !== undefined && (typeof text !== 'string' || text.trim() === '')) {
          add(flavor, text, 'expected the output\'s configuration text');
        }
      }
      for (const [name, ref] of Object.entries(this.secretEnv ?? {})) {
        // A C identifier: referenced as ${NAME} or ENV['NAME'] inside the agent's configuration.
        add(`secretEnv.${name}`, name, /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? undefined
          : 'expected an environment variable name of letters, digits and "_", not starting with a digit (it is referenced as ${NAME} in the configuration)');
        secretKey(`secretEnv.${name}`, ref);
      }
    }
    if (this.credentialsSecret !== undefined) {
      add('credentialsSecret', this.credentialsSecret, rules.dns1123Subdomain(this.credentialsSecret));
      if (this.apiKey !== undefined || this.bearerToken !== undefined) {
        add('credentialsSecret', this.credentialsSecret, `choose one authentication: credentialsSecret or ${this.apiKey !== undefined ? 'apiKey' : 'bearerToken'}`);
      }
    }
    secretKey('apiKey', this.apiKey);
    secretKey('bearerToken', this.bearerToken);
    secretKey('caBundle', this.caBundle);
    return problems;
  }
}
brand(LogOutput, 'LogOutput');

/** A custom output's text per flavor (module-private). */
interface CustomTexts {
  readonly fluentBit?: string;
  readonly fluentd?: string;
  readonly filebeat?: string;
  readonly logstash?: string;
  readonly otelCollector?: string;
}

/** The values a factory sets (module-private). */
interface OutputFields {
  readonly host?: string;
  readonly port?: number;
  readonly index?: string;
  readonly tls?: boolean;
  readonly tlsVerify?: boolean;
  readonly url?: string;
  readonly labels?: { [name: string]: string };
  readonly credentialsSecret?: string;
  readonly apiKey?: LogSecretKey;
  readonly bearerToken?: LogSecretKey;
  readonly caBundle?: LogSecretKey;
  readonly tenantId?: string;
  readonly headers?: { [name: string]: string };
  readonly secretEnv?: { [name: string]: LogSecretKey };
  readonly custom?: CustomTexts;
}

function sortedCopy(map: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
}
