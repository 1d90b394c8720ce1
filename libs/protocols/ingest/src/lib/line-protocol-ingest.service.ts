import { Inject, Injectable } from '@nestjs/common';
import { concatRowBatches, FieldType, LineProtocolWriter, RequestContext, RowBatch, RowSink, RowSinkTransaction, WritePrecision } from '@cnosdb/contracts';
import { FieldTypeConflictError, LineProtocolError, LineProtocolParser, ParsedTable } from '@cnosdb/protocols/line-protocol';
import { decodeBody } from '@cnosdb/shared/compression';
import { Errors } from '@cnosdb/shared/errors';
import { DatabaseInfo, MetadataStore, SchemaConflictError, SchemaManager, shortTypeName } from '@cnosdb/storage/clickhouse';
import { convertPrecision, nowIn } from './precision';
import { Utf8Error, Utf8Validator } from './utf8.validator';

/**
 * Rows held in memory before a large body starts streaming them into a sink transaction.
 * Bodies below it (the usual 5–10k-line batches) are published in one plain write.
 */
export const STREAMING_THRESHOLD_ROWS = 50_000;

/**
 * The line-protocol write path: parse the body as it streams in, check each table against
 * its schema (creating tables and columns), and hand the rows to the sink. A bad line
 * anywhere rejects the whole request and leaves no rows behind: small bodies are published
 * only after they parsed completely; large ones stream into a sink transaction that is
 * aborted on error, so memory stays bounded by the threshold, not the body.
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

  async write(ctx: RequestContext, precision: WritePrecision, body: AsyncIterable<Buffer>, contentEncoding = 'identity'): Promise<{ rows: number }> {
    const db = await this.metadata.getDatabase(ctx.tenant, ctx.database);
    if (!db) throw Errors.databaseNotFound(ctx.database);

    const parser = new LineProtocolParser({ defaultTime: nowIn(precision) });
    const utf8 = new Utf8Validator();
    const fieldTypes = new Map<string, Map<string, FieldType>>();
    let pending: ParsedTable[] = [];
    let pendingRows = 0;
    let rows = 0;
    let tx: RowSinkTransaction | undefined;
    const take = (pieces: ParsedTable[]) => {
      for (const p of pieces) {
        this.checkFieldTypes(fieldTypes, p);
        pending.push(p);
        pendingRows += p.rowCount;
        rows += p.rowCount;
      }
    };
    const flush = async (publish: (b: RowBatch[]) => Promise<void>) => {
      const batches = await this.prepare(ctx, db, precision, pending);
      pending = [];
      pendingRows = 0;
      if (batches.length > 0) await publish(batches);
    };
    try {
      for await (const chunk of decodeBody(body, contentEncoding)) {
        utf8.push(chunk);
        parser.push(chunk);
        take(parser.drain());
        if (pendingRows >= STREAMING_THRESHOLD_ROWS) {
          const t = (tx ??= await this.sink.begin());
          await flush((b) => t.publish(b));
        }
      }
      utf8.end();
      parser.end();
      take(parser.drain());
      if (tx) {
        const t = tx;
        await flush((b) => t.publish(b));
        await t.commit();
      } else {
        await flush((b) => this.sink.publish(b));
      }
      return { rows };
    } catch (err) {
      if (tx) await tx.abort();
      if (err instanceof Utf8Error) throw Errors.invalidUtf8(err.message);
      if (err instanceof LineProtocolError) throw Errors.parseLineProtocol(err.message);
      if (err instanceof FieldTypeConflictError) throw Errors.typeConflict(err.column, err.found, err.expected);
      if (err instanceof SchemaConflictError) throw Errors.typeConflict(err.column, err.found, err.expected);
      throw err;
    }
  }

  /** A field keeps one type for the whole request, across chunks. */
  private checkFieldTypes(seen: Map<string, Map<string, FieldType>>, piece: ParsedTable): void {
    let fields = seen.get(piece.table);
    if (!fields) seen.set(piece.table, (fields = new Map()));
    for (const f of piece.fields) {
      const before = fields.get(f.name);
      if (before && before !== f.type) {
        throw Errors.typeConflict(f.name, shortTypeName({ role: 'field', type: f.type }), shortTypeName({ role: 'field', type: before }));
      }
      fields.set(f.name, f.type);
    }
  }

  /** Ensures the schemas of the pieces' tables and converts them into row batches in the database's precision. */
  private async prepare(ctx: RequestContext, db: DatabaseInfo, precision: WritePrecision, pieces: ParsedTable[]): Promise<RowBatch[]> {
    const loc = { tenant: ctx.tenant, database: ctx.database, chDatabase: db.chDatabase, precision: db.options.precision };
    const columnsByTable = new Map<string, { tags: Set<string>; fields: Map<string, FieldType> }>();
    for (const piece of pieces) {
      let cols = columnsByTable.get(piece.table);
      if (!cols) columnsByTable.set(piece.table, (cols = { tags: new Set(), fields: new Map() }));
      for (const t of piece.tags) cols.tags.add(t.name);
      for (const f of piece.fields) cols.fields.set(f.name, f.type);
    }
    for (const [table, cols] of columnsByTable) {
      await this.schemas.ensureColumns(loc, table, [...cols.tags], [...cols.fields].map(([name, type]) => ({ name, type })));
    }
    const byTable = new Map<string, RowBatch[]>();
    for (const p of pieces) {
      convertPrecision(p.times, precision, db.options.precision);
      const batch: RowBatch = { tenant: ctx.tenant, database: ctx.database, table: p.table, rowCount: p.rowCount, times: p.times, tags: p.tags, fields: p.fields };
      const list = byTable.get(p.table);
      if (list) list.push(batch);
      else byTable.set(p.table, [batch]);
    }
    return [...byTable.values()].map(concatRowBatches);
  }
}
