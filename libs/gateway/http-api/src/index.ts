export * from './lib/basic-auth';
export * from './lib/auth.service';
export * from './lib/request-body';
export * from './lib/http-response';
export * from './lib/sql.controller';
export * from './lib/http-api.module';
export * from './lib/http-server';
