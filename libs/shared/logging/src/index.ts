export * from './lib/logger';
export * from './lib/logging.module';
export type { Logger } from 'pino';
