/** Kafka topic carrying line-protocol (and later other protocols') row batches. */
export const INGEST_TOPICS = {
  rows: 'cnosdb.ingest.rows.v1',
} as const;

/** Consumer group of the storage writers. */
export const STORAGE_WRITER_GROUP = 'cnosdb-storage-writer';

/** Partition key: a table's rows stay in one partition, so their order is kept. */
export function partitionKey(tenant: string, database: string, table: string): string {
  return `${tenant}\u0000${database}\u0000${table}`;
}
