import { LogFlavorProfile } from './log-agent-profile';
import { LogFlavor } from './log-flavor';
import { LogOutput, LogOutputType } from './log-output';
import { LOKI_DYNAMIC_LABELS, lokiEndpoint } from './log-output-rules';

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
}

/** The ConfigMap data (file name to content) for a flavor. */
export function renderLogConfig(ctx: LogConfigContext): { [file: string]: string } {
  switch (ctx.profile.flavor) {
    case LogFlavor.FLUENT_BIT:
      return { [ctx.profile.mainConfigFile]: fluentBit(ctx) };
    case LogFlavor.FLUENTD:
      return { [ctx.profile.mainConfigFile]: fluentd(ctx) };
    case LogFlavor.FILEBEAT:
    default:
      return { [ctx.profile.mainConfigFile]: filebeat(ctx) };
  }
}

/** The glob of the agent's own log files: pods are named `<daemonset>-<suffix>`. */
export function ownLogsGlob(ctx: LogConfigContext): string {
  return `/var/log/containers/${ctx.name}-*_${ctx.namespace}_${ctx.containerName}-*.log`;
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
      ['Exclude_Path', ownLogsGlob(ctx)],
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
    section('OUTPUT', fluentBitOutput(output)),
  ];
  return sections.join('\n');
}

function fluentBitOutput(output: LogOutput): Array<[string, string]> {
  const credentials: Array<[string, string]> = output.credentialsSecret === undefined ? []
    : [['HTTP_User', `\${${USERNAME_ENV}}`], ['HTTP_Passwd', `\${${PASSWORD_ENV}}`]];
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
        ...credentials,
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
        ['Retry_Limit', 'False'],
        ...tlsEntries(loki.tls, true),
        ...credentials,
      ];
    }
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
    block('source', [
      '@type tail',
      '@id in_tail_container_logs',
      `path ${CONTAINER_LOGS}`,
      `exclude_path ["${ownLogsGlob(ctx)}"]`,
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
    block('match kubernetes.**', fluentdOutput(output)),
    // Fluentd's own log events (tag fluent.*) go to this label and are dropped here, so they can
    // never reach an output that matches them (they still go to the container's stdout).
    block('label @FLUENT_LOG', [
      block('match fluent.**', ['@type null', '@id ignore_fluent_logs']),
    ]),
  ].join('\n\n') + '\n';
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
        `extra_labels ${JSON.stringify(output.labels ?? {})}`,
        'line_format json',
        block('label', LOKI_DYNAMIC_LABELS.map((l) => `${l} $.kubernetes.${l}_name`)),
        buffer,
      ];
    }
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
    `      - '${globToRegex(ownLogsGlob(ctx))}'`,
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

function filebeatOutput(output: LogOutput): string[] {
  const q = (s: string) => JSON.stringify(s);
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
      ...(output.credentialsSecret === undefined ? [] : [`  username: "\${${USERNAME_ENV}}"`, `  password: "\${${PASSWORD_ENV}}"`]),
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
