import { CacheBound } from '@cnosdb/storage/clickhouse';

/** How long a cached schema or database serves queries at most, whatever else happens. */
export const CATALOG_MAX_AGE_MS = 5000;

/**
 * Decides how stale a cached table schema a query may use, so that queries need not ask
 * ClickHouse for every table's columns (DESIGN section 9) and still see every write
 * acknowledged before they started (section 6).
 *
 * Schema changes reach the cache three ways: those made in this process (DDL, and in
 * standalone mode the writes adding columns) update it at once; DDL in other processes drops
 * it through the metadata watch (and a query failing on a vanished table or column is retried
 * with fresh schemas); writes in other processes (the parser adds a write's columns before it
 * produces the write to Kafka) are covered by the read-your-writes barrier's position: while it
 * stays the same no write was acknowledged, and once it moves only schemas read after the move
 * count. A barrier that timed out gives no position, so its query reads schemas fresh.
 */
export class SchemaFreshness {
  private current?: { position: string; mark: number };

  constructor(
    private readonly schemas: { mark(): number },
    private readonly maxAgeMs = CATALOG_MAX_AGE_MS,
  ) {}

  /** The bound for a query whose barrier reported `position`; true = read fresh. */
  boundFor(position: string | undefined): CacheBound | true {
    if (position === undefined) return true;
    if (this.current?.position !== position) this.current = { position, mark: this.schemas.mark() };
    return { after: this.current.mark, maxAgeMs: this.maxAgeMs };
  }
}
