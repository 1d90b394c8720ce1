import { Precision } from './row-batch';

/** Parses a `precision` query parameter: ns, us or ms, case-insensitive; absent means ns. */
export function parsePrecision(raw: string | undefined): Precision | undefined {
  if (raw === undefined || raw === '') return 'ns';
  const p = raw.toLowerCase();
  return p === 'ns' || p === 'us' || p === 'ms' ? p : undefined;
}
