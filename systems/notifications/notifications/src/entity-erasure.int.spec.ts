import 'reflect-metadata';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { freePort } from '@archipelago/platform-local-postgres';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, startMailSink, type MailSink } from '@archipelago/testing-harness';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationsTestApp, testEmailOptions } from '../test/notifications-test-app.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';
import { DeliverEmailsCommand } from './use-case/deliver-emails/deliver-emails.use-case.js';
import { CANCELLED_BY_ERASURE } from './use-case/erase-deleted-entity/erase-deleted-entity.use-case.js';

// Erasure of a deleted registry entity (EntityDeletedV1) on real parts: Postgres, nodemailer to
// the harness's Mailpit (or to a port nothing listens on, for dead deliveries). Events are handed
// to the consumer's message handler as the transport would; e-mail rounds are run by hand. Every
// check of "the address is gone" reads every table of the schema raw.
const ANN = { id: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', email: 'ann@example.com' };
const STUDENT = '1bd23c91-3379-b65b-11cc-64984050e35c';
let issuer: TestIssuer;
let sink: MailSink;
let databaseUrl: string;
const apps: NestFastifyApplication[] = [];

const now = () => new Date().toISOString();
const message = (event: { topic: string; type: string }, key: string, payload: unknown): IncomingMessage => ({
  id: randomUUID(),
  topic: event.topic,
  key,
  type: event.type,
  source: '/registry/registry',
  time: now(),
  payload,
  headers: {},
});
const base = (entityId: string, version: number) => ({
  entityId,
  entityType: 'Student',
  definitionId: STUDENT,
  version,
  actor: 'anonymous',
  occurredAt: now(),
});
/** EntityInvitedV1 of `entityId` to `email`, as the registry publishes it (key = entity id). */
const invited = (entityId: string, email: string) =>
  message(REGISTRY_EVENTS.EntityInvitedV1, entityId, { ...base(entityId, 1), inviteeEmail: email });
const deleted = (entityId: string) => message(REGISTRY_EVENTS.EntityDeletedV1, entityId, base(entityId, 2));

/** A notifications app on its own schema, e-mail to `smtpPort` (2 attempts, no backoff); Ann is a known user. */
async function start(schema: string, smtpPort: number) {
  await migrateNotifications(databaseUrl, schema);
  const infrastructure = await NotificationsInfrastructure.open({ databaseUrl, schema, transport: 'postgres' });
  const app = await createNotificationsTestApp(infrastructure, issuer, { email: testEmailOptions(smtpPort) });
  await app.init();
  apps.push(app);
  const events = app.get(IntegrationEventsMessageHandler);
  const handle = (m: IncomingMessage) => events.handle(m);
  await handle(
    message(IDENTITY_EVENTS.UserRegisteredV1, ANN.id, {
      id: ANN.id,
      email: ANN.email,
      displayName: 'Ann',
      roles: ['customer'],
      occurredAt: now(),
    }),
  );
  const round = () => app.get(CommandBus).execute(new DeliverEmailsCommand(now())) as Promise<number>;
  const sql = async <R extends object>(text: string, values: unknown[] = []) =>
    (await infrastructure.pool.query<R>(text.replaceAll('$schema', `"${schema}"`), values)).rows;
  /** Rows of every table of the schema whose text holds `needle` (case-insensitive), as `table: count`. */
  const holding = async (needle: string) => {
    const tables = await sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`,
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['notifications', 'deliveries', 'delivery_dead_letters', 'outbox', 'dead_letters']),
    );
    const found: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM $schema."${table_name}" t WHERE t::text ILIKE '%' || $1 || '%'`,
        [needle],
      );
      if (row!.n > 0) found[table_name] = row!.n;
    }
    return found;
  };
  /** The invitation notifications of an entity and their e-mail deliveries. */
  const invitation = (entityId: string) =>
    sql<{ recipient_id: string; title: string; link: string | null; data: object; status: string | null }>(
      `SELECT n.recipient_id, n.title, n.link, n.data, d.status
       FROM $schema.notifications n LEFT JOIN $schema.deliveries d ON d.notification_id = n.id AND d.channel = 'email'
       WHERE n.data->>'entityId' = $1 ORDER BY n.id`,
      [entityId],
    );
  return { infrastructure, handle, round, sql, holding, invitation };
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  sink = await startMailSink();
  databaseUrl = await createTestDatabase('notifications_erasure');
}, 180_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await sink?.stop();
  await issuer?.close();
});

