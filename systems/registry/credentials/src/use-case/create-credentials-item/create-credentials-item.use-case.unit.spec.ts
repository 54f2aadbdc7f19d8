import { describe, expect, it } from 'vitest';
import type { CredentialsItemEvent } from '../../entity/credentials-item/credentials-item.events.js';
import { InvalidCredentialsItemCommandError } from '../../entity/credentials-item/credentials-item.errors.js';
import { credentialsItemDecider } from '../../entity/credentials-item/credentials-item.decider.js';
import type { CredentialsItemReadModelPort } from '../port/credentials-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedCredentialsItem,
  type CredentialsItemRepositoryPort,
} from '../port/credentials-item.repository.port.js';
import { CreateCredentialsItemCommand } from './create-credentials-item.command.js';
import { CreateCredentialsItemUseCase } from './create-credentials-item.use-case.js';

/** In-memory event streams; `conflicts` makes the next saves fail as if another writer came first. */
class InMemoryCredentialsItemRepository implements CredentialsItemRepositoryPort {
  readonly streams = new Map<string, CredentialsItemEvent[]>();
  conflicts = 0;
  async load(itemId: string): Promise<LoadedCredentialsItem> {
    const events = this.streams.get(itemId) ?? [];
    return {
      state: events.reduce(credentialsItemDecider.evolve, credentialsItemDecider.initialState()),
      version: events.length,
    };
  }
  async save(itemId: string, events: readonly CredentialsItemEvent[], expectedVersion: number): Promise<void> {
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new ConcurrencyConflictError(itemId);
    }
    const stream = this.streams.get(itemId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(itemId);
    this.streams.set(itemId, [...stream, ...events]);
  }
}

const readModel: CredentialsItemReadModelPort = {
  list: async () => ({ items: [], nextCursor: null }),
  refresh: () => {},
};
const clock = { now: () => '2026-12-06T10:00:00.000Z' };

describe('CreateCredentialsItemUseCase', () => {
  it('stores one CredentialsItemCreated event with the clock time and returns the item', async () => {
    const repository = new InMemoryCredentialsItemRepository();
    const item = await new CreateCredentialsItemUseCase(repository, readModel, clock).execute(
      new CreateCredentialsItemCommand({ name: ' A ' }, {}),
    );
    expect(item).toEqual({ status: 'active', id: item.id, name: 'A', createdAt: clock.now() });
    expect(repository.streams.get(item.id)).toEqual([
      { type: 'CredentialsItemCreated', data: { itemId: item.id, name: 'A', at: clock.now() } },
    ]);
  });

  it('decides again after a concurrency conflict, and gives up after five', async () => {
    const repository = new InMemoryCredentialsItemRepository();
    repository.conflicts = 2;
    const useCase = new CreateCredentialsItemUseCase(repository, readModel, clock);
    expect((await useCase.execute(new CreateCredentialsItemCommand({ name: 'B' }, {}))).name).toBe('B');
    repository.conflicts = 5;
    await expect(useCase.execute(new CreateCredentialsItemCommand({ name: 'C' }, {}))).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });

  it('stores nothing for an invalid name', async () => {
    const repository = new InMemoryCredentialsItemRepository();
    await expect(
      new CreateCredentialsItemUseCase(repository, readModel, clock).execute(
        new CreateCredentialsItemCommand({ name: ' ' }, {}),
      ),
    ).rejects.toBeInstanceOf(InvalidCredentialsItemCommandError);
    expect(repository.streams.size).toBe(0);
  });
});
