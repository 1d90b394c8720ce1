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

/** A query waiting for the barrier; `target` is set by the first end-offset read that began after it arrived. */
interface Waiter {
  started: number;
  deadline: number;
  target?: Map<number, bigint>;
  position?: string;
  resolve: (r: BarrierResult) => void;
}

/** Longest pause between two reads of the storage writer's committed offsets. */
const MAX_POLL_MS = 100;

/**
 * Distributed mode: take the ingest topic's end offsets at query start, then poll the
 * storage writer group's committed offsets until they reach them (or the bound passes).
 *
 * Every query waiting at the same time shares one poll loop: each Kafka admin read is a
 * coordinator lookup plus a request, and a poll per query per few milliseconds made Kafka
 * itself one of the busiest processes while users queried during heavy ingest. Committed
 * offsets only grow, so the latest read answers every waiter whose target it reaches.
 */
@Injectable()
export class KafkaConsistencyBarrier extends ConsistencyBarrier implements OnModuleDestroy {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;
  private waiters: Waiter[] = [];
  private polling = false;

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

  wait(): Promise<BarrierResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      this.waiters.push({ started, deadline: started + this.config.query.consistencyWaitMs, resolve });
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const topic = INGEST_TOPICS.rows;
    let delay = 2;
    try {
      while (this.waiters.length > 0) {
        const admin = await this.connected();
        // Waiters without a target arrived before this read began, so it covers every
        // write acknowledged before they started.
        const fresh = this.waiters.filter((w) => !w.target);
        if (fresh.length > 0) {
          const ends = await admin.fetchTopicOffsets(topic);
          const target = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
          // A parser adds a write's columns before it produces the write, so every such
          // change is done once the storage writer has committed past these end offsets.
          const position = ends.map((p) => `${p.partition}:${p.high}`).join(',');
          for (const w of fresh) Object.assign(w, { target, position });
          delay = 2;
        }
        const [group] = await admin.fetchOffsets({ groupId: STORAGE_WRITER_GROUP, topics: [topic] });
        const committed = new Map((group?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
        const now = Date.now();
        this.waiters = this.waiters.filter((w) => {
          if (!w.target) return true;
          const reached = [...w.target].every(([partition, high]) => high === 0n || (committed.get(partition) ?? -1n) >= high);
          if (reached) w.resolve({ timedOut: false, waitedMs: now - w.started, position: w.position });
          else if (now >= w.deadline) w.resolve({ timedOut: true, waitedMs: now - w.started });
          else return true;
          return false;
        });
        if (this.waiters.some((w) => w.target)) {
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, MAX_POLL_MS);
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'consistency barrier could not read Kafka offsets');
      const now = Date.now();
      for (const w of this.waiters) w.resolve({ timedOut: true, waitedMs: now - w.started });
      this.waiters = [];
    } finally {
      this.polling = false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }
}
