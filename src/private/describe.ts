/** A short, unambiguous rendering of a value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'function') {
    // A factory passed without calling it (`Toleration.all` for `Toleration.all()`): its name, never its source.
    return `the function ${value.name || '(anonymous)'} (call it: ${value.name || 'f'}(...))`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    if (text === undefined) {
      return String(value);
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
