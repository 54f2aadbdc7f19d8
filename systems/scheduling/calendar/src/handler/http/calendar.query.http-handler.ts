import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActiveCalendarItem } from '../../entity/calendar-item/calendar-item.state.js';
import { GetCalendarItemQuery } from '../../use-case/get-calendar-item/get-calendar-item.query.js';
import { ListCalendarItemsQuery } from '../../use-case/list-calendar-items/list-calendar-items.query.js';
import type { CalendarItemPage } from '../../use-case/port/calendar-item.read-model.port.js';
import {
  listCalendarItemsQuery,
  calendarItemDto,
  calendarItemIdParams,
  calendarItemPageDto,
  type CalendarItemDto,
} from './calendar-item.schemas.js';

/** Reads of `/scheduling/v1/calendar` (the query role). Any valid access token may read. */
@ApiTags('calendar')
@Controller('scheduling/v1/calendar')
export class CalendarQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List items',
    description: 'Items in creation order, keyset-paginated (eventually consistent).',
  })
  @ApiZodResponse(200, calendarItemPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listCalendarItemsQuery) query: { limit: number; cursor?: string }) {
    const page: CalendarItemPage = await this.queries.execute(new ListCalendarItemsQuery(query.limit, query.cursor));
    return {
      items: page.items.map((i) => ({ id: i.id, name: i.name, createdAt: i.createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One item', description: 'Read from the item’s event stream (always current).' })
  @ApiZodResponse(200, calendarItemDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(calendarItemIdParams) params: { id: string }): Promise<CalendarItemDto> {
    const item: ActiveCalendarItem = await this.queries.execute(new GetCalendarItemQuery(params.id));
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
