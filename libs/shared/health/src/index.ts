export * from './lib/health.server';
