import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WORKSPACE_ROOT } from './processes.js';

// The broker script is plain JavaScript outside any Nx project: loaded by URL, typed by its .d.mts.
type KafkaModule = typeof import('../../../../infra/local/kafka/kafka.mjs');

/** A broker started by the test itself, e.g. to restart it mid-run. */
export type TestKafka = Awaited<ReturnType<KafkaModule['startKafka']>>;

/** Loads `infra/local/kafka/kafka.mjs` (the local KRaft broker from Maven Central). */
export const loadKafkaScript = async (): Promise<KafkaModule> =>
  import(pathToFileURL(join(WORKSPACE_ROOT, 'infra/local/kafka/kafka.mjs')).href) as Promise<KafkaModule>;

/** Starts a broker of the test's own (fresh data dir, free ports; deleted on stop). */
export async function startTestKafka(): Promise<TestKafka> {
  const { startKafka } = await loadKafkaScript();
  return startKafka({ dataDir: 'tmp' });
}

/** Stops and starts the same broker (same port and data): a broker restart as clients see it. */
export async function restartTestKafka(handle: TestKafka, downMs = 1_000): Promise<TestKafka> {
  const { restartKafka } = await loadKafkaScript();
  return restartKafka(handle, { downMs });
}
