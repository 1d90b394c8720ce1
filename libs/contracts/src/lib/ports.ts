import { RowBatch, WritePrecision } from './row-batch';
import { QueryEvent } from './query-result';

/** Who is asking, for which namespace; resolved and authenticated by the gateway. */
export interface RequestContext {
  tenant: string;
  database: string;
  user: string;
}

/**
 * Accepts a line-protocol body. Resolves once the rows are durable; rejects with a
 * CnosError (see @cnosdb/shared/errors) for anything the client must hear about.
 * In distributed mode this is a gRPC client of parser-lineprotocol; in standalone mode the
 * ingest service itself.
 *
 * `contentEncoding` is the body's Content-Encoding token, checked by the caller ('identity':
 * plain text). The body travels in it as far as the parser, which decodes it (a compressed
 * body is several times smaller to forward).
 */
export abstract class LineProtocolWriter {
  abstract write(ctx: RequestContext, precision: WritePrecision, body: AsyncIterable<Buffer>, contentEncoding?: string): Promise<{ rows: number }>;
}

/**
 * Runs one SQL request. Yields a schema event first, then row batches; errors before the
 * schema reject the iteration with a CnosError.
 */
export abstract class SqlExecutor {
  abstract execute(ctx: RequestContext, sql: string): AsyncIterable<QueryEvent>;
}

/**
 * Where parsed rows go: Kafka in distributed mode, ClickHouse directly in standalone mode.
 * Resolves only when the rows are durable there.
 */
export abstract class RowSink {
  abstract publish(batches: RowBatch[]): Promise<void>;

  /**
   * Starts an all-or-nothing write for bodies too large to hold in memory: rows published
   * through the transaction become visible only at commit, and not at all after abort.
   */
  abstract begin(): Promise<RowSinkTransaction>;
}

/** An open all-or-nothing write (see RowSink.begin). */
export interface RowSinkTransaction {
  publish(batches: RowBatch[]): Promise<void>;
  /** Makes every published row durable and visible; resolves when it is. */
  commit(): Promise<void>;
  /** Discards every published row. */
  abort(): Promise<void>;
}
