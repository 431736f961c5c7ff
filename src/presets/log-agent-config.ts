import { LogFlavorProfile, OTEL_CONFIG_DIRECTORY } from './log-agent-profile';
import { LogFilter, LogFilterType } from './log-filter';
import { LogFlavor } from './log-flavor';
import { LogOutput, LogOutputType } from './log-output';
import { LOKI_DYNAMIC_LABELS, lokiEndpoint, OTLP_LOGS_PATH, otlpEndpoint } from './log-output-rules';
import { yamlParser } from '../private/yaml';

/**
 * The generated configuration of each `LogFlavor` (internal: not exported from the package).
 * Every file is a pure function of its inputs, written in a fixed order, so that the ConfigMap
 * and its checksum are byte-identical on every synth.
 *
 * All three do the same thing:
 *  - tail `/var/log/containers/*.log` (symlinks into `/var/log/pods`, where containerd and CRI-O
 *    write), reading each file from its start the first time and from the saved position after a
 *    restart (the position store lives in the state directory);
 *  - skip the agent's own log files, so that its own output (stdout output, error messages) never
 *    loops back into it;
 *  - parse both the CRI format (`<time> <stream> <P|F> <log>`, joining partial lines) and
 *    Docker's json-file format;
 *  - add Kubernetes metadata (pod, namespace, container, labels) from the API server;
 *  - ship to the typed `LogOutput`, retrying forever, and flush buffers on SIGTERM within the
 *    pod's termination grace period.
 */

/** The files the agents tail. */
export const CONTAINER_LOGS = '/var/log/containers/*.log';

/** The environment variables that carry the output's credentials (from `credentialsSecret`). */
export const USERNAME_ENV = 'LOG_OUTPUT_USERNAME';
export const PASSWORD_ENV = 'LOG_OUTPUT_PASSWORD';
/** The environment variable with the Elasticsearch API key (from `apiKey`). */
export const API_KEY_ENV = 'LOG_OUTPUT_API_KEY';
/** The environment variable with the bearer token (from `bearerToken`; Fluent Bit). */
export const BEARER_TOKEN_ENV = 'LOG_OUTPUT_BEARER_TOKEN';
/** Where Secrets with files are mounted: the CA bundle, and the bearer token for Fluentd. */
export const CA_DIRECTORY = '/etc/log-output/ca';
export const CA_FILE = `${CA_DIRECTORY}/ca.crt`;
export const TOKEN_DIRECTORY = '/etc/log-output/token';
export const TOKEN_FILE = `${TOKEN_DIRECTORY}/token`;

/** Filebeat reads a file once it holds this many bytes (its fingerprint; 64 is Filebeat's minimum). */
export const FILEBEAT_FINGERPRINT_LENGTH = 64;

/** What the configuration depends on. */
export interface LogConfigContext {
  readonly profile: LogFlavorProfile;
  readonly output: LogOutput;
  /** The DaemonSet's name, namespace and main container name (to skip the agent's own logs). */
  readonly name: string;
  readonly namespace: string;
  readonly containerName: string;
  /** Seconds the agent may spend flushing after SIGTERM (below the termination grace period). */
  readonly flushSeconds: number;
  /** Namespaces whose log files are never read. */
  readonly excludeNamespaces: string[];
  /** The user's filters, after the Kubernetes metadata. */
  readonly filters: LogFilter[];
  /** Serve Prometheus metrics (Fluentd: the prometheus input; Fluent Bit always serves them). */
  readonly metrics: boolean;
  /** OpenTelemetry Collector: the kubeletstats receiver. */
  readonly kubeletMetrics?: boolean;
  /** OpenTelemetry Collector: the hostmetrics receiver. */
  readonly hostMetrics?: boolean;
}

/** The ConfigMap data (file name to content) for a flavor. */
export function renderLogConfig(ctx: LogConfigContext): { [file: string]: string } {
  switch (ctx.profile.flavor) {
    case LogFlavor.FLUENT_BIT:
      return { [ctx.profile.mainConfigFile]: fluentBit(ctx) };
    case LogFlavor.FLUENTD:
      return { [ctx.profile.mainConfigFile]: fluentd(ctx) };
    case LogFlavor.LOGSTASH:
      return { [ctx.profile.mainConfigFile]: logstash(ctx), [ctx.profile.settingsFile!.file]: logstashSettings(ctx) };
    case LogFlavor.OTEL_COLLECTOR:
      return { [ctx.profile.mainConfigFile]: otelCollector(ctx) };
    case LogFlavor.FILEBEAT:
    default:
      return { [ctx.profile.mainConfigFile]: filebeat(ctx) };
  }
}

/** The glob of the agent's own log files: pods are named `<daemonset>-<suffix>`. */
export function ownLogsGlob(ctx: { name: string; namespace: string; containerName: string }): string {
  return `/var/log/containers/${ctx.name}-*_${ctx.namespace}_${ctx.containerName}-*.log`;
}

/**
 * The globs of the files never read: the agent's own, and every file of an excluded namespace.
 * The kubelet names the files `<pod>_<namespace>_<container>-<id>.log`, and neither pod nor
 * container names may contain "_", so `*_<namespace>_*` matches that namespace only.
 */
export function excludedGlobs(ctx: LogConfigContext): string[] {
  return [ownLogsGlob(ctx), ...ctx.excludeNamespaces.map((ns) => `/var/log/containers/*_${ns}_*.log`)];
}

