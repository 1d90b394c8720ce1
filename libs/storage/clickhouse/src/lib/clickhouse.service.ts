import { ClickHouseClient, createClient } from '@clickhouse/client';
import { Readable } from 'stream';
import { OnModuleDestroy } from '@nestjs/common';

export interface ClickHouseSettings {
  url: string;
  user: string;
  password: string;
  requestTimeoutMs: number;
}

/** Raised when ClickHouse cannot be reached at all (as opposed to rejecting a statement). */
export class ClickHouseUnavailableError extends Error {}

/** A ClickHouse server error with its numeric code (e.g. 44 = column already exists). */
export class ClickHouseServerError extends Error {
  constructor(
    message: string,
    readonly chCode: number,
  ) {
    super(message);
  }
}

const NETWORK_ERRORS = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'];

function translateError(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  if (e && typeof e.code === 'string' && NETWORK_ERRORS.includes(e.code)) {
    return new ClickHouseUnavailableError(`ClickHouse unreachable: ${e.code}`);
  }
  if (e && typeof e.code === 'string' && /^\d+$/.test(e.code)) return new ClickHouseServerError(e.message ?? String(err), Number(e.code));
  const m = /Code: (\d+)/.exec(e?.message ?? '');
  if (m) return new ClickHouseServerError(e.message ?? '', Number(m[1]));
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The one way the project talks to ClickHouse (HTTP interface through @clickhouse/client).
 * Works against Debian's 18.16 and current servers: it uses only plain statements and the
 * TabSeparated / JSONEachRow / Native formats both understand.
 */
export class ClickHouseService implements OnModuleDestroy {
  private readonly client: ClickHouseClient;
  private version?: string;

  constructor(settings: ClickHouseSettings) {
    this.client = createClient({
      url: settings.url,
      username: settings.user,
      password: settings.password,
      request_timeout: settings.requestTimeoutMs,
      compression: { request: false, response: false },
      max_open_connections: 16,
      // Keeps long queries' connections alive through idle-timeout proxies; 18.16 knows both.
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' },
    });
  }

  /** Runs a statement that returns nothing (DDL, INSERT … SELECT). */
  async exec(sql: string): Promise<void> {
    try {
      await this.client.command({ query: sql });
    } catch (err) {
      throw translateError(err);
    }
  }

  /** Runs a query and returns its rows as objects (JSONEachRow; 64-bit integers as strings). */
  async rows<T>(sql: string): Promise<T[]> {
    try {
      const rs = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      throw translateError(err);
    }
  }

  /**
   * Runs a query in TabSeparated format and yields its output as text chunks (split at
   * arbitrary points). `abort` cancels the request.
   */
  async *tsv(sql: string, abort?: AbortSignal): AsyncGenerator<string> {
    let rs;
    try {
      rs = await this.client.query({ query: sql, format: 'TabSeparated', abort_signal: abort });
    } catch (err) {
      throw translateError(err);
    }
    const stream = rs.stream() as unknown as AsyncIterable<{ text: string }[]>;
    try {
      for await (const rows of stream) {
        let chunk = '';
        for (const row of rows) chunk += row.text + '\n';
        yield chunk;
      }
    } catch (err) {
      throw translateError(err);
    }
  }

  /**
   * Inserts Native-format blocks (see native.encoder.ts) into `table` (already quoted) for the
   * quoted `columns`; several blocks may follow each other in one body.
   */
  async insertNative(table: string, columns: string[], blocks: Buffer[]): Promise<void> {
    try {
      const r = await this.client.exec({
        query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT Native`,
        values: Readable.from(blocks, { objectMode: false }),
      });
      // The answer to an INSERT is empty; reading it to the end frees the connection.
      for await (const _ of r.stream) void _;
    } catch (err) {
      throw translateError(err);
    }
  }

  /** The server version string, asked once. */
  async serverVersion(): Promise<string> {
    if (!this.version) {
      const [row] = await this.rows<{ v: string }>('SELECT version() AS v');
      this.version = row.v;
    }
    return this.version;
  }

  async ping(): Promise<void> {
    const r = await this.client.ping();
    if (!r.success) throw new ClickHouseUnavailableError(`ClickHouse unreachable: ${(r as { error?: Error }).error?.message ?? 'ping failed'}`);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
