import { Kafka, logLevel, Producer } from 'kafkajs';
import { Logger } from 'pino';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

/** A kafkajs client whose log lines go to pino. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        const method = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'debug';
        logger[method]({ kafka: extra }, message);
      },
  });
}

/**
 * The producer every parser uses: idempotent with acks from all in-sync replicas, so a
 * resolved send() means the batch is durable and a retried send is not duplicated.
 */
export function createDurableProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/** Creates the topics if missing (idempotent); a topic's partition count is never changed. */
export async function ensureTopics(kafka: Kafka, topics: string[], partitions: number, maxMessageBytes: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: -1,
        configEntries: [{ name: 'max.message.bytes', value: String(Math.max(maxMessageBytes * 2, 1048588)) }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