/**
 * What is wrong with a user's custom output or filter text for a flavor, or undefined. The text
 * is inserted as given; these checks keep it inside its own section or directive.
 */
export function customTextProblem(flavor: LogFlavor, text: string, kind: 'output' | 'filter'): string | undefined {
  switch (flavor) {
    case LogFlavor.FLUENT_BIT: {
      const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
      const bad = lines.find((l) => l.startsWith('[') || l.startsWith('@') || !/^\S+\s+\S/.test(l));
      if (bad !== undefined) {
        return `expected one "Key value" per line of the [${kind.toUpperCase()}] section (no section headers or @ directives), got ${JSON.stringify(bad)}`;
      }
      return lines.some((l) => /^name\s/i.test(l)) ? undefined : 'expected a "Name <plugin>" line';
    }
    case LogFlavor.FLUENTD: {
      const stack: string[] = [];
      for (const line of text.split('\n').map((l) => l.trim())) {
        const open = /^<([A-Za-z_]+)[^>]*>$/.exec(line);
        const close = /^<\/([A-Za-z_]+)>$/.exec(line);
        if (close) {
          if (stack.pop() !== close[1]) {
            return `the directives are not balanced at ${JSON.stringify(line)}`;
          }
        } else if (open) {
          stack.push(open[1]);
        }
      }
      if (stack.length > 0) {
        return `<${stack[stack.length - 1]}> is never closed`;
      }
      return /^\s*@type\s+\S+/m.test(text) ? undefined : 'expected an "@type <plugin>" line';
    }
    case LogFlavor.LOGSTASH:
      return logstashTextProblem(text);
    case LogFlavor.OTEL_COLLECTOR: {
      const parsed = otelComponent(text);
      return typeof parsed === 'string' ? parsed : undefined;
    }
    case LogFlavor.FILEBEAT:
    default: {
      const doc = yamlParser().parseDocument(text, { uniqueKeys: true });
      const value = doc.errors.length > 0 ? undefined : doc.toJS();
      if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1) {
        return kind === 'output'
          ? 'expected YAML with one top-level setting, "output.<type>:" (e.g. "output.kafka:\\n  hosts: [...]")'
          : 'expected the YAML of one processor, a mapping with one key (e.g. "drop_fields:\\n  fields: [...]")';
      }
      const key = Object.keys(value)[0];
      if (kind === 'output' && !/^output\.[a-z_]+$/.test(key)) {
        return `expected the output setting "output.<type>", got ${JSON.stringify(key)}`;
      }
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fluent Bit (classic format)

function fluentBit(ctx: LogConfigContext): string {
  const { profile, output } = ctx;
  const sections = [
    section('SERVICE', [
      ['Daemon', 'Off'],
      ['Flush', '1'],
      // Seconds to flush pending chunks after SIGTERM.
      ['Grace', String(ctx.flushSeconds)],
      ['Log_Level', 'info'],
      ['Parsers_File', '/fluent-bit/etc/parsers.conf'],
      ['HTTP_Server', 'On'],
      ['HTTP_Listen', '0.0.0.0'],
      ['HTTP_Port', String(profile.httpPort)],
      ['Health_Check', 'On'],
      ['HC_Errors_Count', '5'],
      ['HC_Retry_Failure_Count', '5'],
      ['HC_Period', '60'],
    ]),
    section('INPUT', [
      ['Name', 'tail'],
      ['Tag', 'kube.*'],
      ['Path', CONTAINER_LOGS],
      ['Exclude_Path', excludedGlobs(ctx).join(',')],
      // Built-in multiline parsers: Docker json-file and CRI (joins partial "P" lines).
      ['multiline.parser', 'docker, cri'],
      ['DB', `${profile.stateDirectory}/tail-containers.db`],
      ['DB.locking', 'true'],
      ['Read_from_Head', 'On'],
      ['Refresh_Interval', '10'],
      ['Mem_Buf_Limit', '5MB'],
      ['Skip_Long_Lines', 'On'],
    ]),
    section('FILTER', [
      ['Name', 'kubernetes'],
      ['Match', 'kube.*'],
      ['Merge_Log', 'On'],
      ['Keep_Log', 'Off'],
      ['K8S-Logging.Parser', 'On'],
      ['K8S-Logging.Exclude', 'On'],
    ]),
    ...ctx.filters.map((f) => section('FILTER', fluentBitFilter(f))),
    section('OUTPUT', fluentBitOutput(output)),
  ];
  return sections.join('\n');
}

function fluentBitFilter(filter: LogFilter): Array<[string, string]> {
  if (filter.type === LogFilterType.ADD_FIELDS) {
    return [['Name', 'modify'], ['Match', 'kube.*'], ...Object.entries(filter.fields!).map(([k, v]): [string, string] => ['Add', `${k} ${v}`])];
  }
  return withMatch(filter._custom.fluentBit!);
}

/** A user's "Key value" lines as entries, with `Match kube.*` unless they match themselves. */
function withMatch(text: string): Array<[string, string]> {
  const entries = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    .map((l): [string, string] => [l.split(/\s+/)[0], l.slice(l.split(/\s+/)[0].length).trim()]);
  const name = entries.filter(([k]) => k.toLowerCase() === 'name');
  const rest = entries.filter(([k]) => k.toLowerCase() !== 'name');
  const match: Array<[string, string]> = rest.some(([k]) => /^match(_regex)?$/i.test(k)) ? [] : [['Match', 'kube.*']];
  return [...name, ...match, ...rest];
}

function fluentBitOutput(output: LogOutput): Array<[string, string]> {
  const credentials: Array<[string, string]> = output.credentialsSecret === undefined ? []
    : [['HTTP_User', `\${${USERNAME_ENV}}`], ['HTTP_Passwd', `\${${PASSWORD_ENV}}`]];
  const ca: Array<[string, string]> = output.caBundle === undefined ? [] : [['tls.ca_file', CA_FILE]];
  switch (output.type) {
    case LogOutputType.ELASTICSEARCH:
    case LogOutputType.OPENSEARCH:
      return [
        ['Name', output.type === LogOutputType.ELASTICSEARCH ? 'es' : 'opensearch'],
        ['Match', 'kube.*'],
        ['Host', output.host!],
        ['Port', String(output.port)],
        ['Index', output.index!],
        // No mapping types since Elasticsearch 8 / OpenSearch 2.
        ['Suppress_Type_Name', 'On'],
        // Label keys such as app.kubernetes.io/name would clash with object mappings.
        ['Replace_Dots', 'On'],
        ['Retry_Limit', 'False'],
        ...tlsEntries(output.tls!, output.tlsVerify!),
        ...ca,
        ...credentials,
        ...(output.apiKey === undefined ? [] : [['HTTP_API_Key', `\${${API_KEY_ENV}}`] as [string, string]]),
      ];
    case LogOutputType.LOKI: {
      const loki = lokiEndpoint(output.url)!;
      const labels = [
        ...Object.entries(output.labels ?? {}).map(([k, v]) => `${k}=${v}`),
        "namespace=$kubernetes['namespace_name']",
        "pod=$kubernetes['pod_name']",
        "container=$kubernetes['container_name']",
      ];
      return [
        ['Name', 'loki'],
        ['Match', 'kube.*'],
        ['Host', loki.host],
        ['Port', String(loki.port)],
        ['Uri', loki.pushPath],
        ['Labels', labels.join(', ')],
        ['Line_Format', 'json'],
        ...(output.tenantId === undefined ? [] : [['Tenant_ID', output.tenantId] as [string, string]]),
        ['Retry_Limit', 'False'],
        ...tlsEntries(loki.tls, true),
        ...ca,
        ...credentials,
        ...(output.bearerToken === undefined ? [] : [['Bearer_Token', `\${${BEARER_TOKEN_ENV}}`] as [string, string]]),
      ];
    }
    case LogOutputType.OTLP: {
      const otlp = otlpEndpoint(output.url)!;
      return [
        ['Name', 'opentelemetry'],
        ['Match', 'kube.*'],
        ['Host', otlp.host],
        ['Port', String(otlp.port)],
        ['Logs_URI', otlp.logsPath],
        ...Object.entries(output.headers ?? {}).map(([k, v]): [string, string] => ['Header', `${k} ${v}`]),
        ...(output.bearerToken === undefined ? [] : [['Header', `Authorization Bearer \${${BEARER_TOKEN_ENV}}`] as [string, string]]),
        ['Retry_Limit', 'False'],
        ...tlsEntries(otlp.tls, true),
        ...ca,
        ...credentials,
      ];
    }
    case LogOutputType.CUSTOM:
      return withMatch(output._custom!.fluentBit!);
    case LogOutputType.STDOUT:
    default:
      return [
        ['Name', 'stdout'],
        ['Match', 'kube.*'],
        ['Format', 'json_lines'],
      ];
  }
}

function tlsEntries(tls: boolean, verify: boolean): Array<[string, string]> {
  return tls ? [['tls', 'On'], ['tls.verify', verify ? 'On' : 'Off']] : [['tls', 'Off']];
}

function section(name: string, entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return `[${name}]\n${entries.map(([k, v]) => `    ${k.padEnd(width)} ${v}`).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Fluentd

function fluentd(ctx: LogConfigContext): string {
  const { profile, output } = ctx;
  return [
    block('source', [
      '@type monitor_agent',
      '@id in_monitor_agent',
      'bind 0.0.0.0',
      `port ${profile.httpPort}`,
      // The plugin configuration may hold endpoints; the probes only need the status.
      'include_config false',
    ]),
    // Prometheus metrics as the image's own prometheus.conf serves them (fluent-plugin-prometheus).
    ...(ctx.metrics ? [
      block('source', ['@type prometheus', '@id in_prometheus', 'bind 0.0.0.0', `port ${profile.metricsPort}`, `metrics_path ${profile.metricsPath}`]),
      block('source', ['@type prometheus_output_monitor', '@id in_prometheus_output_monitor']),
    ] : []),
    block('source', [
      '@type tail',
      '@id in_tail_container_logs',
      `path ${CONTAINER_LOGS}`,
      `exclude_path ${JSON.stringify(excludedGlobs(ctx))}`,
      `pos_file ${profile.stateDirectory}/containers.log.pos`,
      'tag kubernetes.*',
      'read_from_head true',
      'follow_inodes true',
      'refresh_interval 10',
      // Docker json-file first, then CRI ("<time> <stream> <P|F> <log>"); both yield `log`.
      block('parse', [
        '@type multi_format',
        block('pattern', [
          'format json',
          'time_key time',
          'time_type string',
          'time_format %Y-%m-%dT%H:%M:%S.%NZ',
        ]),
        block('pattern', [
          'format regexp',
          'expression /^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<log>.*)$/',
          // The same time format as fluent-plugin-parser-cri (%z reads both "Z" and "+00:00").
          'time_format %Y-%m-%dT%H:%M:%S.%L%z',
        ]),
      ]),
    ]),
    // CRI splits long lines into "P" parts ending with an "F" part; Docker records have no logtag
    // and pass through unchanged.
    block('filter kubernetes.**', [
      '@type concat',
      '@id filter_concat_cri_partials',
      'key log',
      'partial_key logtag',
      'partial_value P',
      'separator ""',
      'stream_identity_key stream',
    ]),
    block('filter kubernetes.**', [
      '@type kubernetes_metadata',
      '@id filter_kubernetes_metadata',
    ]),
    ...ctx.filters.map((f) => block('filter kubernetes.**', fluentdFilter(f))),
    block('match kubernetes.**', fluentdOutput(output)),
    // Fluentd's own log events (tag fluent.*) go to this label and are dropped here, so they can
    // never reach an output that matches them (they still go to the container's stdout).
    block('label @FLUENT_LOG', [
      block('match fluent.**', ['@type null', '@id ignore_fluent_logs']),
    ]),
  ].join('\n\n') + '\n';
}

function fluentdFilter(filter: LogFilter): string[] {
  if (filter.type === LogFilterType.ADD_FIELDS) {
    return ['@type record_transformer', block('record', Object.entries(filter.fields!).map(([k, v]) => `${k} ${v}`))];
  }
  return userLines(filter._custom.fluentd!);
}

/** A user's directive body as lines, re-indented under the enclosing directive. */
function userLines(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(Math.min(indent, /^ */.exec(l)![0].length)));
}

function fluentdOutput(output: LogOutput): string[] {
  // fluent-plugin-elasticsearch and -opensearch call the user `user`, the Loki plugin `username`.
  const credentials = (userKey: string) => (output.credentialsSecret === undefined ? []
    : [`${userKey} "#{ENV['${USERNAME_ENV}']}"`, `password "#{ENV['${PASSWORD_ENV}']}"`]);
  const buffer = block('buffer', [
    'flush_mode interval',
    'flush_interval 5s',
    'flush_thread_count 2',
    'flush_at_shutdown true',
    'chunk_limit_size 2M',
    'total_limit_size 64M',
    // A full buffer pauses the tail input instead of dropping records.
    'overflow_action block',
    'retry_forever true',
    'retry_max_interval 30',
  ]);
  switch (output.type) {
    case LogOutputType.ELASTICSEARCH:
    case LogOutputType.OPENSEARCH: {
      const es = output.type === LogOutputType.ELASTICSEARCH;
      return [
        `@type ${es ? 'elasticsearch' : 'opensearch'}`,
        `@id out_${output.type}`,
        `host ${output.host}`,
        `port ${output.port}`,
        `scheme ${output.tls ? 'https' : 'http'}`,
        ...(output.tls ? [`ssl_verify ${output.tlsVerify}`] : []),
        `index_name ${output.index}`,
        ...credentials('user'),
        // The header carries the encoded key as is (the plugin's own api_key would encode it again).
        ...(output.apiKey === undefined ? [] : [`custom_headers "{\\"Authorization\\":\\"ApiKey #{ENV['${API_KEY_ENV}']}\\"}"`]),
        ...(output.caBundle === undefined ? [] : [`ca_file ${CA_FILE}`]),
        // Behind a Kubernetes Service: never sniff node addresses, reconnect on errors.
        'reload_connections false',
        'reconnect_on_error true',
        'reload_on_failure true',
        buffer,
      ];
    }
    case LogOutputType.LOKI: {
      const loki = lokiEndpoint(output.url)!;
      return [
        '@type loki',
        '@id out_loki',
        `url "${loki.baseUrl}"`,
        ...credentials('username'),
        ...(output.tenantId === undefined ? [] : [`tenant "${output.tenantId}"`]),
        ...(output.bearerToken === undefined ? [] : [`bearer_token_file ${TOKEN_FILE}`]),
        ...(output.caBundle === undefined ? [] : [`ca_cert ${CA_FILE}`]),
        `extra_labels ${JSON.stringify(output.labels ?? {})}`,
        'line_format json',
        block('label', LOKI_DYNAMIC_LABELS.map((l) => `${l} $.kubernetes.${l}_name`)),
        buffer,
      ];
    }
    case LogOutputType.CUSTOM:
      return userLines(output._custom!.fluentd!);
    case LogOutputType.STDOUT:
    default:
      return [
        '@type stdout',
        '@id out_stdout',
        block('format', ['@type json']),
      ];
  }
}

