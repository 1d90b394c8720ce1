import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { LineProtocolWriter, parsePrecision } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { Errors } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import { AuthService } from './auth.service';
import { parseBasicAuth } from './basic-auth';
import { queryParam, sendEmpty, sendError } from './http-response';
import { checkContentEncoding, checkDeclaredLength, requestBody } from './request-body';

/** POST /api/v1/write: line protocol, streamed to the line-protocol writer. */
@Controller()
export class WriteController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LineProtocolWriter) private readonly writer: LineProtocolWriter,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @All('api/v1/write')
  async write(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'POST') return sendEmpty(res, 405);
    try {
      checkDeclaredLength(req, this.config.http.writeBodyLimit);
      const credentials = parseBasicAuth(req.headers.authorization);
      const encoding = checkContentEncoding(req);
      this.auth.verify(credentials);
      const rawPrecision = queryParam(req, 'precision');
      const precision = parsePrecision(rawPrecision);
      if (!precision) throw Errors.invalidParameter(`Invalid precision: "${rawPrecision}", accepted values are ns, us, ms`);
      const ctx = {
        tenant: queryParam(req, 'tenant') || 'cnosdb',
        database: queryParam(req, 'db') || 'public',
        user: credentials.user,
      };
      await this.writer.write(ctx, precision, requestBody(req, this.config.http.writeBodyLimit, encoding));
      sendEmpty(res, 200);
    } catch (err) {
      sendError(res, err, this.logger);
    }
  }
}
