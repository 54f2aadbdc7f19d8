import 'reflect-metadata';
import { ORDERING_EVENTS } from '@archipelago/commerce-contracts';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import { REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { freePort } from '@archipelago/platform-local-postgres';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { startTestIssuer, type TestIssuer } from '@archipelago/testing-auth';
import { createTestDatabase, startMailSink, type MailSink } from '@archipelago/testing-harness';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationsTestApp, testEmailOptions } from '../test/notifications-test-app.js';
import { NodemailerEmailGateway } from './gateway/nodemailer-email.gateway.js';
import { deadDeliveriesCommand } from './handler/command/dead-deliveries.command.js';
import { IntegrationEventsMessageHandler } from './handler/messaging/integration-events.message-handler.js';
import { migrateNotifications } from './repository/notifications.data-source.js';
import { NotificationsInfrastructure } from './repository/notifications.infrastructure.js';
import { registerDeliveryMetrics } from './repository/delivery.metrics.js';
import { DeliverEmailsCommand, DeliverEmailsUseCase } from './use-case/deliver-emails/deliver-emails.use-case.js';

// E-mail on real parts: nodemailer to a real SMTP server (the harness's Mailpit) from real
// Postgres, and to a port nothing listens on (connection refused) for the retry/dead-letter path.
// Rounds are run by hand (DeliverEmailsCommand) so the test decides when time passes.
const ANN = { id: '2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f', email: 'ann@example.com' };
let issuer: TestIssuer;
let sink: MailSink | undefined;
let databaseUrl: string;
const apps: Array<{ app: NestFastifyApplication; infrastructure: NotificationsInfrastructure }> = [];

const now = () => new Date().toISOString();
const message = (event: { topic: string; type: string }, payload: unknown): IncomingMessage => ({
  id: randomUUID(),
  topic: event.topic,
  key: 'k',
  type: event.type,
  source: '/test',
  time: now(),
  payload,
  headers: {},
});

async function start(schema: string, smtpPort: number) {
  await migrateNotifications(databaseUrl, schema);
  const infrastructure = await NotificationsInfrastructure.open({ databaseUrl, schema, transport: 'postgres' });
  const app = await createNotificationsTestApp(infrastructure, issuer, { email: testEmailOptions(smtpPort) });
  await app.init();
  apps.push({ app, infrastructure });
  const events = app.get(IntegrationEventsMessageHandler);
  await events.handle(
    message(IDENTITY_EVENTS.UserRegisteredV1, {
      id: ANN.id,
      email: ANN.email,
      displayName: 'Ann',
      roles: ['customer'],
      occurredAt: now(),
    }),
  );
  const orderId = randomUUID();
  await events.handle(
    message(ORDERING_EVENTS.OrderPlacedV1, {
      orderId,
      customerId: ANN.id,
      items: [],
      total: { amount: 1, currency: 'EUR' },
      placedAt: now(),
    }),
  );
  await events.handle(message(ORDERING_EVENTS.OrderConfirmedV1, { orderId, at: now() }));
  const round = () => app.get(CommandBus).execute(new DeliverEmailsCommand(now())) as Promise<number>;
  return { infrastructure, orderId, round };
}

beforeAll(async () => {
  issuer = await startTestIssuer();
  sink = await startMailSink();
  databaseUrl = await createTestDatabase('notifications_email');
}, 180_000);

afterAll(async () => {
  for (const { app } of apps) await app.close();
  await sink?.stop();
  await issuer?.close();
});

