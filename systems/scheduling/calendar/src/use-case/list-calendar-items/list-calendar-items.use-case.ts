import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  CALENDAR_ITEM_READ_MODEL,
  type CalendarItemPage,
  type CalendarItemReadModelPort,
} from '../port/calendar-item.read-model.port.js';
import { ListCalendarItemsQuery } from './list-calendar-items.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListCalendarItemsQuery)
export class ListCalendarItemsUseCase implements IQueryHandler<ListCalendarItemsQuery, CalendarItemPage> {
  constructor(@Inject(CALENDAR_ITEM_READ_MODEL) private readonly readModel: CalendarItemReadModelPort) {}

  execute({ limit, cursor }: ListCalendarItemsQuery): Promise<CalendarItemPage> {
    return this.readModel.list(limit, cursor);
  }
}
