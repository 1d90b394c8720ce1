import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { sendEmpty } from './http-response';

/** GET|HEAD /api/v1/ping: liveness, no dependencies checked. */
@Controller()
export class PingController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @All('api/v1/ping')
  ping(@Req() req: Request, @Res() res: Response): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendEmpty(res, 405);
    const body = JSON.stringify({ version: this.config.version, status: 'healthy' });
    res.status(200).setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** GET|HEAD /ping: InfluxDB v1's health check (204 with a version header), for v1 clients. */
  @All('ping')
  influxPing(@Req() req: Request, @Res() res: Response): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendEmpty(res, 405);
    res.setHeader('x-influxdb-version', '1.8.10');
    res.setHeader('x-influxdb-build', 'OSS');
    res.status(204).end();
  }
}
