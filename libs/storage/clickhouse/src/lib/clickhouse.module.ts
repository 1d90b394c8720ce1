import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { ClickHouseService } from './clickhouse.service';
import { MetadataStore } from './metadata.store';
import { SchemaManager } from './schema.manager';
import { RowInserter } from './row.inserter';

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
    { provide: SchemaManager, inject: [ClickHouseService], useFactory: (ch: ClickHouseService) => new SchemaManager(ch) },
    { provide: RowInserter, inject: [ClickHouseService], useFactory: (ch: ClickHouseService) => new RowInserter(ch) },
  ],
  exports: [ClickHouseService, MetadataStore, SchemaManager, RowInserter],
})
export class ClickHouseModule {}
