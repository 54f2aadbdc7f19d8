import { describe, expect, it } from 'vitest';
import type { Notification } from '../../entity/notification/notification.js';
import type {
  DeliveryOutcome,
  DeliveryRepositoryPort,
  DueDelivery,
  EmailDeliveryPolicy,
  OutgoingEmail,
} from '../port/email.port.js';
import { backoffMs, DeliverEmailsCommand, DeliverEmailsUseCase } from './deliver-emails.use-case.js';

const notification: Notification = {
  id: 'n1',
  recipientId: 'ann',
  category: 'order',
  title: 'Order confirmed',
  body: 'Your order o1 is confirmed.',
  link: '/commerce/v1/orders/o1',
  data: { orderId: 'o1' },
  read: false,
  archived: false,
  createdAt: '2026-12-06T05:00:00.000Z',
  sourceEventId: 'e1',
};
const policy: EmailDeliveryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 1_000,
  maxBackoffMs: 1_500,
  publicBaseUrl: 'http://localhost:8000',
  batchSize: 10,
};

function setup(deliveries: DueDelivery[], failures: number) {
  const outcomes: DeliveryOutcome[] = [];
  const sent: OutgoingEmail[] = [];
  let failing = failures;
  const repository: DeliveryRepositoryPort = {
    async processDue(_now, _limit, work) {
      for (const d of deliveries) outcomes.push(await work(d));
      return deliveries.length;
    },
  };
  const sender = {
    async send(email: OutgoingEmail) {
      if (failing-- > 0) throw new Error('421 try again later');
      sent.push(email);
    },
  };
  return { useCase: new DeliverEmailsUseCase(repository, sender, policy), outcomes, sent };
}
const due = (attempts: number, email: string | null = 'ann@example.com'): DueDelivery => ({
  id: 'd1',
  attempts,
  notification,
  email,
  displayName: 'Ann',
});
const NOW = '2026-12-06T12:00:00.000Z';

describe('DeliverEmailsUseCase', () => {
  it('sends the rendered e-mail to the recipient', async () => {
    const { useCase, outcomes, sent } = setup([due(0)], 0);
    expect(await useCase.execute(new DeliverEmailsCommand(NOW))).toBe(1);
    expect(outcomes).toEqual([{ kind: 'sent', at: NOW }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'ann@example.com', subject: 'Your order: Order confirmed' });
    expect(sent[0]!.messageId).toBe(`<notification.${notification.id}@archipelago.local>`);
    expect(sent[0]!.text).toContain('http://localhost:8000/commerce/v1/orders/o1');
  });

  it('retries a failure with exponential backoff, capped', async () => {
    const first = setup([due(0)], 1);
    await first.useCase.execute(new DeliverEmailsCommand(NOW));
    expect(first.outcomes).toEqual([
      { kind: 'retry', attempts: 1, nextAttemptAt: '2026-12-06T12:00:01.000Z', error: '421 try again later' },
    ]);
    expect([1, 2, 3].map((a) => backoffMs(policy, a))).toEqual([1_000, 1_500, 1_500]);
  });

  it('gives every attempt of a notification the same Message-ID, and other notifications another', async () => {
    const attempts = [setup([due(0)], 0), setup([due(1)], 0)];
    for (const a of attempts) await a.useCase.execute(new DeliverEmailsCommand(NOW));
    const other = setup([{ ...due(0), notification: { ...notification, id: 'n2' } }], 0);
    await other.useCase.execute(new DeliverEmailsCommand(NOW));
    const [first, second] = attempts.map((a) => a.sent[0]!.messageId);
    expect(second).toBe(first);
    expect(other.sent[0]!.messageId).not.toBe(first);
  });

  it('is dead after maxAttempts, and at once without an address', async () => {
    const last = setup([due(2)], 1);
    await last.useCase.execute(new DeliverEmailsCommand(NOW));
    expect(last.outcomes).toEqual([{ kind: 'dead', attempts: 3, error: '421 try again later' }]);
    const nobody = setup([due(0, null)], 0);
    await nobody.useCase.execute(new DeliverEmailsCommand(NOW));
    expect(nobody.outcomes[0]).toMatchObject({ kind: 'dead', attempts: 1 });
    expect(nobody.sent).toEqual([]);
  });
});
