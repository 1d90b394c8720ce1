import { AppConfig } from '@cnosdb/shared/config';
import { Logger } from '@cnosdb/shared/logging';
import { KafkaConsistencyBarrier } from './consistency.barrier';

/** Kafka admin stand-in: end offsets and the storage writer's committed offsets, counting reads. */
class FakeAdmin {
  high = '10';
  committed = '0';
  endReads = 0;
  commitReads = 0;
  async fetchTopicOffsets() {
    this.endReads++;
    return [{ partition: 0, high: this.high, low: '0', offset: this.high }];
  }
  async fetchOffsets() {
    this.commitReads++;
    return [{ topic: 'rows', partitions: [{ partition: 0, offset: this.committed }] }];
  }
}

function barrier(admin: FakeAdmin, waitMs = 5000): KafkaConsistencyBarrier {
  const config = { kafka: { brokers: ['127.0.0.1:1'], clientId: 't', topicPartitions: 1, maxMessageBytes: 1024 }, query: { consistencyWaitMs: waitMs } } as unknown as AppConfig;
  const logger = { warn: () => undefined, debug: () => undefined, error: () => undefined, info: () => undefined } as unknown as Logger;
  const b = new KafkaConsistencyBarrier(config, logger);
  (b as unknown as { connected: () => Promise<FakeAdmin> }).connected = async () => admin;
  return b;
}

describe('KafkaConsistencyBarrier', () => {
  it('answers at once when the storage writer is past the end offsets', async () => {
    const admin = new FakeAdmin();
    admin.committed = '10';
    await expect(barrier(admin).wait()).resolves.toMatchObject({ timedOut: false, position: '0:10' });
  });

  it('has queries waiting at the same time share one poll loop', async () => {
    const admin = new FakeAdmin();
    const b = barrier(admin);
    const waits = [b.wait(), b.wait(), b.wait()];
    setTimeout(() => (admin.committed = '10'), 60);
    const results = await Promise.all(waits);
    expect(results.every((r) => !r.timedOut)).toBe(true);
    expect(admin.endReads).toBe(1);
    // One loop: a handful of polls in 60 ms, not one series per query.
    expect(admin.commitReads).toBeLessThan(12);
  });

  it('gives a query that arrives later the end offsets of a read that began after it', async () => {
    const admin = new FakeAdmin();
    const b = barrier(admin);
    const first = b.wait();
    await new Promise((r) => setTimeout(r, 20));
    admin.high = '20'; // a write acknowledged after the first query started
    const second = b.wait();
    admin.committed = '10';
    await expect(first).resolves.toMatchObject({ timedOut: false, position: '0:10' });
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(secondDone).toBe(false);
    admin.committed = '20';
    await expect(second).resolves.toMatchObject({ timedOut: false, position: '0:20' });
  });

  it('runs out after the configured wait', async () => {
    const admin = new FakeAdmin();
    await expect(barrier(admin, 50).wait()).resolves.toMatchObject({ timedOut: true });
  });
});