/** A Fluentd directive `<name ...> lines </name>`, nested blocks indented. */
function block(header: string, lines: string[]): string {
  const name = header.split(' ')[0];
  const body = lines.map((l) => l.split('\n').map((x) => (x === '' ? x : `  ${x}`)).join('\n')).join('\n');
  return `<${header}>\n${body}\n</${name}>`;
}

// ---------------------------------------------------------------------------------------------
// Filebeat (YAML; every value from the user is a JSON string, which is valid YAML)

function filebeat(ctx: LogConfigContext): string {
  const { profile, output } = ctx;
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    'filebeat.inputs:',
    '  - type: filestream',
    '    id: kubernetes-container-logs',
    '    paths:',
    `      - ${q(CONTAINER_LOGS)}`,
    // The container log files are symlinks into /var/log/pods; fingerprints identify a file
    // across renames and inode reuse. A file is read once it holds `length` bytes: 64 (the
    // smallest Filebeat accepts) instead of the default 1024, so that a pod that logs one line
    // is shipped too (a CRI line has a 40-byte prefix).
    '    prospector.scanner.symlinks: true',
    '    prospector.scanner.fingerprint.enabled: true',
    `    prospector.scanner.fingerprint.length: ${FILEBEAT_FINGERPRINT_LENGTH}`,
    '    file_identity.fingerprint: ~',
    '    prospector.scanner.exclude_files:',
    ...excludedGlobs(ctx).map((glob) => `      - '${globToRegex(glob)}'`),
    '    parsers:',
    '      # Detects Docker json-file and CRI, joining partial lines.',
    '      - container: ~',
    '    processors:',
    '      - add_kubernetes_metadata:',
    '          node: ${NODE_NAME}',
    '          use_kubeadm: false',
    // Explicit, so that the ClusterRole (no replicasets, no jobs) never depends on a default.
    '          add_resource_metadata:',
    '            deployment: false',
    '            cronjob: false',
    '          matchers:',
    '            - logs_path:',
    '                logs_path: "/var/log/containers/"',
    ...ctx.filters.flatMap(filebeatProcessor),
    '',
    `path.data: ${q(profile.stateDirectory)}`,
    // Wait this long for queued events to be published after SIGTERM.
    `filebeat.shutdown_timeout: ${ctx.flushSeconds}s`,
    '',
    'http.enabled: true',
    'http.host: "0.0.0.0"',
    `http.port: ${profile.httpPort}`,
    '',
    ...filebeatOutput(output),
  ];
  return `${lines.join('\n')}\n`;
}

