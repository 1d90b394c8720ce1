import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { RowBatch, RowSink, RowSinkTransaction } from '@cnosdb/contracts';
import { Errors } from '@cnosdb/shared/errors';
import {
  chDatabaseName,
  ClickHouseService,
  ClickHouseUnavailableError,
  nextLocalVersionBase,
  qualified,
  quoteIdent,
  quoteString,
  RowInserter,
  VERSION_COLUMN,
} from '@cnosdb/storage/clickhouse';
import { InsertCoalescer } from './insert.coalescer';

/** Database holding the staging tables of large standalone writes until they commit. */
export const STAGING_DATABASE = '_cnosdb_staging';
const ABANDONED_AFTER_SECONDS = 6 * 3600;

function unavailable(err: unknown): unknown {
  return err instanceof ClickHouseUnavailableError ? Errors.unavailable(err.message) : err;
}

/**
 * Standalone mode's sink: inserts straight into ClickHouse and resolves once ClickHouse
 * acknowledged, so a 200 still means durable without Kafka in between. A large write
 * (begin) is staged in tables of its own and copied into place at commit; the copy is
 * safe to repeat because the rows carry their versions.
 */
@Injectable()
export class ClickHouseRowSink extends RowSink {
  private readonly coalescer: InsertCoalescer;

  constructor(
    @Inject(RowInserter) private readonly inserter: RowInserter,
    @Inject(ClickHouseService) private readonly ch: ClickHouseService,
  ) {
    super();
    this.coalescer = new InsertCoalescer(ch, inserter);
  }

  async publish(batches: RowBatch[]): Promise<void> {
    try {
      // Versions are taken now, in publish order, whatever INSERT the rows end up in.
      await Promise.all(batches.map((batch) => this.coalescer.insert(batch, nextLocalVersionBase(batch.rowCount))));
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * Drops staging tables a crashed process left behind. Other processes may share the
   * ClickHouse server, so only tables untouched for hours count as abandoned.
   */
  async dropAbandonedStaging(): Promise<void> {
    await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(STAGING_DATABASE)}`);
    const rows = await this.ch.rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${quoteString(STAGING_DATABASE)} AND metadata_modification_time < now() - ${ABANDONED_AFTER_SECONDS}`,
    );
    for (const { name } of rows) await this.ch.exec(`DROP TABLE IF EXISTS ${qualified(STAGING_DATABASE, name)}`);
  }

  async begin(): Promise<RowSinkTransaction> {
    const id = randomUUID().replace(/-/g, '');
    /** target "db\0table" → staging table name and the columns it has */
    const staged = new Map<string, { target: string; staging: string; columns: Set<string> }>();
    const drop = async () => {
      for (const s of staged.values()) await this.ch.exec(`DROP TABLE IF EXISTS ${qualified(STAGING_DATABASE, s.staging)}`);
      staged.clear();
    };
    return {
      publish: async (batches) => {
        try {
          for (const batch of batches) {
            const chDb = chDatabaseName(batch.tenant, batch.database);
            const key = `${chDb}\u0000${batch.table}`;
            let s = staged.get(key);
            if (!s) {
              s = { target: qualified(chDb, batch.table), staging: `${id}_${staged.size}`, columns: new Set() };
              await this.ch.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(STAGING_DATABASE)}`);
              await this.ch.exec(`CREATE TABLE ${qualified(STAGING_DATABASE, s.staging)} AS ${s.target} ENGINE = MergeTree() ORDER BY tuple()`);
              const cols = await this.ch.rows<{ name: string }>(
                `SELECT name FROM system.columns WHERE database = ${quoteString(STAGING_DATABASE)} AND table = ${quoteString(s.staging)}`,
              );
              cols.forEach((c) => s!.columns.add(c.name));
              staged.set(key, s);
            }
            await this.addMissingColumns(s, chDb, batch);
            await this.inserter.insertInto(qualified(STAGING_DATABASE, s.staging), batch, nextLocalVersionBase(batch.rowCount));
          }
        } catch (err) {
          throw unavailable(err);
        }
      },
      commit: async () => {
        try {
          for (const s of staged.values()) {
            const cols = [...s.columns].map(quoteIdent).join(', ');
            await this.ch.exec(`INSERT INTO ${s.target} (${cols}) SELECT ${cols} FROM ${qualified(STAGING_DATABASE, s.staging)}`);
          }
          await drop();
        } catch (err) {
          throw unavailable(err);
        }
      },
      abort: async () => {
        await drop().catch(() => undefined);
      },
    };
  }

  /** The target table may have gained columns since the staging table copied it. */
  private async addMissingColumns(s: { staging: string; columns: Set<string> }, chDb: string, batch: RowBatch): Promise<void> {
    const wanted = [...batch.tags.map((t) => t.name), ...batch.fields.map((f) => f.name), 'time', VERSION_COLUMN];
    const missing = wanted.filter((c) => !s.columns.has(c));
    if (missing.length === 0) return;
    const types = await this.ch.rows<{ name: string; type: string }>(
      `SELECT name, type FROM system.columns WHERE database = ${quoteString(chDb)} AND table = ${quoteString(batch.table)}`,
    );
    const typeOf = new Map(types.map((t) => [t.name, t.type]));
    const adds = missing.map((c) => `ADD COLUMN ${quoteIdent(c)} ${typeOf.get(c)}`);
    await this.ch.exec(`ALTER TABLE ${qualified(STAGING_DATABASE, s.staging)} ${adds.join(', ')}`);
    missing.forEach((c) => s.columns.add(c));
  }
}
