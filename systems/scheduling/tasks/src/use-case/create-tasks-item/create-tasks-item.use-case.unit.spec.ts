import { describe, expect, it } from 'vitest';
import type { TasksItemEvent } from '../../entity/tasks-item/tasks-item.events.js';
import { InvalidTasksItemCommandError } from '../../entity/tasks-item/tasks-item.errors.js';
import { tasksItemDecider } from '../../entity/tasks-item/tasks-item.decider.js';
import type { TasksItemReadModelPort } from '../port/tasks-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedTasksItem,
  type TasksItemRepositoryPort,
} from '../port/tasks-item.repository.port.js';
import { CreateTasksItemCommand } from './create-tasks-item.command.js';
import { CreateTasksItemUseCase } from './create-tasks-item.use-case.js';

/** In-memory event streams; `conflicts` makes the next saves fail as if another writer came first. */
class InMemoryTasksItemRepository implements TasksItemRepositoryPort {
  readonly streams = new Map<string, TasksItemEvent[]>();
  conflicts = 0;
  async load(itemId: string): Promise<LoadedTasksItem> {
    const events = this.streams.get(itemId) ?? [];
    return { state: events.reduce(tasksItemDecider.evolve, tasksItemDecider.initialState()), version: events.length };
  }
  async save(itemId: string, events: readonly TasksItemEvent[], expectedVersion: number): Promise<void> {
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new ConcurrencyConflictError(itemId);
    }
    const stream = this.streams.get(itemId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(itemId);
    this.streams.set(itemId, [...stream, ...events]);
  }
}

const readModel: TasksItemReadModelPort = { list: async () => ({ items: [], nextCursor: null }), refresh: () => {} };
const clock = { now: () => '2026-12-06T10:00:00.000Z' };

describe('CreateTasksItemUseCase', () => {
  it('stores one TasksItemCreated event with the clock time and returns the item', async () => {
    const repository = new InMemoryTasksItemRepository();
    const item = await new CreateTasksItemUseCase(repository, readModel, clock).execute(
      new CreateTasksItemCommand({ name: ' A ' }, {}),
    );
    expect(item).toEqual({ status: 'active', id: item.id, name: 'A', createdAt: clock.now() });
    expect(repository.streams.get(item.id)).toEqual([
      { type: 'TasksItemCreated', data: { itemId: item.id, name: 'A', at: clock.now() } },
    ]);
  });

  it('decides again after a concurrency conflict, and gives up after five', async () => {
    const repository = new InMemoryTasksItemRepository();
    repository.conflicts = 2;
    const useCase = new CreateTasksItemUseCase(repository, readModel, clock);
    expect((await useCase.execute(new CreateTasksItemCommand({ name: 'B' }, {}))).name).toBe('B');
    repository.conflicts = 5;
    await expect(useCase.execute(new CreateTasksItemCommand({ name: 'C' }, {}))).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });

  it('stores nothing for an invalid name', async () => {
    const repository = new InMemoryTasksItemRepository();
    await expect(
      new CreateTasksItemUseCase(repository, readModel, clock).execute(new CreateTasksItemCommand({ name: ' ' }, {})),
    ).rejects.toBeInstanceOf(InvalidTasksItemCommandError);
    expect(repository.streams.size).toBe(0);
  });
});