function filebeatProcessor(filter: LogFilter): string[] {
  if (filter.type === LogFilterType.ADD_FIELDS) {
    return [
      '      - add_fields:',
      '          target: ""',
      '          fields:',
      ...Object.entries(filter.fields!).map(([k, v]) => `            ${JSON.stringify(k)}: ${JSON.stringify(v)}`),
    ];
  }
  const lines = userLines(filter._custom.filebeat!);
  return lines.map((l, i) => (i === 0 ? `      - ${l}` : (l === '' ? l : `        ${l}`)));
}

function filebeatOutput(output: LogOutput): string[] {
  const q = (s: string) => JSON.stringify(s);
  if (output.type === LogOutputType.CUSTOM) {
    return userLines(output._custom!.filebeat!);
  }
  if (output.type === LogOutputType.ELASTICSEARCH) {
    return [
      // A custom index needs its own template name and pattern, and ILM off (else the index is ignored).
      'setup.ilm.enabled: false',
      `setup.template.name: ${q(output.index!)}`,
      `setup.template.pattern: ${q(`${output.index}*`)}`,
      'output.elasticsearch:',
      `  hosts: [${q(`${output.tls ? 'https' : 'http'}://${output.host}:${output.port}`)}]`,
      `  index: ${q(output.index!)}`,
      ...(output.tls ? [`  ssl.verification_mode: ${output.tlsVerify ? 'full' : 'none'}`] : []),
      ...(output.caBundle === undefined ? [] : [`  ssl.certificate_authorities: [${q(CA_FILE)}]`]),
      ...(output.credentialsSecret === undefined ? [] : [`  username: "\${${USERNAME_ENV}}"`, `  password: "\${${PASSWORD_ENV}}"`]),
      // The encoded key as is, like Fluent Bit's HTTP_API_Key (Filebeat's api_key wants id:key).
      ...(output.apiKey === undefined ? [] : ['  headers:', `    Authorization: "ApiKey \${${API_KEY_ENV}}"`]),
    ];
  }
  // Stdout (the other outputs are rejected for Filebeat before rendering).
  return [
    'output.console:',
    '  codec.json:',
    '    pretty: false',
  ];
}

