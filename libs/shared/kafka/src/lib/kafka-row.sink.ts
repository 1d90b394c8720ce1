import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'os';
import { Admin, Kafka, Message, Producer, Transaction } from 'kafkajs';
import { encodeRowBatch, INGEST_TOPICS, partitionKey, RowBatch, RowSink, RowSinkTransaction, sliceRowBatch } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { Errors } from '@cnosdb/shared/errors';
import { LOGGER, Logger } from '@cnosdb/shared/logging';
import { createDurableProducer, createKafka, ensureTopics } from './kafka.factory';

/** How many large writes one process runs as Kafka transactions at the same time. */
const TRANSACTIONAL_PRODUCERS = 4;

/**
 * Publishes row batches to Kafka with idempotent, acks=all producers. A batch becomes one
 * message (split in halves until each fits the message size limit), keyed by its table so a
 * table's rows stay ordered in one partition. Resolves only when Kafka acknowledged.
 * Large bodies go through a Kafka transaction (begin): the storage writer reads committed
 * records only, so an aborted request leaves nothing behind.
 */
@Injectable()
export class KafkaRowSink extends RowSink implements OnModuleDestroy {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private readonly idleTx: Producer[] = [];
  private readonly allTx: Producer[] = [];
  private readonly waiting: ((p: Producer) => void)[] = [];
  private readonly open = new Set<Transaction>();
  private admin?: Promise<Admin>;

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
    try {
      const producer = await this.connected();
      for (const messages of this.toRequests(batches)) await producer.send({ topic: INGEST_TOPICS.rows, acks: -1, messages });
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  async begin(): Promise<RowSinkTransaction> {
    await this.connected().catch((err) => {
      throw this.unavailable(err);
    });
    const producer = await this.acquireTransactional();
    let tx: Transaction;
    try {
      tx = await producer.transaction();
    } catch (err) {
      this.release(producer);
      throw this.unavailable(err);
    }
    this.open.add(tx);
    /** First offset this transaction wrote in each partition. */
    const firstOffsets = new Map<number, bigint>();
    let open = true;
    const finish = async (action: () => Promise<void>) => {
      if (!open) return;
      open = false;
      this.open.delete(tx);
      try {
        await action();
      } finally {
        this.release(producer);
      }
    };
    return {
      publish: async (batches) => {
        try {
          for (const messages of this.toRequests(batches)) {
            const written = await tx.send({ topic: INGEST_TOPICS.rows, acks: -1, messages });
            for (const r of written) {
              const base = BigInt(r.baseOffset ?? '-1');
              if (base >= 0n && !firstOffsets.has(r.partition)) firstOffsets.set(r.partition, base);
            }
          }
        } catch (err) {
          throw this.unavailable(err);
        }
      },
      commit: () =>
        finish(async () => {
          try {
            await tx.commit();
          } catch (err) {
            throw this.unavailable(err);
          }
          await this.awaitMarkers(firstOffsets);
        }),
      abort: () =>
        finish(async () => {
          try {
            await tx.abort();
          } catch (err) {
            this.logger.warn({ err }, 'kafka transaction abort failed');
            return;
          }
          // Until the abort markers land, read-committed end offsets stay before the
          // transaction, and the barrier would not wait for writes acknowledged after it.
          await this.awaitMarkers(firstOffsets);
        }),
    };
  }

  /**
   * Kafka acknowledges a commit (or abort) once it is decided, and writes the partitions'
   * markers just after. Until a marker lands, read-committed end offsets stay before the
   * transaction, so the read-your-writes barrier would not wait for its rows, nor for any
   * write acknowledged after it in the same partition: wait for the markers (the last stable
   * offset passing the transaction's first record) before answering.
   */
  private async awaitMarkers(firstOffsets: Map<number, bigint>): Promise<void> {
    if (firstOffsets.size === 0) return;
    const deadline = Date.now() + 10_000;
    try {
      const admin = await this.connectedAdmin();
      for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
        const ends = await admin.fetchTopicOffsets(INGEST_TOPICS.rows);
        const pending = [...firstOffsets].some(([partition, first]) => BigInt(ends.find((e) => e.partition === partition)?.offset ?? '0') <= first);
        if (!pending || Date.now() > deadline) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    } catch (err) {
      // The commit itself succeeded: the rows are durable and will become visible.
      this.logger.warn({ err }, 'could not confirm kafka commit markers');
    }
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  private async acquireTransactional(): Promise<Producer> {
    const idle = this.idleTx.pop();
    if (idle) return idle;
    if (this.allTx.length < TRANSACTIONAL_PRODUCERS) {
      // Transactional ids are unique per process; a crashed process's open transaction is
      // aborted by the broker after the transaction timeout.
      const producer = this.kafka.producer({
        transactionalId: `${this.config.kafka.clientId}-${hostname()}-${process.pid}-${this.allTx.length}`,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 30_000,
        allowAutoTopicCreation: false,
      });
      this.allTx.push(producer);
      try {
        await producer.connect();
      } catch (err) {
        this.allTx.splice(this.allTx.indexOf(producer), 1);
        throw this.unavailable(err);
      }
      return producer;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(producer: Producer): void {
    const next = this.waiting.shift();
    if (next) next(producer);
    else this.idleTx.push(producer);
  }

  private unavailable(err: unknown) {
    this.logger.error({ err }, 'kafka publish failed');
    return Errors.unavailable(`Kafka did not acknowledge the write: ${(err as Error).message}`);
  }

  /**
   * Groups the messages into produce requests of at most the message size limit: Kafka
   * checks a partition's whole record batch of one request against `max.message.bytes`.
   * Requests go out one after another, so a table's rows keep their order.
   */
  private toRequests(batches: RowBatch[]): Message[][] {
    const messages: Message[] = [];
    for (const batch of batches) this.encodeInto(batch, messages);
    const requests: Message[][] = [];
    let current: Message[] = [];
    let size = 0;
    for (const m of messages) {
      const bytes = (m.value as Buffer).length;
      if (current.length > 0 && size + bytes > this.config.kafka.maxMessageBytes) {
        requests.push(current);
        current = [];
        size = 0;
      }
      current.push(m);
      size += bytes;
    }
    if (current.length > 0) requests.push(current);
    return requests;
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
    // An open transaction left behind would hold back read-committed consumers until the
    // broker times it out.
    await Promise.all([...this.open].map((tx) => tx.abort().catch(() => undefined)));
    const admin = await this.admin?.catch(() => undefined);
    await Promise.all([this.producer?.disconnect(), admin?.disconnect(), ...this.allTx.map((p) => p.disconnect())]);
  }
}
