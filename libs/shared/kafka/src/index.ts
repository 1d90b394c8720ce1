export * from './lib/kafka.factory';
export * from './lib/kafka-row.sink';
