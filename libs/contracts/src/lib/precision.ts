import { Precision, WritePrecision } from './row-batch';

/** Parses a CnosDB `precision` query parameter: ns, us or ms, case-insensitive; absent means ns. */
export function parsePrecision(raw: string | undefined): Precision | undefined {
  if (raw === undefined || raw === '') return 'ns';
  const p = raw.toLowerCase();
  return p === 'ns' || p === 'us' || p === 'ms' ? p : undefined;
}

const INFLUX_PRECISIONS: Record<string, WritePrecision> = { n: 'ns', ns: 'ns', u: 'us', us: 'us', ms: 'ms', s: 's', m: 'm', h: 'h' };

/** Parses an InfluxDB v1 `/write` precision (n, u, ms, s, m, h; ns and us too); absent means ns. */
export function parseInfluxPrecision(raw: string | undefined): WritePrecision | undefined {
  if (raw === undefined || raw === '') return 'ns';
  return INFLUX_PRECISIONS[raw];
}
