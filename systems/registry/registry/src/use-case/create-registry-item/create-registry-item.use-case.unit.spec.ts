import { describe, expect, it } from 'vitest';
import type { RegistryItemEvent } from '../../entity/registry-item/registry-item.events.js';
import { InvalidRegistryItemCommandError } from '../../entity/registry-item/registry-item.errors.js';
import { registryItemDecider } from '../../entity/registry-item/registry-item.decider.js';
import type { RegistryItemReadModelPort } from '../port/registry-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedRegistryItem,
  type RegistryItemRepositoryPort,
} from '../port/registry-item.repository.port.js';
import { CreateRegistryItemCommand } from './create-registry-item.command.js';
import { CreateRegistryItemUseCase } from './create-registry-item.use-case.js';

/** In-memory event streams; `conflicts` makes the next saves fail as if another writer came first. */
class InMemoryRegistryItemRepository implements RegistryItemRepositoryPort {
  readonly streams = new Map<string, RegistryItemEvent[]>();
  conflicts = 0;
  async load(itemId: string): Promise<LoadedRegistryItem> {
    const events = this.streams.get(itemId) ?? [];
    return {
      state: events.reduce(registryItemDecider.evolve, registryItemDecider.initialState()),
      version: events.length,
    };
  }
  async save(itemId: string, events: readonly RegistryItemEvent[], expectedVersion: number): Promise<void> {
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new ConcurrencyConflictError(itemId);
    }
    const stream = this.streams.get(itemId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(itemId);
    this.streams.set(itemId, [...stream, ...events]);
  }
}

const readModel: RegistryItemReadModelPort = { list: async () => ({ items: [], nextCursor: null }), refresh: () => {} };
const clock = { now: () => '2026-12-06T10:00:00.000Z' };

describe('CreateRegistryItemUseCase', () => {
  it('stores one RegistryItemCreated event with the clock time and returns the item', async () => {
    const repository = new InMemoryRegistryItemRepository();
    const item = await new CreateRegistryItemUseCase(repository, readModel, clock).execute(
      new CreateRegistryItemCommand({ name: ' A ' }, {}),
    );
    expect(item).toEqual({ status: 'active', id: item.id, name: 'A', createdAt: clock.now() });
    expect(repository.streams.get(item.id)).toEqual([
      { type: 'RegistryItemCreated', data: { itemId: item.id, name: 'A', at: clock.now() } },
    ]);
  });

  it('decides again after a concurrency conflict, and gives up after five', async () => {
    const repository = new InMemoryRegistryItemRepository();
    repository.conflicts = 2;
    const useCase = new CreateRegistryItemUseCase(repository, readModel, clock);
    expect((await useCase.execute(new CreateRegistryItemCommand({ name: 'B' }, {}))).name).toBe('B');
    repository.conflicts = 5;
    await expect(useCase.execute(new CreateRegistryItemCommand({ name: 'C' }, {}))).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });

  it('stores nothing for an invalid name', async () => {
    const repository = new InMemoryRegistryItemRepository();
    await expect(
      new CreateRegistryItemUseCase(repository, readModel, clock).execute(
        new CreateRegistryItemCommand({ name: ' ' }, {}),
      ),
    ).rejects.toBeInstanceOf(InvalidRegistryItemCommandError);
    expect(repository.streams.size).toBe(0);
  });
});
