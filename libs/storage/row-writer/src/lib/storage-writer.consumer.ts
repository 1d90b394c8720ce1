import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodeRowBatch, INGEST_TOPICS, RowBatch, STORAGE_WRITER_GROUP } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { createKafka, ensureTopics } from '@cnosdb/shared/kafka';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import { batchToNative, chDatabaseName, ClickHouseService, isMissingSchemaError, qualified, RowInserter } from '@cnosdb/storage/clickhouse';

/**
 * Version of row i of the message at `offset`: offsets order writes per table (one
 * partition per table), so a redelivered message gets the same versions and cannot
 * override a newer write.
 */
export function versionBaseForOffset(offset: string): bigint {
  return BigInt(offset) << 20n;
}

/**
 * The storage writer: a Kafka consumer group that inserts row batches into ClickHouse and
 * commits offsets only after ClickHouse acknowledged. Delivery is at least once; the storage
 * model makes a replay change nothing.
 */
/** INSERTs of one fetched batch that run side by side, and the fewest rows worth a part of its own. */
const INSERT_CONCURRENCY = 2;
const MIN_ROWS_PER_INSERT = 20_000;

interface InsertGroup {
  table: string;
  columns: string[];
  blocks: Buffer[];
  rows: number;
  parts: { batch: RowBatch; offset: string }[];
}

/** Splits a group into up to INSERT_CONCURRENCY INSERTs of about equal rows, each at least MIN_ROWS_PER_INSERT. */
export function splitGroup(group: InsertGroup): InsertGroup[] {
  const pieces = Math.min(INSERT_CONCURRENCY, group.parts.length, Math.floor(group.rows / MIN_ROWS_PER_INSERT));
  if (pieces <= 1) return [group];
  const target = group.rows / pieces;
  const out: InsertGroup[] = [];
  let current: InsertGroup | undefined;
  group.parts.forEach((part, i) => {
    if (!current || (current.rows >= target && out.length < pieces)) {
      current = { table: group.table, columns: group.columns, blocks: [], rows: 0, parts: [] };
      out.push(current);
    }
    current.blocks.push(group.blocks[i]);
    current.parts.push(part);
    current.rows += part.batch.rowCount;
  });
  return out;
}

@Injectable()
export class StorageWriterConsumer implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  rowsWritten = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ClickHouseService) private readonly ch: ClickHouseService,
    @Inject(RowInserter) private readonly inserter: RowInserter,
  ) {
    this.kafka = createKafka(config.kafka, logger);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [INGEST_TOPICS.rows], this.config.kafka.topicPartitions, this.config.kafka.maxMessageBytes);
    const consumer = this.kafka.consumer({
      groupId: STORAGE_WRITER_GROUP,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      // Larger fetches make larger INSERTs: ClickHouse's cost is mostly per part written, and
      // one partition's batches are stored one after another. Bounded: 16 MiB per partition.
      maxBytesPerPartition: Math.max(this.config.kafka.maxMessageBytes * 4, 16 * 1024 * 1024),
      maxBytes: 64 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [INGEST_TOPICS.rows], fromBeginning: true });
    // Offsets are resolved only after ClickHouse acknowledged; kafkajs then commits the
    // resolved ones, including those of transaction markers the batch skipped.
    await consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const t0 = Date.now();
    const decoded: { batch: RowBatch; offset: string }[] = [];
    for (const message of batch.messages) {
      if (!message.value) continue;
      try {
        decoded.push({ batch: decodeRowBatch(message.value), offset: message.offset });
      } catch (err) {
        // A message we cannot read would block the partition forever; log it loudly and move on.
        this.logger.error({ err, partition: batch.partition, offset: message.offset }, 'skipping undecodable message');
      }
    }
    // One INSERT per table and column set: ClickHouse makes a part per INSERT, so many small
    // inserts would cost merges; messages keep their own versions inside the combined insert.
    const groups = new Map<string, InsertGroup>();
    for (const { batch: rows, offset } of decoded) {
      const { columns, block } = batchToNative(rows, versionBaseForOffset(offset));
      const table = qualified(chDatabaseName(rows.tenant, rows.database), rows.table);
      const key = `${table}\u0000${columns.join(',')}`;
      const group = groups.get(key) ?? { table, columns, blocks: [], rows: 0, parts: [] };
      group.blocks.push(block);
      group.parts.push({ batch: rows, offset });
      group.rows += rows.rowCount;
      groups.set(key, group);
    }
    // ClickHouse runs each INSERT on one thread: a big fetch goes in as a few INSERTs side by
    // side, so sorting and compressing one does not leave the other core idle.
    const inserts = [...groups.values()].flatMap(splitGroup);
    let nextInsert = 0;
    const runInserts = async () => {
      while (nextInsert < inserts.length) await this.store(inserts[nextInsert++]);
    };
    await Promise.all(Array.from({ length: Math.min(INSERT_CONCURRENCY, inserts.length) }, runInserts));
    const t1 = Date.now();
    resolveOffset(batch.lastOffset());
    await heartbeat();
    this.logger.debug({ partition: batch.partition, messages: batch.messages.length, rows: decoded.reduce((n, d) => n + d.batch.rowCount, 0), inserts: inserts.length, ms: t1 - t0 }, 'batch stored');
  }

  private async store(group: InsertGroup): Promise<void> {
    try {
      await this.ch.insertNative(group.table, group.columns, group.blocks);
    } catch (err) {
      // DDL raced these rows (table, column or database dropped): insert message by
      // message through the healing inserter, which recreates or discards, so a dropped
      // table can never wedge the partition.
      if (!isMissingSchemaError(err)) throw err;
      for (const { batch: rows, offset } of group.parts) {
        await this.inserter.insert(chDatabaseName(rows.tenant, rows.database), rows, versionBaseForOffset(offset));
      }
    }
    this.rowsWritten += group.rows;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
