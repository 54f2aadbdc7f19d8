import 'reflect-metadata';
import { migrateServiceDatabase } from '@archipelago/platform-service-kit';
import { createTestDatabase } from '@archipelago/testing-harness';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../entity/notification/notification.js';
import { NotificationSqlRepository } from './notification.sql.repository.js';
import { migrateNotifications, NOTIFICATIONS_DATABASE } from './notifications.data-source.js';
import { NotificationsInfrastructure } from './notifications.infrastructure.js';

// `after` and the keyset cursor follow a recipient's commit order (`seq`), not id order: ids are
// UUIDv7 made before the insert, so a replica whose clock is behind (or a transaction that waits)
// can commit a smaller id after a bigger one. Real Postgres, two overlapping transactions.
const SCHEMA = 'notifications';
let infrastructure: NotificationsInfrastructure;
let repository: NotificationSqlRepository;

function add(
  repo: NotificationSqlRepository,
  recipientId: string,
  title: string,
  holdOpen?: Promise<void>,
  inserted?: () => void,
): Promise<Notification> {
  let created: Notification | null = null;
  const sourceEventId = randomUUID();
  return repo
    .handleOnce({ id: sourceEventId, topic: 'test' }, async (tx) => {
      created = await tx.addNotification(
        { recipientId, category: 'order', title, body: title, link: null, data: {} },
        { sourceEventId, createdAt: new Date().toISOString(), visible: true },
      );
      inserted?.();
      await holdOpen;
    })
    .then(() => created!);
}
const ids = (items: readonly Notification[]) => items.map((n) => n.id);

beforeAll(async () => {
  const url = await createTestDatabase('notifications_seq');
  await migrateNotifications(url, SCHEMA);
  infrastructure = await NotificationsInfrastructure.open({ databaseUrl: url, schema: SCHEMA, transport: 'postgres' });
  repository = infrastructure.repository;
}, 120_000);

afterAll(async () => {
  await infrastructure?.close();
});

describe('notification order per recipient (seq)', () => {
  it('a smaller id committed after a bigger one (a replica whose clock is behind) is still after it', async () => {
    const user = randomUUID();
    const behind = new NotificationSqlRepository(infrastructure.pool, SCHEMA, infrastructure.messaging.outbox, () =>
      uuidv7({ msecs: Date.now() - 60_000 }),
    );
    const first = await add(repository, user, 'first');
    const seen = await repository.list(user, { limit: 20 });
    expect(ids(seen.items)).toEqual([first.id]);
    const late = await add(behind, user, 'late, smaller id');
    expect(late.id < first.id).toBe(true);
    expect(ids((await repository.list(user, { after: first.id, limit: 20 })).items)).toEqual([late.id]);
    expect(ids((await repository.list(user, { after: late.id, limit: 20 })).items)).toEqual([]);
    // Newest first = last committed first; the keyset pages follow the same order, once each.
    expect(ids((await repository.list(user, { limit: 20 })).items)).toEqual([late.id, first.id]);
    const page1 = await repository.list(user, { limit: 1 });
    expect(ids(page1.items)).toEqual([late.id]);
    const page2 = await repository.list(user, { limit: 1, cursor: page1.nextCursor! });
    expect(ids(page2.items)).toEqual([first.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it('two overlapping inserts for one user commit in seq order: the second waits for the first', async () => {
    const user = randomUUID();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let insertedA!: () => void;
    const aInserted = new Promise<void>((resolve) => (insertedA = resolve));
    const a = add(repository, user, 'A', held, insertedA);
    await aInserted;
    let bDone = false;
    const b = add(repository, user, 'B').then((n) => ((bDone = true), n));
    // B either waits on A's lock (the fix) or commits while A is still open (the bug).
    await vi.waitFor(
      async () => {
        const { rows } = await infrastructure.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%recipient_sequences%'`,
        );
        expect(bDone || rows[0]!.n > 0).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    // What a client listing now sees: before A commits, B must not be visible (else after=B loses A).
    const seenWhileAOpen = await repository.list(user, { limit: 20 });
    expect(bDone).toBe(false);
    expect(seenWhileAOpen.items).toEqual([]);
    release();
    const [na, nb] = await Promise.all([a, b]);
    expect(ids((await repository.list(user, { limit: 20 })).items)).toEqual([nb.id, na.id]);
    expect(ids((await repository.list(user, { after: na.id, limit: 20 })).items)).toEqual([nb.id]);
  });

  it('an `after` or `cursor` id the user has no notification for is placed by time', async () => {
    const user = randomUUID();
    const before = uuidv7({ msecs: Date.now() - 60_000 });
    const one = await add(repository, user, 'one');
    const middle = uuidv7();
    const two = await add(repository, user, 'two');
    const other = await add(repository, randomUUID(), 'someone else');
    expect(ids((await repository.list(user, { after: before, limit: 20 })).items)).toEqual([two.id, one.id]);
    expect(ids((await repository.list(user, { after: middle, limit: 20 })).items)).toEqual([two.id]);
    expect(ids((await repository.list(user, { cursor: middle, limit: 20 })).items)).toEqual([one.id]);
    expect(ids((await repository.list(user, { after: other.id, limit: 20 })).items)).toEqual([]);
    expect(ids((await repository.list(user, { cursor: other.id, limit: 20 })).items)).toEqual([two.id, one.id]);
  });
});

describe('migration to seq', () => {
  it('numbers existing notifications per recipient in id order and continues each counter after them', async () => {
    const url = await createTestDatabase('notifications_seq_migration');
    const beforeSeq = {
      ...NOTIFICATIONS_DATABASE,
      migrations: (s: string) => NOTIFICATIONS_DATABASE.migrations(s).slice(0, 2),
    };
    await migrateServiceDatabase(beforeSeq, url, SCHEMA);
    const old = await NotificationsInfrastructure.open({ databaseUrl: url, schema: SCHEMA, transport: 'postgres' });
    try {
      const [ann, bob] = [randomUUID(), randomUUID()];
      const rows = [
        [uuidv7(), ann],
        [uuidv7(), bob],
        [uuidv7(), ann],
      ] as const;
      for (const [id, recipient] of rows) {
        await old.pool.query(
          `INSERT INTO ${SCHEMA}.notifications (id, recipient_id, category, title, body, created_at, source_event_id)
           VALUES ($1, $2, 'order', 't', 'b', now(), $3)`,
          [id, recipient, randomUUID()],
        );
      }
      await migrateNotifications(url, SCHEMA);
      const { rows: numbered } = await old.pool.query<{ id: string; seq: string }>(
        `SELECT id, seq FROM ${SCHEMA}.notifications ORDER BY id`,
      );
      expect(numbered.map((r) => [r.id, Number(r.seq)])).toEqual([
        [rows[0][0], 1],
        [rows[1][0], 1],
        [rows[2][0], 2],
      ]);
      const repo = new NotificationSqlRepository(old.pool, SCHEMA, old.messaging.outbox);
      const next = await add(repo, ann, 'after the migration');
      expect(ids((await repo.list(ann, { after: rows[2][0], limit: 20 })).items)).toEqual([next.id]);
      expect(ids((await repo.list(ann, { limit: 20 })).items)).toEqual([next.id, rows[2][0], rows[0][0]]);
    } finally {
      await old.close();
    }
  });
});
