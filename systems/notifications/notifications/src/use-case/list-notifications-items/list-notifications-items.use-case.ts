import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  NOTIFICATIONS_ITEM_READ_MODEL,
  type NotificationsItemPage,
  type NotificationsItemReadModelPort,
} from '../port/notifications-item.read-model.port.js';
import { ListNotificationsItemsQuery } from './list-notifications-items.query.js';

/** @throws InvalidCursorError (400) */
@QueryHandler(ListNotificationsItemsQuery)
export class ListNotificationsItemsUseCase implements IQueryHandler<
  ListNotificationsItemsQuery,
  NotificationsItemPage
> {
  constructor(@Inject(NOTIFICATIONS_ITEM_READ_MODEL) private readonly readModel: NotificationsItemReadModelPort) {}

  execute({ limit, cursor }: ListNotificationsItemsQuery): Promise<NotificationsItemPage> {
    return this.readModel.list(limit, cursor);
  }
}
