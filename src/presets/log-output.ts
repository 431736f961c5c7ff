import { HOST_NAME, INDEX_NAME, LOKI_DYNAMIC_LABELS, LOKI_LABEL_NAME, LOKI_LABEL_VALUE, lokiEndpoint } from './log-output-rules';
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
}

/**
 * Where the `LogAgent` ships the logs: Elasticsearch, OpenSearch, Loki, or the agent's stdout.
 * Every value is checked when the agent is created, and written into the generated configuration
 * of the chosen flavor. For any other backend, write the configuration yourself
 * (`LogAgentProps.configOverride`).
 */
export class LogOutput {
  /** Ships to Elasticsearch (bulk API), one index. */
  public static elasticsearch(options: ElasticsearchOutputOptions): LogOutput {
    checkArgs('LogOutput.elasticsearch', [options]);
    return LogOutput.search(LogOutputType.ELASTICSEARCH, options);
  }

  /** Ships to OpenSearch (bulk API), one index. Not supported by Filebeat. */
  public static openSearch(options: ElasticsearchOutputOptions): LogOutput {
    checkArgs('LogOutput.openSearch', [options]);
    return LogOutput.search(LogOutputType.OPENSEARCH, options);
  }

  /** Pushes to Grafana Loki. Not supported by Filebeat; Fluentd needs an image with the Loki plugin. */
  public static loki(options: LokiOutputOptions): LogOutput {
    checkArgs('LogOutput.loki', [options]);
    const o = options ?? ({} as LokiOutputOptions);
    return new LogOutput(LogOutputType.LOKI, {
      url: o.url,
      labels: o.labels === undefined ? undefined : sortedCopy(o.labels),
      credentialsSecret: o.credentialsSecret,
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

  private static search(type: LogOutputType, options: ElasticsearchOutputOptions): LogOutput {
    const o = options ?? ({} as ElasticsearchOutputOptions);
    return new LogOutput(type, {
      host: o.host,
      port: o.port ?? 9200,
      index: o.index ?? 'kubernetes-logs',
      tls: o.tls ?? false,
      tlsVerify: o.tlsVerify ?? true,
      credentialsSecret: o.credentialsSecret,
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
  /** Loki: the base URL. */
  public readonly url?: string;
  /** Loki: the static labels, sorted by name. */
  public readonly labels?: { [name: string]: string };
  /** The Secret with `username` and `password`, if the backend needs authentication. */
  public readonly credentialsSecret?: string;

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
  }

  /** What is wrong with this output, as `[field, value, allowed]` triples. @internal */
  public _problems(): Array<[string, unknown, string]> {
    const problems: Array<[string, unknown, string]> = [];
    const add = (field: string, value: unknown, allowed: string | undefined) => {
      if (allowed !== undefined) {
        problems.push([field, value, allowed]);
      }
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
    }
    if (this.type === LogOutputType.LOKI) {
      add('url', this.url, lokiEndpoint(this.url) === undefined
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
    }
    if (this.credentialsSecret !== undefined) {
      add('credentialsSecret', this.credentialsSecret, rules.dns1123Subdomain(this.credentialsSecret));
    }
    return problems;
  }
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
}

function sortedCopy(map: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
}
