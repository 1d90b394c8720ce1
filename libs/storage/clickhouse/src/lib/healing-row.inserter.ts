import { RowBatch } from '@cnosdb/contracts';
import { ClickHouseServerError, ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';
import { RowInserter } from './row.inserter';
import { SchemaManager } from './schema.manager';

const CH_NO_SUCH_COLUMN = 16;
const CH_UNKNOWN_TABLE = 60;
const CH_UNKNOWN_DATABASE = 81;

/** Whether an insert failed because its table, a column or its database is gone (DDL raced the write). */
export function isMissingSchemaError(err: unknown): boolean {
  return err instanceof ClickHouseServerError && [CH_NO_SUCH_COLUMN, CH_UNKNOWN_TABLE, CH_UNKNOWN_DATABASE].includes(err.chCode);
}

/**
 * Repairs the schema a batch needs after DDL raced its write. A parser may accept rows with a
 * schema it cached a moment before another service dropped the table or a column (DROP
 * TABLE, ALTER TABLE … DROP): inserting such a batch fails, and a Kafka consumer retrying it
 * would block its partition forever. `heal` recreates what the batch needs, as a write to a
 * missing table does in CnosDB, and answers false when the batch must be discarded instead
 * (its database was dropped, or the table came back with other types).
 */
export class BatchSchemaHealer {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly schemas: SchemaManager,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  async heal(chDatabase: string, batch: RowBatch): Promise<boolean> {
    const what = `${batch.rowCount} rows for ${batch.tenant}.${batch.database}.${batch.table}`;
    const db = await this.metadata.getDatabase(batch.tenant, batch.database, true);
    if (!db || db.chDatabase !== chDatabase) {
      this.warn(`discarding ${what}: the database was dropped`);
      return false;
    }
    this.schemas.invalidate(chDatabase, batch.table);
    try {
      await this.schemas.ensureColumns(
        { tenant: batch.tenant, database: batch.database, chDatabase, precision: db.options.precision },
        batch.table,
        batch.tags.map((t) => t.name),
        batch.fields.map((f) => ({ name: f.name, type: f.type })),
      );
      return true;
    } catch (conflict) {
      this.warn(`discarding ${what}: ${(conflict as Error).message}`);
      return false;
    }
  }
}

/** A RowInserter that heals (or discards) batches whose schema DDL removed meanwhile; see BatchSchemaHealer. */
export class SchemaHealingRowInserter extends RowInserter {
  constructor(
    ch: ClickHouseService,
    private readonly healer: BatchSchemaHealer,
  ) {
    super(ch);
  }

  override async insert(chDatabase: string, batch: RowBatch, versionBase: bigint): Promise<void> {
    try {
      await super.insert(chDatabase, batch, versionBase);
    } catch (err) {
      if (!isMissingSchemaError(err)) throw err;
      if (await this.healer.heal(chDatabase, batch)) await super.insert(chDatabase, batch, versionBase);
    }
  }
}