describe('notifications: erasure of a deleted registry entity (EntityDeletedV1)', () => {
  let env: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    env = await start('notifications_erasure', sink.smtpPort);
    await env.round(); // Ann's welcome
  }, 60_000);

  it('cancels a pending invitation: never sent, and its address is in no table', async () => {
    const entityId = randomUUID();
    await env.handle(invited(entityId, 'Pending.Invitee@Example.com'));
    expect(await env.invitation(entityId)).toEqual([
      expect.objectContaining({ recipient_id: 'mailto:pending.invitee@example.com', status: 'pending' }),
    ]);
    expect(await env.holding('pending.invitee@')).not.toEqual({});
    await env.handle(deleted(entityId));
    const [erased] = await env.invitation(entityId);
    expect(erased).toEqual({
      recipient_id: expect.stringMatching(/^erased:[0-9a-f-]{36}$/),
      title: 'Invitation to the Student registry withdrawn',
      link: null,
      data: { entityType: 'Student', entityId, erased: true },
      status: 'cancelled',
    });
    const [delivery] = await env.sql<{ last_error: string; sent_at: Date | null }>(
      `SELECT last_error, sent_at FROM $schema.deliveries d JOIN $schema.notifications n ON n.id = d.notification_id
       WHERE n.data->>'entityId' = $1`,
      [entityId],
    );
    expect(delivery).toEqual({ last_error: CANCELLED_BY_ERASURE, sent_at: null });
    expect(await env.round()).toBe(0);
    expect((await sink.messages()).filter((m) => m.to.some((t) => t.address.startsWith('pending.')))).toEqual([]);
    expect(await env.holding('pending.invitee@')).toEqual({});
  });

  it('erases the address of a sent invitation, which stays sent (status, attempts, sent_at)', async () => {
    const entityId = randomUUID();
    await env.handle(invited(entityId, 'sent.invitee@example.com'));
    expect(await env.round()).toBe(1);
    await sink.waitFor((m) => m.to.some((t) => t.address === 'sent.invitee@example.com'));
    // What the platform's postgres consumer keeps of an EntityInvitedV1 that once failed every attempt.
    const copy = invited(entityId, 'sent.invitee@example.com');
    await env.sql(
      `INSERT INTO $schema.dead_letters (consumer_group, topic, message_id, message_key, message_type, payload, attempts, error)
       VALUES ('notifications.notifications', $1, $2, $3, $4, $5, 5, 'timeout')`,
      [copy.topic, copy.id, entityId, copy.type, JSON.stringify(copy.payload)],
    );
    const before = await env.sql<{ sent_at: Date; attempts: number }>(
      `SELECT d.sent_at, d.attempts FROM $schema.deliveries d JOIN $schema.notifications n ON n.id = d.notification_id
       WHERE n.data->>'entityId' = $1`,
      [entityId],
    );
    // The address never reaches the outbox: NotificationCreatedV1 names `address:<notification id>`.
    expect(await env.holding('sent.invitee@')).toMatchObject({ notifications: 1, dead_letters: 1 });
    expect(await env.holding('sent.invitee@')).not.toHaveProperty('outbox');

    await env.handle(deleted(entityId));
    expect(await env.invitation(entityId)).toEqual([
      expect.objectContaining({ recipient_id: expect.stringMatching(/^erased:/), status: 'sent', link: null }),
    ]);
    const after = await env.sql(
      `SELECT d.sent_at, d.attempts FROM $schema.deliveries d JOIN $schema.notifications n ON n.id = d.notification_id
       WHERE n.data->>'entityId' = $1`,
      [entityId],
    );
    expect(after).toEqual(before);
    // The NotificationCreatedV1 row names the opaque `address:<notification id>` (key and payload).
    const [created] = await env.sql<{ message_key: string; recipient: string; id: string }>(
      `SELECT o.message_key, o.payload->>'recipientId' AS recipient, n.id FROM $schema.outbox o
       JOIN $schema.notifications n ON o.payload->>'notificationId' = n.id::text WHERE n.data->>'entityId' = $1`,
      [entityId],
    );
    expect(created!.message_key).toBe(`address:${created!.id}`);
    expect(created!.recipient).toBe(created!.message_key);
    expect(await env.holding('sent.invitee@')).toEqual({});
  });

  it('drops an invitation handled after the deletion (another topic): no notification, no e-mail', async () => {
    const entityId = randomUUID();
    await env.handle(deleted(entityId));
    const late = invited(entityId, 'late.invitee@example.com');
    await env.handle(late);
    expect(await env.invitation(entityId)).toEqual([]);
    expect(await env.sql(`SELECT topic FROM $schema.inbox WHERE message_id = $1`, [late.id])).toEqual([
      { topic: REGISTRY_EVENTS.EntityInvitedV1.topic },
    ]);
    expect(await env.round()).toBe(0);
    expect(await env.holding('late.invitee@')).toEqual({});
    // Another entity's invitation to the same address still goes out.
    const other = randomUUID();
    await env.handle(invited(other, 'late.invitee@example.com'));
    expect(await env.round()).toBe(1);
    await sink.waitFor((m) => m.to.some((t) => t.address === 'late.invitee@example.com'));
  });

  it('leaves no invitation unerased when the invitation and the deletion are handled at the same moment', async () => {
    // Two topics, partitions consumed concurrently: each transaction must see the other's rows.
    const entities = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(
      entities.flatMap((entityId) => [
        env.handle(invited(entityId, 'race.invitee@example.com')),
        env.handle(deleted(entityId)),
      ]),
    );
    for (const entityId of entities) {
      for (const row of await env.invitation(entityId)) {
        expect(row).toMatchObject({ recipient_id: expect.stringMatching(/^erased:/), status: 'cancelled' });
      }
    }
    expect(await env.round()).toBe(0);
    expect(await env.holding('race.invitee@')).toEqual({});
  });

  it('is idempotent: the deletion delivered twice (same id) or published twice changes nothing more', async () => {
    const entityId = randomUUID();
    await env.handle(invited(entityId, 'twice.invitee@example.com'));
    const deletion = deleted(entityId);
    await env.handle(deletion);
    const snapshot = () =>
      Promise.all([
        env.invitation(entityId),
        env.sql(`SELECT * FROM $schema.deleted_entities WHERE entity_id = $1`, [entityId]),
        env.sql(
          `SELECT d.status, d.last_error FROM $schema.deliveries d JOIN $schema.notifications n ON n.id = d.notification_id
           WHERE n.data->>'entityId' = $1`,
          [entityId],
        ),
      ]);
    const once = await snapshot();
    expect(once[1]).toEqual([expect.objectContaining({ entity_id: entityId, source_event_id: deletion.id })]);
    await env.handle(deletion); // redelivery: the inbox skips it
    await env.handle(deleted(entityId)); // a second event of the same deletion
    expect(await snapshot()).toEqual(once);
    expect(await env.sql(`SELECT count(*)::int AS n FROM $schema.inbox WHERE message_id = $1`, [deletion.id])).toEqual([
      { n: 1 },
    ]);
    expect(await env.holding('twice.invitee@')).toEqual({});
  });

  it("withdraws a known user's invitation in their inbox (kept, so counts stay true) and keeps their account", async () => {
    const entityId = randomUUID();
    await env.handle(invited(entityId, 'ANN@example.com'));
    const [before] = await env.invitation(entityId);
    expect(before).toMatchObject({ recipient_id: ANN.id, title: 'You are invited to the Student registry' });
    await env.handle(deleted(entityId));
    expect(await env.invitation(entityId)).toEqual([
      {
        recipient_id: ANN.id,
        title: 'Invitation to the Student registry withdrawn',
        link: null,
        data: { entityType: 'Student', entityId, erased: true },
        status: 'cancelled',
      },
    ]);
    expect(await env.sql(`SELECT email FROM $schema.known_users WHERE id = $1`, [ANN.id])).toEqual([
      { email: ANN.email },
    ]);
  });
});

