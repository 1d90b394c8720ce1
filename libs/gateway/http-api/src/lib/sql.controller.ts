import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { QueryEvent, SqlExecutor } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { CnosError, Errors } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import {
  contentTypeOf,
  createRenderer,
  endBody,
  FormatNegotiationError,
  negotiateFormat,
  negotiateResponseEncoding,
  ResultRenderer,
  ResultRenderError,
} from '@cnosdb/gateway/result-format';
import { AuthService } from './auth.service';
import { parseBasicAuth } from './basic-auth';
import { queryParam, sendEmpty, sendError } from './http-response';
import { checkContentEncoding, checkDeclaredLength, readWholeBody } from './request-body';
import { assertResponseEncodingSupported, drained, encodeResponseBody, openSpooledBody, SpooledBody } from './response-encoding';

/** Set when the read-your-writes wait ran out before the query ran (DESIGN section 6). */
export const CONSISTENCY_HEADER = 'x-cnosdb-consistency';

/** Characters of a non-chunked body held to send it whole with a content-length; larger bodies stream. */
const WHOLE_BODY_LIMIT = 1024 * 1024;

/** POST /api/v1/sql: one statement, result rendered in the negotiated format. */
@Controller()
export class SqlController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SqlExecutor) private readonly executor: SqlExecutor,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @All('api/v1/sql')
  async sql(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'POST') return sendEmpty(res, 405);
    try {
      checkDeclaredLength(req, this.config.http.queryBodyLimit);
      const credentials = parseBasicAuth(req.headers.authorization);
      const requestEncoding = checkContentEncoding(req);
      this.auth.verify(credentials);
      const chunkedParam = queryParam(req, 'chunked');
      if (chunkedParam !== undefined && chunkedParam !== 'true' && chunkedParam !== 'false') {
        throw Errors.invalidParameter(`Invalid query parameter chunked: "${chunkedParam}", expected true or false`);
      }
      const chunked = chunkedParam === 'true';
      let format;
      let encoding;
      try {
        format = negotiateFormat(req.headers.accept);
        encoding = negotiateResponseEncoding(req.headers['accept-encoding'] as string | undefined);
      } catch (err) {
        if (err instanceof FormatNegotiationError) throw new CnosError(400, '040005', err.message);
        throw err;
      }
      assertResponseEncodingSupported(encoding);
      const sql = (await readWholeBody(req, this.config.http.queryBodyLimit, requestEncoding)).toString('utf8');
      const ctx = { tenant: queryParam(req, 'tenant') || 'cnosdb', database: queryParam(req, 'db') || 'public', user: credentials.user };

      const events = this.executor.execute(ctx, sql)[Symbol.asyncIterator]();
      const first = await events.next();
      if (first.done || first.value.kind !== 'schema') throw Errors.internal('query produced no schema');
      const schema = first.value as Extract<QueryEvent, { kind: 'schema' }>;
      res.status(200).setHeader('content-type', contentTypeOf(format));
      if (encoding) res.setHeader('content-encoding', encoding);
      if (schema.consistencyTimeout) res.setHeader(CONSISTENCY_HEADER, 'timeout');

      if (schema.columns.length === 0) {
        // Statements without a result set (DDL) answer 200 with an empty body.
        for (let e = await events.next(); !e.done; e = await events.next());
        const body = encoding ? encodeResponseBody(encoding, Buffer.alloc(0)) : Buffer.alloc(0);
        res.setHeader('content-length', body.length);
        res.end(body);
        return;
      }
      const renderer = createRenderer(format, schema.columns, { chunked });
      try {
        if (chunked) await this.streamChunked(res, renderer, events, encoding);
        else await this.sendWhole(res, renderer, events, encoding);
      } finally {
        renderer.dispose?.();
        // Stops the query when the body ended early (client gone, error).
        await events.return?.(undefined);
      }
    } catch (err) {
      // A result the format cannot represent (e.g. a struct in CSV): CnosDB's FetchResult error.
      if (err instanceof ResultRenderError) return sendError(res, new CnosError(422, '040007', `Fetch result: ${err.message}`), this.logger);
      sendError(res, err, this.logger);
    }
  }

  /**
   * Non-chunked body, sent whole with its content-length as CnosDB does. Up to
   * WHOLE_BODY_LIMIT characters it is held in memory; a larger result is spooled to a
   * temporary file (see openSpooledBody), so memory stays bounded whatever its size and an
   * error before the end is still a plain error status.
   */
  private async sendWhole(res: Response, renderer: ResultRenderer, events: AsyncIterator<QueryEvent>, encoding: string | undefined): Promise<void> {
    const parts: string[] = [];
    let size = 0;
    let spool: SpooledBody | undefined;
    const emit = async (text: string): Promise<boolean> => {
      if (text.length === 0) return true;
      if (!spool) {
        parts.push(text);
        size += text.length;
        if (size <= WHOLE_BODY_LIMIT) return true;
        spool = await openSpooledBody(res, encoding);
        text = parts.join('');
        parts.length = 0;
      }
      return spool.write(text);
    };
    try {
      let anyRows = false;
      for (let e = await events.next(); !e.done; e = await events.next()) {
        if (e.value.kind !== 'rows' || e.value.rows.length === 0) continue;
        if (!(await emit(renderer.renderBatch(e.value.rows, !anyRows)))) return;
        anyRows = true;
      }
      for await (const piece of endBody(renderer, anyRows)) if (!(await emit(piece))) return;
      if (spool) {
        const s = spool;
        spool = undefined;
        return await s.send();
      }
    } finally {
      await spool?.discard();
    }
    const body = encodeResponseBody(encoding, Buffer.from(parts.join('')));
    res.setHeader('content-length', body.length);
    res.end(body);
  }

  private async streamChunked(res: Response, renderer: ResultRenderer, events: AsyncIterator<QueryEvent>, encoding: string | undefined): Promise<void> {
    let gone = false;
    res.once('close', () => (gone = true));
    const send = async (text: string) => {
      if (text.length === 0 || gone) return;
      if (!res.write(encodeResponseBody(encoding, Buffer.from(text)))) await drained(res, res);
    };
    let anyRows = false;
    try {
      for (let e = await events.next(); !e.done && !gone; e = await events.next()) {
        if (e.value.kind !== 'rows' || e.value.rows.length === 0) continue;
        await send(renderer.renderBatch(e.value.rows, !anyRows));
        anyRows = true;
      }
      for await (const piece of endBody(renderer, anyRows)) await send(piece);
    } catch (err) {
      // The status line is gone already: CnosDB writes the error into the body (Display form).
      const e = err instanceof CnosError ? err : Errors.internal(String((err as Error)?.message ?? err));
      await send(`{"error_code": "${e.code}", "error_message": "${e.message}"}`);
    }
    res.end();
  }
}
