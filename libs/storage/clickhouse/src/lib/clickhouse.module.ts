import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';
import { SchemaManager } from './schema.manager';
import { RowInserter } from './row.inserter';
import { BatchSchemaHealer, SchemaHealingRowInserter } from './healing-row.inserter';

/** ClickHouse access for a process: client, metadata, schemas, inserts. */
@Global()
@Module({
  providers: [
    {
      provide: ClickHouseService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ClickHouseService(config.clickhouse),
    },
    { provide: MetadataStore, inject: [ClickHouseService], useFactory: (ch: ClickHouseService) => new MetadataStore(ch) },
    {
      provide: SchemaManager,
      inject: [ClickHouseService, MetadataStore],
      useFactory: (ch: ClickHouseService, metadata: MetadataStore) => new SchemaManager(ch, metadata),
    },
    {
      provide: BatchSchemaHealer,
      inject: [MetadataStore, SchemaManager],
      useFactory: (metadata: MetadataStore, schemas: SchemaManager) => new BatchSchemaHealer(metadata, schemas),
    },
    {
      provide: RowInserter,
      inject: [ClickHouseService, BatchSchemaHealer],
      useFactory: (ch: ClickHouseService, healer: BatchSchemaHealer) => new SchemaHealingRowInserter(ch, healer),
    },
  ],
  exports: [ClickHouseService, MetadataStore, SchemaManager, RowInserter, BatchSchemaHealer],
})
export class ClickHouseModule {}
