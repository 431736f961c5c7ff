/**
 * Internal: formatting of the quantities the placement preview reports. The parser is the
 * library's one quantity grammar, in private/quantity.ts (the core's checks use it too).
 */
export { parseQuantity } from '../private/quantity';

const BINARY_UNITS: Array<[string, number]> = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];

/** Bytes in the largest binary unit that divides them (`1400Mi`), else to one decimal in the largest unit (`1.3Gi`). */
export function formatBytes(bytes: number): string {
  const magnitude = Math.abs(bytes);
  const exact = BINARY_UNITS.find(([, size]) => magnitude >= size && bytes % size === 0);
  if (exact !== undefined) {
    return `${bytes / exact[1]}${exact[0]}`;
  }
  const largest = BINARY_UNITS.find(([, size]) => magnitude >= size);
  return largest === undefined ? String(bytes) : `${Math.round((bytes / largest[1]) * 10) / 10}${largest[0]}`;
}

/** Milli-CPU as Kubernetes writes it: `2` for 2000m, else `250m`. */
export function formatMilli(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** A resource amount in the unit people read it in: cores, bytes in Ki..Ei, or a count. */
export function formatResource(resource: string, value: number): string {
  if (resource === 'cpu') {
    return formatMilli(value);
  }
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) {
    return formatBytes(value);
  }
  return String(value);
}
