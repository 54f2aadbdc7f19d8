// `npm run dead-letters:replay -- --group <consumer group> [--topic <topic> ...]`
// Replays dead letters with the service's own environment (MESSAGING_TRANSPORT, KAFKA_BROKERS,
// DATABASE_URL, DB_SCHEMA): kafka republishes `<topic>.dlq` to `<topic>`; postgres marks the
// group's dead-letter rows for redelivery by its running consumer. Prints how many.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Messaging } from '../src/messaging.js';

const { values } = parseArgs({
  options: { group: { type: 'string' }, topic: { type: 'string', multiple: true } },
});
const transport = process.env.MESSAGING_TRANSPORT === 'kafka' ? 'kafka' : 'postgres';
const missing = [
  ...(transport === 'kafka' && !process.env.KAFKA_BROKERS ? ['KAFKA_BROKERS'] : []),
  ...(transport === 'kafka' && !values.topic?.length ? ['--topic'] : []),
  ...(transport === 'postgres' && !values.group ? ['--group'] : []),
  ...(!process.env.DATABASE_URL ? ['DATABASE_URL'] : []),
  ...(!process.env.DB_SCHEMA ? ['DB_SCHEMA'] : []),
];
if (missing.length) {
  console.error(`replay-dead-letters (${transport} transport) needs: ${missing.join(', ')}`);
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const messaging = new Messaging({
  transport,
  kafkaBrokers: process.env.KAFKA_BROKERS?.split(','),
  system: process.env.SYSTEM ?? 'ops',
  service: process.env.SERVICE_NAME ?? 'dead-letter-replay',
  schema: process.env.DB_SCHEMA!,
  pool,
  databaseUrl: process.env.DATABASE_URL!,
});
try {
  const count = await messaging.replayDeadLetters(values.group ?? '', values.topic ?? []);
  console.log(
    transport === 'kafka' ? `republished ${count} dead letters` : `marked ${count} dead letters of ${values.group} for redelivery`,
  );
} finally {
  await messaging.close();
  await pool.end();
}
