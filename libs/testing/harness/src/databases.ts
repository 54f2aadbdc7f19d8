import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * Creates a fresh, empty database on the suite's Postgres server and returns its URL.
 * Each test file gets its own database, so files never see each other's rows.
 */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const adminUrl = inject('pgUrl');
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `host:port` of the suite's Kafka broker. */
export function kafkaBrokers(): string {
  return inject('kafkaBrokers');
}
