/**
 * Fluent Bit's classic configuration grammar, as its own reader implements it
 * (fluent/fluent-bit v4.0.8, src/config_format/flb_cf_fluentbit.c, read_config() and
 * check_indent(), lines 362-700): used by the tests to parse what the LogAgent generates.
 *
 * - a line starting with "#" is a comment, "@INCLUDE file" includes, "@SET k=v" sets a variable;
 * - "[NAME]" at column 0 starts a section ("bad header definition" without "]");
 * - the first indented line fixes the indentation unit; a later line with less ("indentation
 *   level is too low") or more ("extra indentation level found") indentation is an error, and so
 *   is mixing tabs and spaces;
 * - an entry is "key value": the key ends at the first space ("undefined value" without one) and
 *   the value is the rest, trimmed (flb_config_format.c, flb_cf_section_property_add, lines
 *   284-298); an empty value is "key has an empty value".
 */
export interface ClassicSection {
  readonly name: string;
  readonly line: number;
  /** Keys lower-cased (Fluent Bit compares them case-insensitively), in file order. */
  readonly entries: Array<[string, string]>;
}

export function parseClassic(text: string): ClassicSection[] {
  const sections: Array<{ name: string; line: number; entries: Array<[string, string]> }> = [];
  let indent: string | undefined;
  const fail = (line: number, msg: string): never => {
    throw new Error(`[config] error in fluent-bit.conf:${line}: ${msg}`);
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const buf = raw.replace(/\r$/, '');
    if (buf === '' || buf.startsWith('#')) {
      return;
    }
    if (/^@INCLUDE /i.test(buf) || (buf.startsWith('@') && buf.length > 3)) {
      fail(line, 'the generated configuration is one file: no @INCLUDE or @SET expected');
    }
    if (buf.startsWith('[')) {
      const end = buf.indexOf(']');
      if (end < 0) {
        fail(line, 'bad header definition');
      }
      sections.push({ name: buf.slice(1, end).toUpperCase(), line, entries: [] });
      return;
    }
    if (indent === undefined) {
      const m = /^[ \t]+/.exec(buf);
      indent = m ? m[0] : '';
      if (indent.length === buf.length) {
        return;
      }
    }
    if (!buf.startsWith(indent)) {
      let same = 0;
      while (same < indent.length && buf[same] === indent[same]) {
        same++;
      }
      fail(line, /[ \t]/.test(buf[same] ?? '') ? 'inconsistent use of tab and space' : 'indentation level is too low');
    }
    const rest = buf.slice(indent.length);
    if (/^[ \t]/.test(rest)) {
      fail(line, 'extra indentation level found');
    }
    if (rest.startsWith('#') || rest === '') {
      return;
    }
    const sep = rest.indexOf(' ');
    if (sep < 0) {
      fail(line, 'undefined value - check config is in valid classic format');
    }
    const value = rest.slice(sep + 1).trim();
    if (value === '') {
      fail(line, 'key has an empty value');
    }
    const current = sections[sections.length - 1] ?? fail(line, 'an entry outside of any section');
    current.entries.push([rest.slice(0, sep).toLowerCase(), value]);
  });
  return sections;
}
