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
      for (const db of await this.metadata.listAllDatabases()) {
        const cutoff = expiryCutoff(db, nowNanos);
        if (cutoff === undefined) continue;
        dropped += await this.dropExpired(db, cutoff);
      }
    })();
    this.running = pass.then(
      () => undefined,
      (err) => this.logger.warn({ err }, 'retention pass failed'),
    );
    await this.running;
    this.running = undefined;
    return dropped;
  }

  /** Drops the partitions (days) of the database's tables that end at or before `cutoff`. */
  private async dropExpired(db: DatabaseInfo, cutoff: bigint): Promise<number> {
    // The partition key is toDate(toDateTime(time / units-per-second)): ask ClickHouse where each
    // day ends, in its own time zone, rather than assuming one.
    const parts = await this.ch.rows<{ table: string; partition_id: string; end_s: string }>(
      `SELECT table, partition_id, toString(toUInt32(toDateTime(toDate(any(partition)) + 1))) AS end_s FROM system.parts ` +
        `WHERE active AND database = ${quoteString(db.chDatabase)} GROUP BY table, partition_id`,
    );
    let dropped = 0;
    for (const p of parts) {
      const end = BigInt(p.end_s) * PER_SECOND[db.options.precision];
      if (end > cutoff) continue;
      await this.ch.exec(`ALTER TABLE ${qualified(db.chDatabase, p.table)} DROP PARTITION ID ${quoteString(p.partition_id)}`);
      this.logger.info({ database: `${db.tenant}.${db.name}`, table: p.table, partition: p.partition_id }, 'retention dropped an expired partition');
      dropped++;
    }
    return dropped;
  }
}
