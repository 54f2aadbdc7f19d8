import { describe, expect, it } from 'vitest';
import type { CalendarItemEvent } from '../../entity/calendar-item/calendar-item.events.js';
import { InvalidCalendarItemCommandError } from '../../entity/calendar-item/calendar-item.errors.js';
import { calendarItemDecider } from '../../entity/calendar-item/calendar-item.decider.js';
import type { CalendarItemReadModelPort } from '../port/calendar-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  type LoadedCalendarItem,
  type CalendarItemRepositoryPort,
} from '../port/calendar-item.repository.port.js';
import { CreateCalendarItemCommand } from './create-calendar-item.command.js';
import { CreateCalendarItemUseCase } from './create-calendar-item.use-case.js';

/** In-memory event streams; `conflicts` makes the next saves fail as if another writer came first. */
class InMemoryCalendarItemRepository implements CalendarItemRepositoryPort {
  readonly streams = new Map<string, CalendarItemEvent[]>();
  conflicts = 0;
  async load(itemId: string): Promise<LoadedCalendarItem> {
    const events = this.streams.get(itemId) ?? [];
    return {
      state: events.reduce(calendarItemDecider.evolve, calendarItemDecider.initialState()),
      version: events.length,
    };
  }
  async save(itemId: string, events: readonly CalendarItemEvent[], expectedVersion: number): Promise<void> {
    if (this.conflicts > 0) {
      this.conflicts--;
      throw new ConcurrencyConflictError(itemId);
    }
    const stream = this.streams.get(itemId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflictError(itemId);
    this.streams.set(itemId, [...stream, ...events]);
  }
}

const readModel: CalendarItemReadModelPort = { list: async () => ({ items: [], nextCursor: null }), refresh: () => {} };
const clock = { now: () => '2026-12-06T10:00:00.000Z' };

describe('CreateCalendarItemUseCase', () => {
  it('stores one CalendarItemCreated event with the clock time and returns the item', async () => {
    const repository = new InMemoryCalendarItemRepository();
    const item = await new CreateCalendarItemUseCase(repository, readModel, clock).execute(
      new CreateCalendarItemCommand({ name: ' A ' }, {}),
    );
    expect(item).toEqual({ status: 'active', id: item.id, name: 'A', createdAt: clock.now() });
    expect(repository.streams.get(item.id)).toEqual([
      { type: 'CalendarItemCreated', data: { itemId: item.id, name: 'A', at: clock.now() } },
    ]);
  });

  it('decides again after a concurrency conflict, and gives up after five', async () => {
    const repository = new InMemoryCalendarItemRepository();
    repository.conflicts = 2;
    const useCase = new CreateCalendarItemUseCase(repository, readModel, clock);
    expect((await useCase.execute(new CreateCalendarItemCommand({ name: 'B' }, {}))).name).toBe('B');
    repository.conflicts = 5;
    await expect(useCase.execute(new CreateCalendarItemCommand({ name: 'C' }, {}))).rejects.toBeInstanceOf(
      ConcurrencyConflictError,
    );
  });

  it('stores nothing for an invalid name', async () => {
    const repository = new InMemoryCalendarItemRepository();
    await expect(
      new CreateCalendarItemUseCase(repository, readModel, clock).execute(
        new CreateCalendarItemCommand({ name: ' ' }, {}),
      ),
    ).rejects.toBeInstanceOf(InvalidCalendarItemCommandError);
    expect(repository.streams.size).toBe(0);
  });
});
