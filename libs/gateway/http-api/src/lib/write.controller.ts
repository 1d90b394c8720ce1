import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { LineProtocolWriter, parseInfluxPrecision, parsePrecision, WritePrecision } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { Errors } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import { AuthService } from './auth.service';
import { Credentials, parseBasicAuth } from './basic-auth';
import { queryParam, sendEmpty, sendError } from './http-response';
import { checkContentEncoding, checkDeclaredLength, wireBody } from './request-body';

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
    await this.handle(req, res, 200, () => parseBasicAuth(req.headers.authorization), () => {
      const raw = queryParam(req, 'precision');
      const precision = parsePrecision(raw);
      if (!precision) throw Errors.invalidParameter(`Invalid precision: "${raw}", accepted values are ns, us, ms`);
      return precision;
    });
  }

  /**
   * POST /write: InfluxDB v1's write endpoint, so Telegraf's `influxdb` output and v1 client
   * libraries work unchanged: Basic auth or `u`/`p` parameters, InfluxDB's precision units
   * and its 204 reply (docs/decisions/0005).
   */
  @All('write')
  async influxWrite(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'POST') return sendEmpty(res, 405);
    await this.handle(req, res, 204, () => this.influxCredentials(req), () => {
      const raw = queryParam(req, 'precision');
      const precision = parseInfluxPrecision(raw);
      if (!precision) throw Errors.invalidParameter(`Invalid precision: "${raw}", accepted values are n, u, ms, s, m, h`);
      return precision;
    });
  }

  private influxCredentials(req: Request): Credentials {
    if (req.headers.authorization !== undefined) return parseBasicAuth(req.headers.authorization);
    const user = queryParam(req, 'u');
    if (user === undefined) throw Errors.missingAuthorization();
    return { user, password: queryParam(req, 'p') ?? '' };
  }

  private async handle(req: Request, res: Response, okStatus: number, credentials: () => Credentials, precision: () => WritePrecision): Promise<void> {
    try {
      checkDeclaredLength(req, this.config.http.writeBodyLimit);
      const creds = credentials();
      const encoding = checkContentEncoding(req);
      this.auth.verify(creds);
      const unit = precision();
      const ctx = { tenant: queryParam(req, 'tenant') || 'cnosdb', database: queryParam(req, 'db') || 'public', user: creds.user };
      // The limit counts the bytes on the wire; the writer decodes (in the parser, distributed).
      await this.writer.write(ctx, unit, wireBody(req, this.config.http.writeBodyLimit), encoding);
      sendEmpty(res, okStatus);
    } catch (err) {
      sendError(res, err, this.logger);
    }
  }
}
