import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Precision } from '@cnosdb/contracts';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import { ClickHouseService, DatabaseInfo, MetadataStore, qualified, quoteString } from '@cnosdb/storage/clickhouse';

const NANOS: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n };
const PER_SECOND: Record<Precision, bigint> = { ns: 1_000_000_000n, us: 1_000_000n, ms: 1_000n };

/** The oldest visible time of a database (in its precision), or undefined when its TTL is INF. */
export function expiryCutoff(db: DatabaseInfo, nowNanos: bigint): bigint | undefined {
  if (db.options.ttlNanos === null || db.options.ttlNanos === undefined) return undefined;
  return (nowNanos - BigInt(db.options.ttlNanos)) / NANOS[db.options.precision];
}

/**
 * Retention (database TTL). ClickHouse 18.16 has no table TTL, so this job drops, every
 * minute, each day partition whose whole day lies before `now - TTL`; queries also skip rows
 * older than that, so results are exact between runs. The query service and the standalone
 * process run it; running it twice is harmless (dropping a partition is idempotent).
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  static readonly INTERVAL_MS = 60_000;
  static readonly FIRST_RUN_MS = 5_000;

  constructor(
    @Inject(ClickHouseService) private readonly ch: ClickHouseService,
    @Inject(MetadataStore) private readonly metadata: MetadataStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const first = setTimeout(() => {
      void this.runOnce();
      this.timer = setInterval(() => void this.runOnce(), RetentionService.INTERVAL_MS);
      this.timer.unref();
    }, RetentionService.FIRST_RUN_MS);
    first.unref();
    this.timer = first;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every database with a TTL; resolves to the number of partitions dropped. */
  async runOnce(nowNanos = BigInt(Date.now()) * 1_000_000n): Promise<number> {
    if (this.running) return 0;
    let dropped = 0;
    const pass = (async () => {
      const expiring = new Map<string, { db: DatabaseInfo; cutoff: bigint }>();
      for (const db of await this.metadata.listAllDatabases()) {
        const cutoff = expiryCutoff(db, nowNanos);
        if (cutoff !== undefined) expiring.set(db.chDatabase, { db, cutoff });
      }
      if (expiring.size > 0) dropped = await this.dropExpired(expiring);
    })();
    this.running = pass.then(
      () => undefined,
      (err) => this.logger.warn({ err }, 'retention pass failed'),
    );
    await this.running;
    this.running = undefined;
    return dropped;
  }

  /** Drops the partitions (days) of the databases' tables that end at or before their cutoff. */
  private async dropExpired(expiring: Map<string, { db: DatabaseInfo; cutoff: bigint }>): Promise<number> {
    // One look at system.parts for all databases: a query per database made a burst of
    // hundreds of queries every minute on a server with many databases.
    // The partition key is toDate(toDateTime(time / units-per-second)): ask ClickHouse where each
    // day ends, in its own time zone, rather than assuming one.
    const names = [...expiring.keys()].map(quoteString).join(', ');
    const parts = await this.ch.rows<{ database: string; table: string; partition_id: string; end_s: string }>(
      `SELECT database, table, partition_id, toString(toUInt32(toDateTime(toDate(any(partition)) + 1))) AS end_s FROM system.parts ` +
        `WHERE active AND database IN (${names}) GROUP BY database, table, partition_id`,
    );
    let dropped = 0;
    for (const p of parts) {
      const entry = expiring.get(p.database);
      if (!entry) continue;
      const { db, cutoff } = entry;
      const end = BigInt(p.end_s) * PER_SECOND[db.options.precision];
      if (end > cutoff) continue;
      await this.ch.exec(`ALTER TABLE ${qualified(db.chDatabase, p.table)} DROP PARTITION ID ${quoteString(p.partition_id)}`);
      this.logger.info({ database: `${db.tenant}.${db.name}`, table: p.table, partition: p.partition_id }, 'retention dropped an expired partition');
      dropped++;
    }
    return dropped;
  }
}
