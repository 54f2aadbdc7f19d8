import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CalendarItemNotFoundError } from '../../entity/calendar-item/calendar-item.errors.js';
import type { ActiveCalendarItem } from '../../entity/calendar-item/calendar-item.state.js';
import { CALENDAR_ITEM_REPOSITORY, type CalendarItemRepositoryPort } from '../port/calendar-item.repository.port.js';
import { GetCalendarItemQuery } from './get-calendar-item.query.js';

/** @throws CalendarItemNotFoundError (404) */
@QueryHandler(GetCalendarItemQuery)
export class GetCalendarItemUseCase implements IQueryHandler<GetCalendarItemQuery, ActiveCalendarItem> {
  constructor(@Inject(CALENDAR_ITEM_REPOSITORY) private readonly repository: CalendarItemRepositoryPort) {}

  async execute({ itemId }: GetCalendarItemQuery): Promise<ActiveCalendarItem> {
    const { state } = await this.repository.load(itemId);
    if (state.status !== 'active') throw new CalendarItemNotFoundError(itemId);
    return state;
  }
}