/** A glob of the agent's own log files as an anchored regular expression (Filebeat's exclude_files). */
function globToRegex(glob: string): string {
  return `^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^_/]*')}$`;
}

// ---------------------------------------------------------------------------------------------
// Logstash (pipeline language; every value from the user is a double-quoted string without
// quotes, backslashes or newlines, which the output rules guarantee)

/** The file the file input keeps its read positions in (a file, not a directory). */
export const LOGSTASH_SINCEDB = 'sincedb-containers';

/** The custom grok patterns for the kubelet's file names (pod and namespace names have no "_"). */
const LOGSTASH_PATTERNS = { K8S_NAME: '[^_/]+', CONTAINER_ID: '[0-9a-f]{64}' };

function logstash(ctx: LogConfigContext): string {
  const { profile, output } = ctx;
  const q = (v: string) => JSON.stringify(v);
  // Regular expressions as written: without `config.support_escapes` (off) Logstash keeps a
  // backslash in a string as is, so "\S" reaches the regex engine as \S.
  const rq = (v: string) => `"${v}"`;
  const list = (vs: string[]) => `[${vs.map(q).join(', ')}]`;
  // The file input matches `exclude` against the file name only, not the path.
  const exclude = excludedGlobs(ctx).map((glob) => glob.slice(glob.lastIndexOf('/') + 1));
  return [
    lsBlock('input', [
      lsBlock('file', [
        `id => ${q('in_container_logs')}`,
        `path => ${list([CONTAINER_LOGS])}`,
        `exclude => ${list(exclude)}`,
        'mode => "tail"',
        `sincedb_path => ${q(`${profile.stateDirectory}/${LOGSTASH_SINCEDB}`)}`,
        // First contact reads a file from its start (the other flavors do too); after a restart
        // the sincedb position is used.
        'start_position => "beginning"',
        // CRI splits long lines into "P" parts ending with an "F" part: each P line is joined
        // with the line after it; the filter below strips the inner prefixes.
        lsBlock('codec => multiline', [
          `pattern => ${rq('^\\S+ (stdout|stderr) P ')}`,
          'what => "next"',
          'auto_flush_interval => 5',
        ]),
      ]),
    ]),
    lsBlock('filter', [
      // Docker json-file ({"log":"...\n","stream":"stdout","time":"..."}), else CRI (containerd,
      // CRI-O: "<time> <stream> <P|F> <log>"); `} else {` on one line, as the grammar wants it.
      `${lsBlock('if [message] =~ /^\\{/', [
        lsBlock('json', ['source => "message"', 'target => "[docker]"']),
        lsBlock('mutate', [
          'rename => { "[docker][log]" => "message" "[docker][stream]" => "[kubernetes][stream]" "[docker][time]" => "[@metadata][time]" }',
          'remove_field => ["[docker]"]',
        ]),
      ])} ${lsBlock('else', [
        lsBlock('mutate', [`gsub => ["message", ${rq('\\n\\S+ (?:stdout|stderr) [PF] ')}, ""]`]),
        lsBlock('grok', [
          `match => { "message" => ${rq('^%{NOTSPACE:[@metadata][time]} %{WORD:[kubernetes][stream]} %{WORD:[@metadata][logtag]} %{GREEDYDATA:message}$')} }`,
          'overwrite => ["message"]',
          'tag_on_failure => ["_cri_parse_failure"]',
        ]),
      ])}`,
      lsBlock('date', ['match => ["[@metadata][time]", "ISO8601"]', 'tag_on_failure => ["_cri_time_failure"]']),
      // Pod, namespace, container and container ID from the kubelet's file name (no API access).
      lsBlock('grok', [
        `pattern_definitions => { ${Object.entries(LOGSTASH_PATTERNS).map(([k, v]) => `${q(k)} => ${q(v)}`).join(' ')} }`,
        `match => { "[log][file][path]" => ${rq('^/var/log/containers/%{K8S_NAME:[kubernetes][pod][name]}_%{K8S_NAME:[kubernetes][namespace]}_%{DATA:[kubernetes][container][name]}-%{CONTAINER_ID:[kubernetes][container][id]}\\.log$')} }`,
        'tag_on_failure => ["_kubernetes_path_failure"]',
      ]),
      ...ctx.filters.flatMap(logstashFilter),
    ]),
    lsBlock('output', logstashOutput(output)),
  ].join('\n\n') + '\n';
}