describe('notifications: erasure of a dead invitation', () => {
  it('cancels it (no operator retry) and drops its dead-letter record and error', async () => {
    const env = await start('notifications_erasure_dead', await freePort());
    const entityId = randomUUID();
    await env.handle(invited(entityId, 'dead.invitee@example.com'));
    expect(await env.round()).toBe(2); // Ann's welcome and the invitation: refused, retried
    expect(await env.round()).toBe(2); // dead (2 attempts)
    // A real server's refusal quotes the address (RFC 5321 reply text); the refused port's does not.
    await env.sql(
      `UPDATE $schema.deliveries d SET last_error = '550 5.1.1 <dead.invitee@example.com>: Recipient address rejected'
       FROM $schema.notifications n WHERE n.id = d.notification_id AND n.data->>'entityId' = $1`,
      [entityId],
    );
    await env.sql(
      `UPDATE $schema.delivery_dead_letters dl SET last_error = d.last_error FROM $schema.deliveries d
       WHERE d.id = dl.delivery_id AND d.last_error LIKE '550%'`,
    );
    expect(await env.holding('dead.invitee@')).toMatchObject({ deliveries: 1, delivery_dead_letters: 1 });

    await env.handle(deleted(entityId));
    expect(await env.invitation(entityId)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(await env.holding('dead.invitee@')).toEqual({});
    // Ann's welcome is still dead (listed, retryable); the invitation is neither.
    const dead = await env.infrastructure.deadDeliveries.list({}, 10);
    expect(dead.map((d) => d.recipientId)).toEqual([ANN.id]);
    expect(await env.infrastructure.deadDeliveries.retry({}, now())).toBe(1);
  }, 60_000);
});
