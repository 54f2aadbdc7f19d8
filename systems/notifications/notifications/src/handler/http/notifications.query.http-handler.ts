import { ApiProblemResponses, ApiZodResponse, ZodParams, ZodQuery } from '@archipelago/platform-service';
import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActiveNotificationsItem } from '../../entity/notifications-item/notifications-item.state.js';
import { GetNotificationsItemQuery } from '../../use-case/get-notifications-item/get-notifications-item.query.js';
import { ListNotificationsItemsQuery } from '../../use-case/list-notifications-items/list-notifications-items.query.js';
import type { NotificationsItemPage } from '../../use-case/port/notifications-item.read-model.port.js';
import {
  listNotificationsItemsQuery,
  notificationsItemDto,
  notificationsItemIdParams,
  notificationsItemPageDto,
  type NotificationsItemDto,
} from './notifications-item.schemas.js';

/** Reads of `/notifications/v1/notifications` (the query role). Any valid access token may read. */
@ApiTags('notifications')
@Controller('notifications/v1/notifications')
export class NotificationsQueryHttpHandler {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'List items',
    description:
      'Any valid access token (401 without one). Items in creation order, `limit` (1–100, default 20) per page, read from the list projection (eventually consistent); pass `nextCursor` back as `cursor` (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give).',
  })
  @ApiZodResponse(200, notificationsItemPageDto)
  @ApiProblemResponses(400, 401)
  async list(@ZodQuery(listNotificationsItemsQuery) query: { limit: number; cursor?: string }) {
    const page: NotificationsItemPage = await this.queries.execute(
      new ListNotificationsItemsQuery(query.limit, query.cursor),
    );
    return {
      items: page.items.map((i) => ({ id: i.id, name: i.name, createdAt: i.createdAt })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One item',
    description:
      'Any valid access token (401 without one). Read from the item’s event stream (always current). 404 `NOTIFICATIONS_ITEM.NOT_FOUND` for an unknown id; 400 when `id` is not a UUID.',
  })
  @ApiZodResponse(200, notificationsItemDto)
  @ApiProblemResponses(400, 401, 404)
  async get(@ZodParams(notificationsItemIdParams) params: { id: string }): Promise<NotificationsItemDto> {
    const item: ActiveNotificationsItem = await this.queries.execute(new GetNotificationsItemQuery(params.id));
    return { id: item.id, name: item.name, createdAt: item.createdAt };
  }
}
