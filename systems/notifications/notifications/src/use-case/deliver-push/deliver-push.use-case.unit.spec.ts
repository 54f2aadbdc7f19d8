import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../../entity/delivery/delivery.js';
import type { Notification } from '../../entity/notification/notification.js';
import {
  type DuePushDelivery,
  type PushDeliveryPolicy,
  type PushDeliveryQueuePort,
  PushRetryLaterError,
  type PushSendResult,
  type PushTarget,
} from '../port/push.port.js';
import { DeliverPushCommand, DeliverPushUseCase } from './deliver-push.use-case.js';

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
const policy: PushDeliveryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 1_000,
  maxBackoffMs: 1_500,
  ttlSeconds: 600,
  publicBaseUrl: 'http://localhost:8000',
  batchSize: 10,
  allowedEndpointHosts: ['push.example.net'],
};
const target: PushTarget = { endpoint: 'https://push.example.net/s1', keys: { p256dh: 'p', auth: 'a' } };
const NOW = '2026-12-06T12:00:00.000Z';

/** The push service answers each send with the next of `answers` (an Error is thrown: network, 429, 5xx). */
function setup(deliveries: DuePushDelivery[], answers: Array<PushSendResult | Error>) {
  const outcomes: DeliveryOutcome[] = [];
  const sent: Array<{ target: PushTarget; payload: unknown; ttlSeconds: number }> = [];
  const queue: PushDeliveryQueuePort = {
    async processDue(_now, _limit, work) {
      for (const d of deliveries) outcomes.push(await work(d));
      return deliveries.length;
    },
  };
  const sender = {
    async send(to: PushTarget, payload: string, options: { ttlSeconds: number }): Promise<PushSendResult> {
      const answer = answers.shift() ?? { kind: 'delivered' };
      if (answer instanceof Error) throw answer;
      sent.push({ target: to, payload: JSON.parse(payload), ttlSeconds: options.ttlSeconds });
      return answer;
    },
  };
  return { useCase: new DeliverPushUseCase(queue, sender, policy), outcomes, sent };
}
const due = (attempts: number, subscription: PushTarget | null = target): DuePushDelivery => ({
  id: 'd1',
  attempts,
  notification,
  subscription,
});

describe('DeliverPushUseCase', () => {
  it('sends the JSON payload to the subscription with the TTL', async () => {
    const { useCase, outcomes, sent } = setup([due(0)], []);
    expect(await useCase.execute(new DeliverPushCommand(NOW))).toBe(1);
    expect(outcomes).toEqual([{ kind: 'sent', at: NOW }]);
    expect(sent).toEqual([
      {
        target,
        payload: {
          id: 'n1',
          title: 'Order confirmed',
          body: 'Your order o1 is confirmed.',
          link: 'http://localhost:8000/commerce/v1/orders/o1',
          category: 'order',
        },
        ttlSeconds: 600,
      },
    ]);
  });

  it('ends the delivery as gone on 404/410, and without sending when the subscription was deleted', async () => {
    const gone = setup([due(0)], [{ kind: 'gone', status: 410 }]);
    await gone.useCase.execute(new DeliverPushCommand(NOW));
    expect(gone.outcomes).toEqual([{ kind: 'gone', attempts: 1, error: expect.stringContaining('410') }]);
    const deleted = setup([due(1, null)], []);
    await deleted.useCase.execute(new DeliverPushCommand(NOW));
    expect(deleted.outcomes).toEqual([{ kind: 'gone', attempts: 2, error: expect.stringContaining('deleted') }]);
    expect(deleted.sent).toEqual([]);
  });

  it('never sends to a stored subscription whose host is not (or no longer) an allowed push service: dead at once', async () => {
    const elsewhere = { ...target, endpoint: 'http://10.0.0.7:8080/internal' };
    const { useCase, outcomes, sent } = setup([due(0, elsewhere)], []);
    await useCase.execute(new DeliverPushCommand(NOW));
    expect(outcomes).toEqual([{ kind: 'dead', attempts: 1, error: expect.stringContaining('not an allowed push service') }]);
    expect(sent).toEqual([]);
  });

  it('retries 429/5xx/network errors with capped exponential backoff, then dead', async () => {
    const first = setup([due(0)], [new Error('push service answered 503')]);
    await first.useCase.execute(new DeliverPushCommand(NOW));
    expect(first.outcomes).toEqual([
      { kind: 'retry', attempts: 1, nextAttemptAt: '2026-12-06T12:00:01.000Z', error: 'push service answered 503' },
    ]);
    const second = setup([due(1)], [new Error('push service answered 429')]);
    await second.useCase.execute(new DeliverPushCommand(NOW));
    expect(second.outcomes[0]).toMatchObject({ kind: 'retry', nextAttemptAt: '2026-12-06T12:00:01.500Z' });
    const last = setup([due(2)], [new Error('ECONNREFUSED')]);
    await last.useCase.execute(new DeliverPushCommand(NOW));
    expect(last.outcomes).toEqual([{ kind: 'dead', attempts: 3, error: 'ECONNREFUSED' }]);
  });

  it('is dead at once when the push service rejects the request (another 4xx)', async () => {
    const { useCase, outcomes } = setup([due(0)], [{ kind: 'rejected', status: 413, error: 'Payload Too Large' }]);
    await useCase.execute(new DeliverPushCommand(NOW));
    expect(outcomes).toEqual([
      { kind: 'dead', attempts: 1, error: 'the push service answered 413: Payload Too Large' },
    ]);
  });
});

describe('DeliverPushUseCase and Retry-After', () => {
  it('waits at least what the push service asked for, capped at the maximum backoff', async () => {
    const asked = setup([due(0)], [new PushRetryLaterError('push service answered 429', 1_200)]);
    await asked.useCase.execute(new DeliverPushCommand(NOW));
    expect(asked.outcomes[0]).toMatchObject({ kind: 'retry', nextAttemptAt: '2026-12-06T12:00:01.200Z' });
    const tooLong = setup([due(0)], [new PushRetryLaterError('push service answered 503', 3_600_000)]);
    await tooLong.useCase.execute(new DeliverPushCommand(NOW));
    expect(tooLong.outcomes[0]).toMatchObject({ kind: 'retry', nextAttemptAt: '2026-12-06T12:00:01.500Z' });
  });
});
