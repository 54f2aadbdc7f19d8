// Child process of the relay fault test (messaging fault.int.spec.ts); not part of the library.
// Modes (argv[2]):
//   write-then-die   commits N outbox rows, then SIGKILLs itself before any relay runs;
//   send-then-die    runs the relay but SIGKILLs itself right after Kafka acknowledged a batch,
//                    before the rows are marked published (so they will be sent again);
//   relay            runs the relay until the outbox is empty, then exits 0.
import { inTransaction } from '@archipelago/platform-event-store';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { OutboxKafkaRelay } from '../src/kafka-relay.js';
import { Outbox } from '../src/outbox.js';

const [mode, count = '20'] = process.argv.slice(2);
const { FAULT_DB_URL, FAULT_SCHEMA, FAULT_BROKERS, FAULT_TOPIC } = process.env as Record<string, string>;
const pool = new pg.Pool({ connectionString: FAULT_DB_URL, max: 3 });

if (mode === 'write-then-die') {
  await inTransaction(pool, (client) =>
    new Outbox(FAULT_SCHEMA).add(
      client,
      Array.from({ length: Number(count) }, (_, i) => ({ topic: FAULT_TOPIC, key: `k${i % 3}`, type: 'FaultTestV1', payload: { i } })),
    ),
  );
  process.kill(process.pid, 'SIGKILL');
}

const kafka = new Kafka({ clientId: 'fault-test', brokers: [FAULT_BROKERS], logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
if (mode === 'send-then-die') {
  const send = producer.sendBatch.bind(producer);
  producer.sendBatch = async (batch) => {
    const result = await send(batch);
    process.kill(process.pid, 'SIGKILL');
    return result;
  };
}
const relay = new OutboxKafkaRelay(pool, FAULT_SCHEMA, producer, { source: '/fault/test', batchSize: 7 });
while ((await relay.relayOnce()) > 0) {
  /* drain */
}
await producer.disconnect();
await pool.end();
