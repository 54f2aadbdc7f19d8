import 'reflect-metadata';
import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import type { Subscription } from '@archipelago/platform-messaging';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNotificationsTestApp } from '../test/notifications-test-app.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';

// The real consumer on a real broker: commerce's events are produced to their Kafka topic as
// ordering's relay sends them (CloudEvents 1.0 binary mode: ce_* headers, JSON value, key = order
// id) and read by the notifications consumer (`subscribeIntegrationEvents`, as main.ts subscribes
// it). A redelivery is the same ce_id produced twice. Runs only when the suite has a broker: with
// TEST_KAFKA=off it is skipped (the other int specs cover the postgres transport).
const brokers = kafkaBrokers();
const ANN = '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f';
let issuer: TestIssuer;
let app: NestFastifyApplication;
let infrastructure: NotificationsInfrastructure;
let subscription: Subscription;
let producer: Producer;
const now = () => new Date().toISOString();

/** Produces one event of `event`'s contract as ordering's relay would; returns its CloudEvents id. */
async function produce(
  event: { topic: string; type: string },
  key: string,
  payload: unknown,
  id: string = randomUUID(),
): Promise<string> {
  await producer.send({
    topic: event.topic,
    messages: [
      {
        key,
        value: JSON.stringify(payload),
        headers: {
          ce_specversion: '1.0',
          ce_id: id,
          ce_type: event.type,
          ce_source: '/commerce/ordering',
          ce_time: now(),
          'content-type': 'application/json',
        },
      },
    ],
  });
  return id;
}
const count = async (sql: string, values: unknown[]) =>
  (await infrastructure.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "notifications".${sql}`, values))
    .rows[0]!.n;

describe.skipIf(!brokers)('notifications/notifications over Kafka (real consumer, real broker)', () => {
  beforeAll(async () => {
    issuer = await startTestIssuer();
    const url = await createTestDatabase('notifications_kafka');
    await migrateNotifications(url, 'notifications');
    infrastructure = await NotificationsInfrastructure.open({
      databaseUrl: url,
      schema: 'notifications',
      transport: 'kafka',
      kafkaBrokers: [brokers],
    });
    app = await createNotificationsTestApp(infrastructure, issuer);
    await app.init();
    const events = app.get(IntegrationEventsMessageHandler);
    // A group of its own: the suite's broker is shared, and other specs' events on these topics are
    // read too (from the beginning) into this spec's own database.
    subscription = await infrastructure.subscribeIntegrationEvents(
      (message) => events.handle(message),
      `notifications.kafka-int-${randomUUID()}`,
    );
    producer = new Kafka({
      clientId: 'notifications-kafka-int',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await subscription?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await app?.close();
    await issuer?.close();
  }, 60_000);

  it('an order placed then confirmed, the confirmation delivered twice: one notification, one delivery', async () => {
    const orderId = randomUUID();
    await produce(ORDERING_EVENTS.OrderPlacedV1, orderId, {
      orderId,
      customerId: ANN,
      items: [],
      total: { amount: 1200, currency: 'EUR' },
      placedAt: now(),
    });
    const confirmed = await produce(ORDERING_EVENTS.OrderConfirmedV1, orderId, { orderId, at: now() });
    await produce(ORDERING_EVENTS.OrderConfirmedV1, orderId, { orderId, at: now() }, confirmed); // redelivery
    // Same key, same partition, after the duplicate: once it is handled, the duplicate was too.
    const shipped = await produce(ORDERING_EVENTS.OrderShippedV1, orderId, {
      orderId,
      customerId: ANN,
      carrier: 'DHL',
      trackingNumber: 'JD0146000012345',
      at: now(),
    });
    // Generous: the group joins and reads the shared topics from the beginning first.
    await vi.waitFor(async () => expect(await count('notifications WHERE source_event_id = $1', [shipped])).toBe(1), {
      timeout: 90_000,
      interval: 250,
    });
    const { rows } = await infrastructure.pool.query(
      `SELECT recipient_id, title, link, data FROM "notifications".notifications WHERE source_event_id = $1`,
      [confirmed],
    );
    expect(rows).toEqual([
      { recipient_id: ANN, title: 'Order confirmed', link: `/commerce/v1/orders/${orderId}`, data: { orderId } },
    ]);
    expect(
      await count(
        'deliveries d JOIN "notifications".notifications n ON n.id = d.notification_id WHERE n.source_event_id = $1',
        [confirmed],
      ),
    ).toBe(1);
    // The inbox recorded the confirmation once for the group (the second copy was skipped).
    expect(await count('inbox WHERE message_id = $1', [confirmed])).toBe(1);
  }, 120_000);
});
