import { Inject, Injectable } from '@nestjs/common';
import { LineProtocolWriter, Precision, RequestContext, RowBatch, RowSink } from '@cnosdb/contracts';
import { FieldTypeConflictError, LineProtocolError, LineProtocolParser, ParsedTable } from '@cnosdb/protocols/line-protocol';
import { Errors } from '@cnosdb/shared/errors';
import { MetadataStore, SchemaConflictError, SchemaManager, shortTypeName } from '@cnosdb/storage/clickhouse';
import { convertPrecision, nowIn } from './precision';

/**
 * The line-protocol write path: parse the whole body, check it against the table schemas
 * (creating tables and columns), then hand the rows to the sink. Nothing reaches the sink
 * unless every line parsed, so a bad line rejects the whole request.
 */
@Injectable()
export class LineProtocolIngestService extends LineProtocolWriter {
  constructor(
    @Inject(MetadataStore) private readonly metadata: MetadataStore,
    @Inject(SchemaManager) private readonly schemas: SchemaManager,
    @Inject(RowSink) private readonly sink: RowSink,
  ) {
    super();
  }

  async write(ctx: RequestContext, precision: Precision, body: AsyncIterable<Buffer>): Promise<{ rows: number }> {
    const db = await this.metadata.getDatabase(ctx.tenant, ctx.database);
    if (!db) throw Errors.databaseNotFound(ctx.database);

    const parser = new LineProtocolParser({ defaultTime: nowIn(precision) });
    const pieces: ParsedTable[] = [];
    try {
      for await (const chunk of body) {
        parser.push(chunk);
        pieces.push(...parser.drain());
      }
      parser.end();
      pieces.push(...parser.drain());
    } catch (err) {
      if (err instanceof LineProtocolError) throw Errors.parseLineProtocol(err.message);
      if (err instanceof FieldTypeConflictError) throw Errors.typeConflict(err.column, err.found, err.expected);
      throw err;
    }

    const loc = { tenant: ctx.tenant, database: ctx.database, chDatabase: db.chDatabase, precision: db.options.precision };
    const columnsByTable = new Map<string, { tags: Set<string>; fields: Map<string, RowBatch['fields'][number]['type']> }>();
    for (const piece of pieces) {
      let cols = columnsByTable.get(piece.table);
      if (!cols) columnsByTable.set(piece.table, (cols = { tags: new Set(), fields: new Map() }));
      for (const t of piece.tags) cols.tags.add(t.name);
      for (const f of piece.fields) {
        const seen = cols.fields.get(f.name);
        if (seen && seen !== f.type) throw Errors.typeConflict(f.name, shortTypeName({ role: 'field', type: f.type }), shortTypeName({ role: 'field', type: seen }));
        cols.fields.set(f.name, f.type);
      }
    }
    try {
      for (const [table, cols] of columnsByTable) {
        await this.schemas.ensureColumns(loc, table, [...cols.tags], [...cols.fields].map(([name, type]) => ({ name, type })));
      }
    } catch (err) {
      if (err instanceof SchemaConflictError) throw Errors.typeConflict(err.column, err.found, err.expected);
      throw err;
    }

    let rows = 0;
    const batches: RowBatch[] = pieces.map((p) => {
      convertPrecision(p.times, precision, db.options.precision);
      rows += p.rowCount;
      return { tenant: ctx.tenant, database: ctx.database, table: p.table, rowCount: p.rowCount, times: p.times, tags: p.tags, fields: p.fields };
    });
    if (batches.length > 0) await this.sink.publish(batches);
    return { rows };
  }
}

