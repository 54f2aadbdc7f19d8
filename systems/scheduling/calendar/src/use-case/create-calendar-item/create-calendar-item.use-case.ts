import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { calendarItemDecider } from '../../entity/calendar-item/calendar-item.decider.js';
import type { ActiveCalendarItem } from '../../entity/calendar-item/calendar-item.state.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import { CALENDAR_ITEM_READ_MODEL, type CalendarItemReadModelPort } from '../port/calendar-item.read-model.port.js';
import {
  ConcurrencyConflictError,
  CALENDAR_ITEM_REPOSITORY,
  type CalendarItemRepositoryPort,
} from '../port/calendar-item.repository.port.js';
import { CreateCalendarItemCommand } from './create-calendar-item.command.js';

const MAX_ATTEMPTS = 5;

/**
 * Creates a CalendarItem stream with a fresh id: load → decide → save, decided again on fresh
 * state when another writer appended first (optimistic concurrency; never lost).
 * @throws InvalidCalendarItemCommandError (400), CalendarItemAlreadyExistsError (409)
 */
@CommandHandler(CreateCalendarItemCommand)
export class CreateCalendarItemUseCase implements ICommandHandler<CreateCalendarItemCommand, ActiveCalendarItem> {
  constructor(
    @Inject(CALENDAR_ITEM_REPOSITORY) private readonly repository: CalendarItemRepositoryPort,
    @Inject(CALENDAR_ITEM_READ_MODEL) private readonly readModel: CalendarItemReadModelPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ input, context }: CreateCalendarItemCommand): Promise<ActiveCalendarItem> {
    const itemId = globalThis.crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.repository.load(itemId);
      const events = calendarItemDecider.decide(
        { type: 'CreateCalendarItem', data: { itemId, name: input.name, now: this.clock.now() } },
        state,
      );
      try {
        await this.repository.save(itemId, events, version, context);
      } catch (error) {
        if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.readModel.refresh();
      const after = events.reduce(calendarItemDecider.evolve, state);
      if (after.status !== 'active') throw new Error('unreachable: the created item is absent');
      return after;
    }
  }
}