/** logstash.yml: the settings Logstash is started with (mounted over the image's). */
function logstashSettings(ctx: LogConfigContext): string {
  return [
    // The monitoring API: the probes' endpoint.
    'api.enabled: true',
    'api.http.host: "0.0.0.0"',
    `api.http.port: ${ctx.profile.httpPort}`,
    // Logstash's own state (uuid, queues, the dead letter queue) in the state directory.
    `path.data: "${ctx.profile.stateDirectory}"`,
    // Pipeline changes in the mounted ConfigMap are picked up without a restart (the checksum
    // annotation rolls the pods anyway when the ConfigMap changes through cdk8s).
    'config.reload.automatic: true',
    'config.reload.interval: 10s',
    // The logs and the state directory are root's (see the class doc). Logstash 8 allows root
    // with a deprecation notice; 9 refuses it unless this is set.
    'allow_superuser: true',
    'log.level: info',
    '',
  ].join('\n');
}

function logstashFilter(filter: LogFilter): string[] {
  if (filter.type === LogFilterType.ADD_FIELDS) {
    return [lsBlock('mutate', [`add_field => { ${Object.entries(filter.fields!).map(([k, v]) => `${JSON.stringify(k)} => ${JSON.stringify(v)}`).join(' ')} }`])];
  }
  return userLines(filter._custom.logstash!);
}

function logstashOutput(output: LogOutput): string[] {
  const q = (v: string) => JSON.stringify(v);
  switch (output.type) {
    case LogOutputType.ELASTICSEARCH:
      return [lsBlock('elasticsearch', [
        'id => "out_elasticsearch"',
        `hosts => [${q(`${output.tls ? 'https' : 'http'}://${output.host}:${output.port}`)}]`,
        `index => ${q(output.index!)}`,
        // A named index, not a data stream; its template and rollover are the cluster's.
        'data_stream => "false"',
        'manage_template => false',
        ...(output.tls ? [`ssl_verification_mode => ${output.tlsVerify ? '"full"' : '"none"'}`] : []),
        ...(output.caBundle === undefined ? [] : [`ssl_certificate_authorities => [${q(CA_FILE)}]`]),
        ...(output.credentialsSecret === undefined ? [] : [`user => "\${${USERNAME_ENV}}"`, `password => "\${${PASSWORD_ENV}}"`]),
        // The encoded key as is (the plugin's own api_key wants id:key).
        ...(output.apiKey === undefined ? [] : [`custom_headers => { "Authorization" => "ApiKey \${${API_KEY_ENV}}" }`]),
      ])];
    case LogOutputType.CUSTOM:
      return userLines(output._custom!.logstash!);
    case LogOutputType.STDOUT:
    default:
      return [lsBlock('stdout', ['codec => json_lines'])];
  }
}

