import { Precision } from '@cnosdb/contracts';

/** Runtime configuration, read and validated once at startup (nothing else reads process.env). */
export interface AppConfig {
  http: { host: string; port: number; writeBodyLimit: number; queryBodyLimit: number };
  auth: { rootPassword: string };
  clickhouse: { url: string; user: string; password: string; requestTimeoutMs: number };
  kafka: { brokers: string[]; clientId: string; topicPartitions: number; maxMessageBytes: number };
  grpc: { lineProtocolAddress: string; queryAddress: string; lineProtocolListen: string; queryListen: string };
  query: { timeoutMs: number; consistencyWaitMs: number };
  health: { port: number };
  log: { level: string };
  version: string;
  defaultPrecision: Precision;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function str(env: Env, key: string, fallback: string): string {
  const v = env[key];
  return v === undefined || v === '' ? fallback : v;
}

function int(env: Env, key: string, fallback: number, min = 0): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${key} must be a non-negative integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min) throw new ConfigError(`${key} must be at least ${min}, got ${v}`);
  return v;
}

function url(env: Env, key: string, fallback: string): string {
  const v = str(env, key, fallback);
  try {
    new URL(v);
  } catch {
    throw new ConfigError(`${key} must be a URL, got "${v}"`);
  }
  return v;
}

/** Product version reported by /api/v1/ping. */
export const PRODUCT_VERSION = '2.4.3';

/** Builds the validated configuration from an environment (defaults suit a laptop). */
export function loadConfig(env: Env = process.env): AppConfig {
  const level = str(env, 'LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${level}"`);
  }
  const brokers = str(env, 'KAFKA_BROKERS', '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers) if (!/^[^:\s]+:\d+$/.test(b)) throw new ConfigError(`KAFKA_BROKERS entries must be host:port, got "${b}"`);
  return {
    http: {
      host: str(env, 'CNOSDB_HTTP_HOST', '0.0.0.0'),
      port: int(env, 'CNOSDB_HTTP_PORT', 8902, 1),
      writeBodyLimit: int(env, 'CNOSDB_WRITE_BODY_LIMIT', 160 * 1024 * 1024, 1),
      queryBodyLimit: int(env, 'CNOSDB_QUERY_BODY_LIMIT', 16 * 1024 * 1024, 1),
    },
    auth: { rootPassword: env['CNOSDB_ROOT_PASSWORD'] ?? '' },
    clickhouse: {
      url: url(env, 'CLICKHOUSE_URL', 'http://127.0.0.1:8123'),
      user: str(env, 'CLICKHOUSE_USER', 'default'),
      password: env['CLICKHOUSE_PASSWORD'] ?? '',
      requestTimeoutMs: int(env, 'CLICKHOUSE_REQUEST_TIMEOUT_MS', 300_000, 1),
    },
    kafka: {
      brokers,
      clientId: str(env, 'KAFKA_CLIENT_ID', 'cnosdb-ts'),
      topicPartitions: int(env, 'KAFKA_TOPIC_PARTITIONS', 4, 1),
      maxMessageBytes: int(env, 'KAFKA_MAX_MESSAGE_BYTES', 900 * 1024, 1024),
    },
    grpc: {
      lineProtocolAddress: str(env, 'LP_PARSER_GRPC_ADDRESS', '127.0.0.1:50051'),
      queryAddress: str(env, 'QUERY_GRPC_ADDRESS', '127.0.0.1:50052'),
      lineProtocolListen: str(env, 'LP_PARSER_GRPC_LISTEN', '0.0.0.0:50051'),
      queryListen: str(env, 'QUERY_GRPC_LISTEN', '0.0.0.0:50052'),
    },
    query: {
      timeoutMs: int(env, 'CNOSDB_QUERY_TIMEOUT_MS', 300_000, 1),
      consistencyWaitMs: int(env, 'CNOSDB_CONSISTENCY_WAIT_MS', 10_000, 0),
    },
    health: { port: int(env, 'HEALTH_PORT', 0) },
    log: { level },
    version: PRODUCT_VERSION,
    defaultPrecision: 'ns',
  };
}
