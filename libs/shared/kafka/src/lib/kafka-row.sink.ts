import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Kafka, Message, Producer } from 'kafkajs';
import { encodeRowBatch, INGEST_TOPICS, partitionKey, RowBatch, RowSink, sliceRowBatch } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { Errors } from '@cnosdb/shared/errors';
import { createDurableProducer, createKafka, ensureTopics } from './kafka.factory';
import { LOGGER, Logger } from '@cnosdb/shared/logging';

/**
 * Publishes row batches to Kafka with the idempotent, acks=all producer. A batch becomes one
 * message (split in halves until each fits the message size limit), keyed by its table so a
 * table's rows stay ordered in one partition. Resolves only when Kafka acknowledged.
 */
@Injectable()
export class KafkaRowSink extends RowSink implements OnModuleDestroy {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.kafka = createKafka(config.kafka, logger);
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.connecting) {
      this.connecting = (async () => {
        await ensureTopics(this.kafka, [INGEST_TOPICS.rows], this.config.kafka.topicPartitions, this.config.kafka.maxMessageBytes);
        const producer = createDurableProducer(this.kafka);
        await producer.connect();
        this.producer = producer;
        return producer;
      })().finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  /** Connects eagerly so the first write does not pay for it; failures surface on write. */
  async warmUp(): Promise<void> {
    await this.connected();
  }

  async publish(batches: RowBatch[]): Promise<void> {
    const messages: Message[] = [];
    for (const batch of batches) this.encodeInto(batch, messages);
    let producer: Producer;
    try {
      producer = await this.connected();
      await producer.send({ topic: INGEST_TOPICS.rows, acks: -1, messages });
    } catch (err) {
      this.logger.error({ err }, 'kafka publish failed');
      throw Errors.unavailable(`Kafka did not acknowledge the write: ${(err as Error).message}`);
    }
  }

  private encodeInto(batch: RowBatch, out: Message[]): void {
    const value = encodeRowBatch(batch);
    if (value.length > this.config.kafka.maxMessageBytes && batch.rowCount > 1) {
      const mid = batch.rowCount >> 1;
      this.encodeInto(sliceRowBatch(batch, 0, mid), out);
      this.encodeInto(sliceRowBatch(batch, mid, batch.rowCount), out);
      return;
    }
    out.push({ key: partitionKey(batch.tenant, batch.database, batch.table), value });
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
  }
}