describe('notifications e-mail over SMTP', () => {
  it('sends one e-mail per notification (welcome, order confirmed) with text and HTML parts, once', async () => {
    const sink_ = sink!;
    const { infrastructure, orderId, round } = await start('notifications', sink_.smtpPort);
    expect(await round()).toBe(2);
    expect(await round()).toBe(0);
    const confirmed = await sink_.waitFor((m) => m.subject === 'Your order: Order confirmed');
    expect(confirmed.to.map((t) => t.address)).toEqual([ANN.email]);
    expect(confirmed.from?.address).toBe('notifications@archipelago.local');
    expect(confirmed.text).toContain(`http://localhost:8000/commerce/v1/orders/${orderId}`);
    expect(confirmed.html).toContain(`href="http://localhost:8000/commerce/v1/orders/${orderId}"`);
    // Message-ID names the notification (the same on every attempt; see emailMessageId).
    const { rows: notes } = await infrastructure.pool.query<{ id: string }>(
      `SELECT id FROM "notifications".notifications WHERE data->>'orderId' = $1`,
      [orderId],
    );
    expect(confirmed.messageId).toBe(`notification.${notes[0]!.id}@archipelago.local`);
    await sink_.waitFor((m) => m.subject === 'Archipelago: Welcome to Archipelago');
    const mine = (await sink_.messages()).filter((m) => m.to.some((t) => t.address === ANN.email));
    expect(mine).toHaveLength(2);
    const { rows } = await infrastructure.pool.query(`SELECT status, attempts FROM "notifications".deliveries`);
    expect(rows).toEqual([
      { status: 'sent', attempts: 1 },
      { status: 'sent', attempts: 1 },
    ]);
  });

  it('retries a refused connection, then marks the delivery dead with a dead-letter record', async () => {
    const { infrastructure, round } = await start('notifications_down', await freePort());
    expect(await round()).toBe(2);
    let { rows } = await infrastructure.pool.query(
      `SELECT status, attempts, last_error FROM "notifications_down".deliveries`,
    );
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
    ]);
    expect(rows[0].last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(await round()).toBe(2);
    ({ rows } = await infrastructure.pool.query(`SELECT status, attempts FROM "notifications_down".deliveries`));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['dead', 2],
      ['dead', 2],
    ]);
    const dead = await infrastructure.pool.query(`SELECT attempts FROM "notifications_down".delivery_dead_letters`);
    expect(dead.rows).toEqual([{ attempts: 2 }, { attempts: 2 }]);
    expect(await round()).toBe(0);
  });

  it('lists dead deliveries, retries them (npm run dead-deliveries) and counts outcomes in the metrics', async () => {
    const sink_ = sink!;
    const { infrastructure, orderId, round } = await start('notifications_retry', await freePort());
    const metrics = new Registry();
    registerDeliveryMetrics(metrics, infrastructure);
    const metric = async (name: string) => (await metrics.getMetricsAsJSON()).find((m) => m.name === name)!.values;
    expect(await round()).toBe(2);
    expect(await round()).toBe(2); // maxAttempts 2: both dead now
    expect(await metric('notifications_delivery_attempts_total')).toEqual(
      expect.arrayContaining([
        { labels: { channel: 'email', outcome: 'retry' }, value: 2 },
        { labels: { channel: 'email', outcome: 'dead' }, value: 2 },
      ]),
    );
    expect(await metric('notifications_deliveries')).toEqual(
      expect.arrayContaining([
        { labels: { channel: 'email', status: 'dead' }, value: 2 },
        { labels: { channel: 'email', status: 'pending' }, value: 0 },
      ]),
    );
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await deadDeliveriesCommand(infrastructure.deadDeliveries, argv, {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      });
      return { code, out, err };
    };
    const listed = await run('list', '--channel', 'email');
    expect(listed.code).toBe(0);
    expect(listed.out).toHaveLength(2);
    expect(listed.out[0]).toMatch(/channel=email .*recipient=2c8e6a1f-4b3d-4e5a-9f7c-1d0b2a3c4e5f .*attempts=2 /);
    expect(listed.out.join('\n')).toMatch(/ECONNREFUSED|connect/i);
    expect((await run('list', '--channel', 'push')).out).toEqual(['no dead deliveries']);
    // Bad arguments: usage, exit 2, nothing changed.
    for (const argv of [['retry', '--channel', 'sms'], ['retry', '--id', 'x'], ['resend'], ['list', '--limit', '0']]) {
      const bad = await run(...argv);
      expect(bad.code, argv.join(' ')).toBe(2);
      expect(bad.err.join('\n')).toContain('usage: dead-deliveries');
    }
    // Retry one by id, then the rest: pending again with a full set of attempts.
    const firstId = /id=(\d+)/.exec(listed.out[0]!)![1]!;
    expect((await run('retry', '--id', firstId)).out).toEqual([
      'queued 1 dead deliveries again (the running service sends them)',
    ]);
    expect((await run('list')).out).toHaveLength(1);
    expect((await run('retry')).out).toEqual(['queued 1 dead deliveries again (the running service sends them)']);
    const { rows } = await infrastructure.pool.query(
      `SELECT status, attempts FROM "notifications_retry".deliveries ORDER BY id`,
    );
    expect(rows).toEqual([
      { status: 'pending', attempts: 0 },
      { status: 'pending', attempts: 0 },
    ]);
    // The mail server is back: the next round sends both.
    const policy = {
      maxAttempts: 2,
      initialBackoffMs: 0,
      maxBackoffMs: 0,
      publicBaseUrl: 'http://localhost:8000',
      batchSize: 20,
    };
    const healthy = new DeliverEmailsUseCase(
      infrastructure.deliveries,
      new NodemailerEmailGateway({
        host: '127.0.0.1',
        port: sink_.smtpPort,
        tls: 'none',
        from: 'Archipelago <notifications@archipelago.local>',
      }),
      policy,
    );
    expect(await healthy.execute(new DeliverEmailsCommand(now()))).toBe(2);
    await sink_.waitFor((m) => m.text?.includes(`/commerce/v1/orders/${orderId}`) ?? false);
    expect((await run('list')).out).toEqual(['no dead deliveries']);
    expect(await metric('notifications_delivery_attempts_total')).toEqual(
      expect.arrayContaining([{ labels: { channel: 'email', outcome: 'sent' }, value: 2 }]),
    );
    expect(await metric('notifications_deliveries')).toEqual(
      expect.arrayContaining([{ labels: { channel: 'email', status: 'dead' }, value: 0 }]),
    );
  });

  it('e-mails an invitation to an address that has no account, with the registration link; no inbox gets it', async () => {
    const sink_ = sink!;
    const { infrastructure, round } = await start('notifications_invite', sink_.smtpPort);
    const entityId = randomUUID();
    await apps
      .at(-1)!
      .app.get(IntegrationEventsMessageHandler)
      .handle(
        message(REGISTRY_EVENTS.EntityInvitedV1, {
          entityId,
          entityType: 'Student',
          definitionId: '1bd23c91-3379-b65b-11cc-64984050e35c',
          version: 1,
          actor: 'anonymous',
          occurredAt: now(),
          inviteeEmail: 'Invitee@Example.com',
        }),
      );
    expect(await round()).toBe(3);
    const mail = await sink_.waitFor((m) => m.to.some((t) => t.address === 'invitee@example.com'));
    expect(mail.subject).toContain('You are invited to the Student registry');
    expect(mail.text).toContain('http://localhost:8000/identity/v1/users');
    const { rows } = await infrastructure.pool.query(
      `SELECT recipient_id, visible FROM "notifications_invite".notifications WHERE category = 'account' AND recipient_id LIKE 'mailto:%'`,
    );
    expect(rows).toEqual([{ recipient_id: 'mailto:invitee@example.com', visible: false }]);
  });
});
