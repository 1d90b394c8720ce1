export * from './lib/kafka.factory';