/** A Logstash section or plugin `name { lines }`, nested blocks indented. */
function lsBlock(header: string, lines: string[]): string {
  const body = lines.map((l) => l.split('\n').map((x) => (x === '' ? x : `  ${x}`)).join('\n')).join('\n');
  return `${header} {\n${body}\n}`;
}

/**
 * What is wrong with a user's Logstash plugin text: braces and brackets must balance outside
 * strings and comments, so that the text stays inside its section, and it must name a plugin.
 */
function logstashTextProblem(text: string): string | undefined {
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? '}' : ']');
    } else if (c === '}' || c === ']') {
      if (stack.pop() !== c) {
        return `the braces are not balanced at ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 1))}`;
      }
    }
  }
  if (quote !== undefined) {
    return 'a string is never closed';
  }
  if (stack.length > 0) {
    return `a "${stack[stack.length - 1] === '}' ? '{' : '['}" is never closed`;
  }
  return /^\s*(#[^\n]*\n\s*)*[A-Za-z_][A-Za-z0-9_]*\s*\{/.test(text) ? undefined : 'expected a plugin, e.g. "kafka { ... }"';
}

// ---------------------------------------------------------------------------------------------
// OpenTelemetry Collector (YAML rendered from an object; keys in a fixed order)

/** The logs the collector reads (the kubelet's own layout, which the container parser reads metadata from). */
export const OTEL_POD_LOGS = '/var/log/pods/*/*/*.log';

/** A user's component text as `[type, settings]`, or what is wrong with it. */
function otelComponent(text: string): [string, unknown] | string {
  const doc = yamlParser().parseDocument(text, { uniqueKeys: true });
  const value = doc.errors.length > 0 ? undefined : doc.toJS();
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length !== 1) {
    return 'expected YAML with one key, the component\'s type, and its settings under it (e.g. "kafka:\\n  brokers: [kafka:9092]")';
  }
  const type = Object.keys(value)[0];
  if (!/^[a-z][a-z0-9_]*$/.test(type)) {
    return `expected a component type of lowercase letters, digits and "_", got ${JSON.stringify(type)}`;
  }
  return [type, (value as Record<string, unknown>)[type] ?? {}];
}

/** The globs of the pod log files never read, in /var/log/pods' layout `<ns>_<pod>_<uid>/<container>/<n>.log`. */
export function otelExcludedGlobs(ctx: { name: string; namespace: string; containerName: string; excludeNamespaces: string[] }): string[] {
  return [
    `/var/log/pods/${ctx.namespace}_${ctx.name}-*_*/${ctx.containerName}/*.log`,
    ...ctx.excludeNamespaces.map((ns) => `/var/log/pods/${ns}_*/*/*.log`),
  ];
}

