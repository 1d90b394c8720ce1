import { Inject, Injectable } from '@nestjs/common';
import { RowBatch, RowSink } from '@cnosdb/contracts';
import { Errors } from '@cnosdb/shared/errors';
import { chDatabaseName, ClickHouseUnavailableError, nextLocalVersionBase, RowInserter } from '@cnosdb/storage/clickhouse';

/**
 * Standalone mode's sink: inserts straight into ClickHouse and resolves once ClickHouse
 * acknowledged, so a 200 still means durable without Kafka in between.
 */
@Injectable()
export class ClickHouseRowSink extends RowSink {
  constructor(@Inject(RowInserter) private readonly inserter: RowInserter) {
    super();
  }

  async publish(batches: RowBatch[]): Promise<void> {
    try {
      for (const batch of batches) {
        await this.inserter.insert(chDatabaseName(batch.tenant, batch.database), batch, nextLocalVersionBase(batch.rowCount));
      }
    } catch (err) {
      if (err instanceof ClickHouseUnavailableError) throw Errors.unavailable(err.message);
      throw err;
    }
  }
}
