import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'crypto';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { Errors } from '@cnosdb/shared/errors';
import { Credentials } from './basic-auth';

/**
 * Checks credentials. Unlike CnosDB (auth off by default), passwords are always checked;
 * a failure is 401 with CnosDB's 010016 body (DESIGN section 2). In this slice the only
 * user is root, whose password comes from config (empty by default for local use).
 */
@Injectable()
export class AuthService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  verify(credentials: Credentials): void {
    const expected = Buffer.from(this.config.auth.rootPassword);
    const given = Buffer.from(credentials.password);
    const ok = credentials.user === 'root' && expected.length === given.length && timingSafeEqual(expected, given);
    if (!ok) throw Errors.accessDenied(credentials.user);
  }
}
