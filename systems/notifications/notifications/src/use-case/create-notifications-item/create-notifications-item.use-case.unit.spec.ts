import { describe, expect, it } from 'vitest';
import type { NotificationsItemEvent } from '../../entity/notifications-item/notifications-item.events.js';
import { InvalidNotificationsItemCommandError } from '../../entity/notifications-item/notifications-item.errors.js';
import { notificationsItemDecider } from '../../entity/notifications-item/notifications-item.decider.js';
import type { NotificationsItemReadModelPort } from '../port/notifications-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedNotificationsItem,
  type NotificationsItemRepositoryPort,
} from '../port/notifications-item.repository.port.js';
import { CreateNotificationsItemCommand } from './create-notifications-item.command.js';
import { CreateNotificationsItemUseCase } from './create-notifications-item.use-case.js';

/** In-memory event streams; `conflicts` makes the next saves fail as if another writer came first. */
class InMemoryNotificationsItemRepository implements NotificationsItemRepositoryPort {
  readonly streams = new Map<string, NotificationsItemEvent[]>();
  conflicts = 0;
  async load(itemId: string): Promise<LoadedNotificationsItem> {
    const events = this.streams.get(itemId) ?? [];
    return {
      state: events.reduce(notificationsItemDecider.evolve, notificationsItemDecider.initialState()),
      version: events.length,
    };
  }
  async save(itemId: string, events: readonly NotificationsItemEvent[], expectedVersion: number): Promise<void> {
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new ConcurrencyConflictError(itemId);
    }
    const stream = this.streams.get(itemId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(itemId);
    this.streams.set(itemId, [...stream, ...events]);
  }
}

const readModel: NotificationsItemReadModelPort = {
  list: async () => ({ items: [], nextCursor: null }),
  refresh: () => {},
};
const clock = { now: () => '2026-12-06T10:00:00.000Z' };

describe('CreateNotificationsItemUseCase', () => {
  it('stores one NotificationsItemCreated event with the clock time and returns the item', async () => {
    const repository = new InMemoryNotificationsItemRepository();
    const item = await new CreateNotificationsItemUseCase(repository, readModel, clock).execute(
      new CreateNotificationsItemCommand({ name: ' A ' }, {}),
    );
    expect(item).toEqual({ status: 'active', id: item.id, name: 'A', createdAt: clock.now() });
    expect(repository.streams.get(item.id)).toEqual([
      { type: 'NotificationsItemCreated', data: { itemId: item.id, name: 'A', at: clock.now() } },
    ]);
  });

  it('decides again after a concurrency conflict, and gives up after five', async () => {
    const repository = new InMemoryNotificationsItemRepository();
    repository.conflicts = 2;
    const useCase = new CreateNotificationsItemUseCase(repository, readModel, clock);
    expect((await useCase.execute(new CreateNotificationsItemCommand({ name: 'B' }, {}))).name).toBe('B');
    repository.conflicts = 5;
    await expect(useCase.execute(new CreateNotificationsItemCommand({ name: 'C' }, {}))).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });

  it('stores nothing for an invalid name', async () => {
    const repository = new InMemoryNotificationsItemRepository();
    await expect(
      new CreateNotificationsItemUseCase(repository, readModel, clock).execute(
        new CreateNotificationsItemCommand({ name: ' ' }, {}),
      ),
    ).rejects.toBeInstanceOf(InvalidNotificationsItemCommandError);
    expect(repository.streams.size).toBe(0);
  });
});
