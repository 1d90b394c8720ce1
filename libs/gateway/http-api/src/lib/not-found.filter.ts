import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Response } from 'express';
import { sendEmpty, sendError } from './http-response';

/** Unknown paths answer 404 with an empty body, as CnosDB does (not Nest's JSON). */
@Catch()
export class HttpFallbackFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) return sendEmpty(res, exception.getStatus());
    sendError(res, exception);
  }
}
