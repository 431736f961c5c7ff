import { brand } from '../private/brand';
import { checkArgs } from '../private/shapes';

/** Options of `LogFilter.custom`: the filter in each flavor's own format. */
export interface CustomLogFilterOptions {
  /**
   * Fluent Bit: the entries of one `[FILTER]` section, one `Key value` per line, including
   * `Name` (e.g. "Name modify\nRename log message"). `Match kube.*` is added unless you give a
   * `Match` or `Match_Regex`.
   *
   * @default - none: a Fluent Bit LogAgent rejects this filter
   */
  readonly fluentBit?: string;

  /**
   * Fluentd: the body of one `<filter kubernetes.**>` directive, including `@type`.
   *
   * @default - none: a Fluentd LogAgent rejects this filter
   */
  readonly fluentd?: string;

  /**
   * Filebeat: the YAML of one processor of the input, e.g.
   * "drop_fields:\n  fields: [\"kubernetes.node.labels\"]\n  ignore_missing: true".
   *
   * @default - none: a Filebeat LogAgent rejects this filter
   */
  readonly filebeat?: string;

  /**
   * Logstash: one or more plugins for the `filter { }` section, e.g.
   * "mutate {\n  remove_field => [\"[kubernetes][container_id]\"]\n}".
   *
   * @default - none: a Logstash LogAgent rejects this filter
   */
  readonly logstash?: string;

  /**
   * OpenTelemetry Collector: the YAML of one processor's settings, with the processor's type on
   * the first line as a key, e.g. "filter:\n  logs:\n    log_record:\n      - 'severity_number < SEVERITY_NUMBER_WARN'".
   * It is named `<type>/custom-<n>` and runs in the logs pipeline after `k8s_attributes`.
   *
   * @default - none: an OpenTelemetry Collector LogAgent rejects this filter
   */
  readonly otelCollector?: string;
}

/** The kind of a `LogFilter`. */
export enum LogFilterType {
  /** Adds fixed fields to every record. */
  ADD_FIELDS = 'add-fields',
  /** A filter written by the user for each flavor. */
  CUSTOM = 'custom',
}

/** Field names safe in every flavor's format (Fluent Bit's modify, Fluentd's record_transformer, Filebeat's add_fields). */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** Values safe in every flavor's format: no quotes, "$", "#", backslashes or newlines. */
const FIELD_VALUE = /^[A-Za-z0-9._:/@+=, -]{1,1024}$/;

/**
 * A processing step added to the generated configuration after the Kubernetes metadata and
 * before the output, without replacing the configuration. Filters run in the order given.
 */
export class LogFilter {
  /**
   * Adds fixed fields to every record (e.g. `{ cluster: 'prod-eu-1' }`), in every flavor:
   * Fluent Bit's `modify` filter (`Add`, which keeps a field the record already has), Fluentd's
   * `record_transformer`, Filebeat's `add_fields` at the root of the event, Logstash's `mutate`
   * `add_field`, the OpenTelemetry Collector's `attributes` processor (`insert`, which keeps an
   * attribute the record already has).
   */
  public static addFields(fields: { [name: string]: string }): LogFilter {
    checkArgs('LogFilter.addFields', [fields]);
    const copy = fields === null || typeof fields !== 'object' ? fields
      : Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]]));
    return new LogFilter(LogFilterType.ADD_FIELDS, copy, {});
  }

  /**
   * A filter the library does not model, written in each flavor's own format and inserted as
   * given. The agent fails with a clear error for a flavor without text.
   */
  public static custom(options: CustomLogFilterOptions): LogFilter {
    checkArgs('LogFilter.custom', [options]);
    const o = options ?? ({} as CustomLogFilterOptions);
    return new LogFilter(LogFilterType.CUSTOM, undefined, {
      fluentBit: o.fluentBit, fluentd: o.fluentd, filebeat: o.filebeat, logstash: o.logstash, otelCollector: o.otelCollector,
    });
  }

  /** The kind of filter. */
  public readonly type: LogFilterType;
  /** `addFields`: the fields, sorted by name. */
  public readonly fields?: { [name: string]: string };
  /** `custom`: the text per flavor. @internal */
  public readonly _custom: CustomLogFilterOptions;

  private constructor(type: LogFilterType, fields: { [name: string]: string } | undefined, custom: CustomLogFilterOptions) {
    this.type = type;
    this.fields = fields;
    this._custom = custom;
  }

  /** What is wrong with this filter, as `[field, value, allowed]` triples. @internal */
  public _problems(): Array<[string, unknown, string]> {
    const problems: Array<[string, unknown, string]> = [];
    if (this.type === LogFilterType.ADD_FIELDS) {
      if (this.fields === null || typeof this.fields !== 'object' || Object.keys(this.fields).length === 0) {
        return [['fields', this.fields, 'expected at least one field name and value']];
      }
      for (const [name, value] of Object.entries(this.fields)) {
        if (!FIELD_NAME.test(name)) {
          problems.push([`fields.${name}`, name, 'expected a field name: a letter or "_", then letters, digits, "_", "." and "-" (at most 128)']);
        }
        if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
          problems.push([`fields.${name}`, value, 'expected a value of 1-1024 letters, digits, spaces and ". _ : / @ + = , -"']);
        }
      }
    } else {
      const texts = Object.entries(this._custom).filter(([, text]) => text !== undefined);
      if (texts.length === 0) {
        problems.push(['custom', undefined, 'expected the filter for at least one flavor: fluentBit, fluentd, filebeat, logstash or otelCollector']);
      }
      for (const [flavor, text] of texts) {
        if (typeof text !== 'string' || text.trim() === '') {
          problems.push([flavor, text, 'expected the filter\'s configuration text']);
        }
      }
    }
    return problems;
  }
}
brand(LogFilter, 'LogFilter');
