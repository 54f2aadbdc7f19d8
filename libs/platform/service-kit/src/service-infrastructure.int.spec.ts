import {
  platformSchemaSql,
  type Projection,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { createTestDatabase } from '@archipelago/testing-harness';
import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateServiceDatabase, type ServiceDatabase } from './service-database.js';
import type { RetentionCounts } from '@archipelago/platform-messaging';
import { ServiceInfrastructure } from './service-infrastructure.js';

// A made-up service "kit/notes": platform tables, a notes read model counting NoteAdded events.
const NOTES_DATABASE: ServiceDatabase = {
  system: 'kit',
  service: 'notes',
  records: [],
  migrations: (schema) => [
    class NotesInit1700000000000 implements MigrationInterface {
      name = 'NotesInit1700000000000';
      async up(runner: QueryRunner): Promise<void> {
        await runner.query(platformSchemaSql(schema));
        await runner.query(`CREATE TABLE "${schema}".note_counts (stream_id TEXT PRIMARY KEY, n INT NOT NULL)`);
      }
      async down(runner: QueryRunner): Promise<void> {
        await runner.query(`DROP TABLE "${schema}".note_counts`);
      }
    },
  ],
};

class NoteCountsProjection implements Projection {
  readonly name = 'note_counts';
  constructor(private readonly schema: string) {}
  async apply(client: SqlClient, event: RecordedEvent): Promise<void> {
    if (event.type !== 'NoteAdded') return;
    await client.query(
      `INSERT INTO "${this.schema}".note_counts (stream_id, n) VALUES ($1, 1)
       ON CONFLICT (stream_id) DO UPDATE SET n = note_counts.n + 1`,
      [event.streamId],
    );
  }
  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".note_counts`);
  }
}

class NotesInfrastructure extends ServiceInfrastructure {
  static override readonly database = NOTES_DATABASE;
  readonly projectionRunner = this.addProjection(new NoteCountsProjection(this.config.schema));
}

let url: string;

beforeAll(async () => {
  url = await createTestDatabase('service_kit');
});

const open = () => NotesInfrastructure.open({ databaseUrl: url, schema: 'notes', transport: 'postgres' });
const countOf = async (infrastructure: NotesInfrastructure, streamId: string) => {
  const { rows } = await infrastructure.pool.query<{ n: number }>(
    'SELECT n FROM notes.note_counts WHERE stream_id = $1',
    [streamId],
  );
  return rows[0]?.n ?? 0;
};

describe('migrateServiceDatabase', () => {
  it('creates the schema and runs each pending migration once', async () => {
    expect(await migrateServiceDatabase(NOTES_DATABASE, url, 'notes')).toEqual(['NotesInit1700000000000']);
    expect(await migrateServiceDatabase(NOTES_DATABASE, url, 'notes')).toEqual([]);
  });

  it('brings the platform tables of an existing schema to the current shape', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const inboxIndex = async () =>
      (await admin.query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'notes' AND indexname = 'inbox_processed_idx'`))
        .rowCount;
    try {
      // A schema made by an older platform: the index added since is missing.
      await admin.query('DROP INDEX notes.inbox_processed_idx');
      expect(await inboxIndex()).toBe(0);
      expect(await migrateServiceDatabase(NOTES_DATABASE, url, 'notes')).toEqual([]);
      expect(await inboxIndex()).toBe(1);
    } finally {
      await admin.end();
    }
  });
});

describe('ServiceInfrastructure', () => {
  let infrastructure: NotesInfrastructure;
  afterAll(async () => {
    await infrastructure?.close();
  });

  it('opens a pool whose connections are named <system>.<schema>', async () => {
    infrastructure = await open();
    const { rows } = await infrastructure.pool.query<{ name: string }>(
      "SELECT current_setting('application_name') AS name",
    );
    expect(rows[0]!.name).toBe('kit.notes');
    expect(infrastructure.messaging.ceSource).toBe('/kit/notes');
  });

  it('runs its projections once started, and rebuilds them from the log', async () => {
    await infrastructure.start();
    await infrastructure.store.append(infrastructure.pool, 'note-1', [{ type: 'NoteAdded', data: {} }], {
      expectedVersion: 'no_stream',
    });
    await infrastructure.store.append(infrastructure.pool, 'note-1', [{ type: 'NoteAdded', data: {} }], {
      expectedVersion: 1,
    });
    await vi.waitFor(async () => expect(await countOf(infrastructure, 'note-1')).toBe(2), { timeout: 10_000 });
    await infrastructure.pool.query('UPDATE notes.note_counts SET n = 99');
    await infrastructure.projectionRunners[0]!.rebuild();
    expect(await countOf(infrastructure, 'note-1')).toBe(2);
  });

  it('closes idempotently', async () => {
    await infrastructure.close();
    await infrastructure.close();
    expect(infrastructure.dataSource.isInitialized).toBe(false);
  });

  it('is closed by Nest on shutdown, after the providers that use its pool', async () => {
    const notes = await open();
    await notes.start();
    const seen: string[] = [];
    @Injectable()
    class UsesPool implements OnApplicationShutdown {
      constructor(@Inject(NotesInfrastructure) private readonly infra: NotesInfrastructure) {}
      async onApplicationShutdown(): Promise<void> {
        // Still open here: the infrastructure is closed after its dependants.
        await this.infra.pool.query('SELECT 1');
        seen.push('dependant closed');
      }
    }
    @Module({ providers: [{ provide: NotesInfrastructure, useValue: notes }, UsesPool] })
    class NotesModule {}
    const app = await NestFactory.createApplicationContext(NotesModule, { logger: false });
    await app.close();
    expect(seen).toEqual(['dependant closed']);
    expect(notes.dataSource.isInitialized).toBe(false);
  });

  it('runs the messaging retention with its settings from start() to close(), reporting each pass', async () => {
    const passes: RetentionCounts[] = [];
    const notes = await NotesInfrastructure.open({
      databaseUrl: url,
      schema: 'notes',
      transport: 'postgres',
      retention: { inboxMs: 400 * 3_600_000, intervalMs: 10 },
      onRetentionPass: (deleted) => passes.push(deleted),
    });
    expect(notes.messaging.retention.policy).toMatchObject({ inboxMs: 400 * 3_600_000, intervalMs: 10 });
    await notes.pool.query(
      `INSERT INTO notes.inbox (consumer_group, message_id, topic, processed_at)
       VALUES ('g', 'old', 't', now() - interval '401 hours'), ('g', 'recent', 't', now() - interval '399 hours')`,
    );
    await notes.start();
    await vi.waitFor(() => expect(passes.length).toBeGreaterThan(0), { timeout: 10_000 });
    await notes.close();
    expect(passes[0]).toEqual({ outbox: 0, inbox: 1, dead_letters: 0 });
    const check = await NotesInfrastructure.open({ databaseUrl: url, schema: 'notes', transport: 'postgres' });
    try {
      const { rows } = await check.pool.query<{ message_id: string }>('SELECT message_id FROM notes.inbox');
      expect(rows.map((r) => r.message_id)).toEqual(['recent']);
    } finally {
      await check.close();
    }
  });
});
