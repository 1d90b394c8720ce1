export * from './lib/naming';
export * from './lib/clickhouse.service';
export * from './lib/metadata.store';
export * from './lib/table-schema';
export * from './lib/schema.manager';
export * from './lib/row.inserter';
export * from './lib/clickhouse.module';
export * from './lib/startup';