function otelCollector(ctx: LogConfigContext): string {
  const { profile, output } = ctx;
  const env = (name: string) => `\${env:${name}}`;
  const extensions: Record<string, unknown> = {
    health_check: { endpoint: `${env('MY_POD_IP')}:${profile.httpPort}` },
    // The read positions (offsets) of file_log, kept in the state directory.
    file_storage: { directory: profile.stateDirectory },
  };
  const exporters: Record<string, unknown> = {};
  let exporter: string;
  switch (output.type) {
    case LogOutputType.OTLP: {
      const otlp = otlpEndpoint(output.url)!;
      const base = output.url!.replace(/\/+$/, '');
      const endpoint = base.endsWith(OTLP_LOGS_PATH) ? base.slice(0, -OTLP_LOGS_PATH.length) : base;
      const headers: Record<string, string> = { ...(output.headers ?? {}) };
      if (output.bearerToken !== undefined) {
        headers.Authorization = `Bearer ${env(BEARER_TOKEN_ENV)}`;
      }
      if (output.credentialsSecret !== undefined) {
        extensions['basicauth/output'] = { client_auth: { username: env(USERNAME_ENV), password: env(PASSWORD_ENV) } };
      }
      exporter = 'otlphttp';
      exporters.otlphttp = {
        endpoint,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        ...(output.credentialsSecret !== undefined ? { auth: { authenticator: 'basicauth/output' } } : {}),
        ...(output.caBundle !== undefined && otlp.tls ? { tls: { ca_file: CA_FILE } } : {}),
      };
      break;
    }
    case LogOutputType.ELASTICSEARCH: {
      // The elasticsearch exporter: one endpoint, the logs in the named index (metrics, with
      // kubeletMetrics or hostMetrics, go to the exporter's default metrics data stream).
      exporter = 'elasticsearch';
      const tls = {
        ...(output.caBundle !== undefined ? { ca_file: CA_FILE } : {}),
        ...(output.tls && !output.tlsVerify ? { insecure_skip_verify: true } : {}),
      };
      exporters.elasticsearch = {
        endpoints: [`${output.tls ? 'https' : 'http'}://${output.host}:${output.port}`],
        logs_index: output.index,
        ...(output.credentialsSecret !== undefined ? { user: env(USERNAME_ENV), password: env(PASSWORD_ENV) } : {}),
        // The encoded key, as Elasticsearch's create-API-key call returns it.
        ...(output.apiKey !== undefined ? { api_key: env(API_KEY_ENV) } : {}),
        ...(Object.keys(tls).length > 0 ? { tls } : {}),
      };
      break;
    }
    case LogOutputType.CUSTOM: {
      const [type, settings] = otelComponent(output._custom!.otelCollector!) as [string, unknown];
      exporter = `${type}/custom`;
      exporters[exporter] = settings;
      break;
    }
    case LogOutputType.STDOUT:
    default:
      exporter = 'debug';
      exporters.debug = { verbosity: 'detailed' };
      break;
  }
  const processors: Record<string, unknown> = {
    batch: {},
    memory_limiter: { check_interval: '5s', limit_percentage: 80, spike_limit_percentage: 25 },
    k8s_attributes: {
      filter: { node_from_env_var: 'K8S_NODE_NAME' },
      passthrough: false,
      pod_association: [
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
        { sources: [{ from: 'connection' }] },
      ],
      extract: { otel_annotations: true, metadata: [...OTEL_K8S_METADATA] },
    },
  };
  const userProcessors: string[] = [];
  ctx.filters.forEach((f, i) => {
    if (f.type === LogFilterType.ADD_FIELDS) {
      const name = `attributes/add-fields-${i}`;
      processors[name] = { actions: Object.entries(f.fields!).map(([key, value]) => ({ key, value, action: 'insert' })) };
      userProcessors.push(name);
    } else {
      const [type, settings] = otelComponent(f._custom.otelCollector!) as [string, unknown];
      const name = `${type}/custom-${i}`;
      processors[name] = settings;
      userProcessors.push(name);
    }
  });
  const receivers: Record<string, unknown> = {
    file_log: {
      include: [OTEL_POD_LOGS],
      exclude: otelExcludedGlobs(ctx),
      // First contact reads a file from its start, like the other flavors; the offsets in
      // file_storage are used after a restart.
      start_at: 'beginning',
      retry_on_failure: { enabled: true },
      storage: 'file_storage',
      include_file_path: true,
      include_file_name: false,
      // Docker json-file, CRI-O and containerd formats, partial lines joined; pod, namespace,
      // container and restart count from the path.
      operators: [{ type: 'container', id: 'container-parser', max_log_size: 102400 }],
    },
  };
  const metricReceivers: string[] = [];
  if (ctx.kubeletMetrics) {
    receivers.kubeletstats = { collection_interval: '20s', auth_type: 'serviceAccount', endpoint: `${env('K8S_NODE_IP')}:10250` };
    metricReceivers.push('kubeletstats');
  }
  if (ctx.hostMetrics) {
    receivers.hostmetrics = {
      root_path: '/hostfs',
      collection_interval: '10s',
      scrapers: {
        cpu: null,
        load: null,
        memory: null,
        disk: null,
        filesystem: {
          exclude_mount_points: { mount_points: [...OTEL_EXCLUDED_MOUNT_POINTS], match_type: 'regexp' },
          exclude_fs_types: { fs_types: [...OTEL_EXCLUDED_FS_TYPES], match_type: 'strict' },
        },
        network: null,
      },
    };
    metricReceivers.push('hostmetrics');
  }
  const pipelineProcessors = ['k8s_attributes', 'memory_limiter', ...userProcessors, 'batch'];
  const config = {
    exporters,
    extensions,
    processors,
    receivers,
    service: {
      extensions: Object.keys(extensions),
      telemetry: {
        // The collector's own metrics for Prometheus, on the port named metrics.
        metrics: { readers: [{ pull: { exporter: { prometheus: { host: env('MY_POD_IP'), port: profile.metricsPort } } } }] },
      },
      pipelines: {
        logs: { receivers: ['file_log'], processors: pipelineProcessors, exporters: [exporter] },
        ...(metricReceivers.length > 0 ? { metrics: { receivers: metricReceivers, processors: ['k8s_attributes', 'memory_limiter', 'batch'], exporters: [exporter] } } : {}),
      },
    },
  };
  const text = yamlParser().stringify(config, { lineWidth: 0, nullStr: '' });
  return `# Started as ${OTEL_CONFIG_DIRECTORY}/${profile.mainConfigFile} (--config).\n${text}`;
}

/** The resource attributes k8s_attributes adds: the chart's kubernetesAttributes preset, in its order. */
export const OTEL_K8S_METADATA = [
  'k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.node.name', 'k8s.pod.start_time',
  'k8s.deployment.name', 'k8s.replicaset.name', 'k8s.replicaset.uid', 'k8s.daemonset.name', 'k8s.daemonset.uid',
  'k8s.job.name', 'k8s.job.uid', 'k8s.container.name', 'k8s.cronjob.name', 'k8s.statefulset.name', 'k8s.statefulset.uid',
  'container.image.tag', 'container.image.name', 'k8s.cluster.uid',
  'service.namespace', 'service.name', 'service.version', 'service.instance.id',
];

/** The chart's hostMetrics preset: mount points the filesystem scraper skips. */
export const OTEL_EXCLUDED_MOUNT_POINTS = [
  '^/dev($|/)', '^/proc($|/)', '^/sys($|/)', '^/run/k3s/containerd($|/)', '^/var/lib/docker($|/)', '^/var/lib/kubelet($|/)', '^/snap($|/)',
];

/** The chart's hostMetrics preset: filesystem types the filesystem scraper skips. */
export const OTEL_EXCLUDED_FS_TYPES = [
  'autofs', 'binfmt_misc', 'bpf', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'fusectl', 'hugetlbfs', 'iso9660',
  'mqueue', 'nsfs', 'overlay', 'proc', 'procfs', 'pstore', 'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tracefs',
];
