import { DaemonSetOptions } from '../daemon-set';

/** A preset's default for one of the core's props, as its props document it. */
export interface CorePropDefault {
  /**
   * The `@default` text: the value first (a literal where there is one), then why.
   *
   * @default - the core's (when only a note is added)
   */
  readonly default?: string;
  /** A paragraph added to the core's description of the prop (what changes for this preset). */
  readonly note?: string;
}

/**
 * The core props whose default a preset changes, with the text its props document. Read as text
 * by projenrc/preset-options.ts (`npx projen`), which writes the preset's copy of the core's props
 * into src/presets/generated/; test/presets/core-defaults.test.ts holds each against the manifest.
 * Values are string literals (joined with `+` when long), so that they can be read without running
 * any code.
 */
export type CorePropDefaults = { readonly [P in keyof DaemonSetOptions]?: string | CorePropDefault };
