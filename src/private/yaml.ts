import type * as Yaml from 'yaml';

/**
 * The YAML parser (bundled with the package), loaded on first use: only custom Filebeat outputs
 * and filters and Falco's custom rules need it, and loading it costs 19 ms, 40 % of what loading
 * the library adds to cdk8s-plus-28 (bench/: start-up).
 */
export function yamlParser(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}
