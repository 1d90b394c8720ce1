import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { INGEST_TOPICS, STORAGE_WRITER_GROUP } from '@cnosdb/contracts';
import { APP_CONFIG, AppConfig } from '@cnosdb/shared/config';
import { createKafka } from '@cnosdb/shared/kafka';
import { LOGGER, Logger } from '@cnosdb/shared/logging';

/**
 * What a barrier wait found. `position` names how far the writes go that are now in
 * ClickHouse (absent when the wait ran out): while it stays the same, no write was
 * acknowledged since, so nothing a write does to a schema (adding columns) can have happened
 * since either — the query engine's schema cache relies on this.
 */
export interface BarrierResult {
  timedOut: boolean;
  waitedMs: number;
  position?: string;
}

/**
 * Read-your-writes (DESIGN section 6): before a query runs, wait until everything
 * acknowledged before the query started is in ClickHouse. `timedOut` is true when the bounded
 * wait ran out (the query then runs anyway and says so).
 */
export abstract class ConsistencyBarrier {
  abstract wait(): Promise<BarrierResult>;
}

/** Position of the standalone barrier: writes there change schemas through the shared SchemaManager, which updates its cache itself. */
export const LOCAL_POSITION = 'local';

/** Standalone mode: a write is acknowledged after ClickHouse has it, so there is nothing to wait for. */
@Injectable()
export class ImmediateConsistency extends ConsistencyBarrier {
  async wait(): Promise<BarrierResult> {
    return { timedOut: false, waitedMs: 0, position: LOCAL_POSITION };
  }
}

/**
 * Distributed mode: take the ingest topic's end offsets at query start, then poll the
 * storage writer group's committed offsets until they reach them (or the bound passes).
 */
@Injectable()
export class KafkaConsistencyBarrier extends ConsistencyBarrier implements OnModuleDestroy {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.kafka = createKafka(config.kafka, logger);
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  async wait(): Promise<BarrierResult> {
    const started = Date.now();
    const deadline = started + this.config.query.consistencyWaitMs;
    try {
      const admin = await this.connected();
      const topic = INGEST_TOPICS.rows;
      const ends = await admin.fetchTopicOffsets(topic);
      const target = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
      let delay = 2;
      for (;;) {
        const [group] = await admin.fetchOffsets({ groupId: STORAGE_WRITER_GROUP, topics: [topic] });
        const behind = (group?.partitions ?? []).some((p) => {
          const committed = BigInt(p.offset === '-1' ? '0' : p.offset);
          return committed < (target.get(p.partition) ?? 0n);
        });
        const unknown = [...target].some(([partition, high]) => high > 0n && !group?.partitions.some((p) => p.partition === partition));
        // A parser adds a write's columns before it produces the write, so every such change
        // is done once the storage writer has committed past these end offsets.
        if (!behind && !unknown) return { timedOut: false, waitedMs: Date.now() - started, position: ends.map((p) => `${p.partition}:${p.high}`).join(',') };
        if (Date.now() >= deadline) return { timedOut: true, waitedMs: Date.now() - started };
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 50);
      }
    } catch (err) {
      this.logger.warn({ err }, 'consistency barrier could not read Kafka offsets');
      return { timedOut: true, waitedMs: Date.now() - started };
    }
  }

  async onModuleDestroy(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }
}
