export * from './lib/clickhouse-row.sink';
export * from './lib/storage-writer.consumer';
