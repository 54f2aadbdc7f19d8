import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushSubscription } from '../../entity/push/push-subscription.js';
import {
  InvalidPushSubscriptionError,
  PushEndpointNotAllowedError,
  PushSubscriptionNotFoundError,
} from '../../entity/push/push-subscription.errors.js';
import type { PushSubscriptionRepositoryPort, PushTarget } from '../port/push.port.js';
import {
  DeletePushSubscriptionCommand,
  DeletePushSubscriptionUseCase,
  GetVapidPublicKeyUseCase,
  ListPushSubscriptionsQuery,
  ListPushSubscriptionsUseCase,
  SubscribePushCommand,
  SubscribePushUseCase,
} from './push-subscriptions.use-cases.js';

/** In-memory subscriptions, unique per endpoint (the same contract as the SQL repository). */
class InMemorySubscriptions implements PushSubscriptionRepositoryPort {
  rows: PushSubscription[] = [];
  private next = 0;

  async subscribe(userId: string, target: PushTarget, now: string, keep: number) {
    const existing = this.rows.find((r) => r.endpoint === target.endpoint);
    if (existing && existing.userId === userId) {
      const refreshed = { ...existing, keys: target.keys };
      this.rows = this.rows.map((r) => (r === existing ? refreshed : r));
      return { subscription: refreshed, created: false };
    }
    this.rows = this.rows.filter((r) => r !== existing);
    const subscription = {
      id: `s${this.next++}`,
      userId,
      endpoint: target.endpoint,
      keys: target.keys,
      createdAt: now,
    };
    this.rows.push(subscription);
    const mine = this.rows.filter((r) => r.userId === userId);
    this.rows = this.rows.filter((r) => r.userId !== userId || mine.indexOf(r) >= mine.length - keep);
    return { subscription, created: true };
  }
  async list(userId: string) {
    return this.rows.filter((r) => r.userId === userId);
  }
  async delete(userId: string, id: string) {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !(r.id === id && r.userId === userId));
    return this.rows.length < before;
  }
}

const keys = {
  p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
  auth: Buffer.alloc(16, 2).toString('base64url'),
};
const clock = { now: () => '2026-12-06T12:00:00.000Z' };
const setup = (allowHttpEndpoints = false) => {
  const db = new InMemorySubscriptions();
  const settings = {
    vapidPublicKey: 'BPUB',
    allowHttpEndpoints,
    allowedEndpointHosts: ['push.example.net', '127.0.0.1'],
    maxSubscriptionsPerUser: 2,
  };
  return {
    db,
    subscribe: new SubscribePushUseCase(db, settings, clock),
    list: new ListPushSubscriptionsUseCase(db),
    remove: new DeletePushSubscriptionUseCase(db),
    key: new GetVapidPublicKeyUseCase(settings),
  };
};

describe('push subscription use cases', () => {
  it('subscribes a device once per endpoint: the same endpoint again is the same subscription', async () => {
    const { subscribe, list } = setup();
    const first = await subscribe.execute(new SubscribePushCommand('ann', 'https://push.example.net/a', keys));
    const again = await subscribe.execute(new SubscribePushCommand('ann', 'https://push.example.net/a', keys));
    expect(first.created).toBe(true);
    expect(again).toEqual({ subscription: first.subscription, created: false });
    expect(await list.execute(new ListPushSubscriptionsQuery('ann'))).toEqual([first.subscription]);
    expect(await list.execute(new ListPushSubscriptionsQuery('bob'))).toEqual([]);
  });

  it('keeps the newest maxSubscriptionsPerUser subscriptions of a user (2 here)', async () => {
    const { subscribe, list } = setup();
    const made = [];
    for (const n of [1, 2, 3])
      made.push(
        (await subscribe.execute(new SubscribePushCommand('ann', `https://push.example.net/${n}`, keys))).subscription,
      );
    expect(await list.execute(new ListPushSubscriptionsQuery('ann'))).toEqual(made.slice(1));
  });

  it('refuses http endpoints unless allowed, and malformed keys', async () => {
    const strict = setup(false);
    await expect(
      strict.subscribe.execute(new SubscribePushCommand('ann', 'http://127.0.0.1:9/p', keys)),
    ).rejects.toBeInstanceOf(InvalidPushSubscriptionError);
    await expect(
      strict.subscribe.execute(new SubscribePushCommand('ann', 'https://push.example.net/a', { ...keys, auth: 'x' })),
    ).rejects.toBeInstanceOf(InvalidPushSubscriptionError);
    const local = setup(true);
    expect((await local.subscribe.execute(new SubscribePushCommand('ann', 'http://127.0.0.1:9/p', keys))).created).toBe(
      true,
    );
  });

  it('refuses an endpoint on a host that is not an allowed push service, storing nothing', async () => {
    const { subscribe, db } = setup(true);
    for (const endpoint of ['https://evil.test/p', 'http://10.0.0.1/p', 'https://push.example.net.evil.test/p'])
      await expect(subscribe.execute(new SubscribePushCommand('ann', endpoint, keys)), endpoint).rejects.toBeInstanceOf(
        PushEndpointNotAllowedError,
      );
    expect(db.rows).toEqual([]);
  });

  it("deletes the caller's own subscription only (another user's is not found)", async () => {
    const { subscribe, remove, db } = setup();
    const { subscription } = await subscribe.execute(
      new SubscribePushCommand('ann', 'https://push.example.net/a', keys),
    );
    await expect(remove.execute(new DeletePushSubscriptionCommand('bob', subscription.id))).rejects.toBeInstanceOf(
      PushSubscriptionNotFoundError,
    );
    await remove.execute(new DeletePushSubscriptionCommand('ann', subscription.id));
    expect(db.rows).toEqual([]);
  });

  it('answers the VAPID public key', async () => {
    expect(await setup().key.execute()).toBe('BPUB');
  });
});
