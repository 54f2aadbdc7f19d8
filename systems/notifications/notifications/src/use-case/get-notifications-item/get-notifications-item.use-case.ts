import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { NotificationsItemNotFoundError } from '../../entity/notifications-item/notifications-item.errors.js';
import type { ActiveNotificationsItem } from '../../entity/notifications-item/notifications-item.state.js';
import {
  NOTIFICATIONS_ITEM_REPOSITORY,
  type NotificationsItemRepositoryPort,
} from '../port/notifications-item.repository.port.js';
import { GetNotificationsItemQuery } from './get-notifications-item.query.js';

/** @throws NotificationsItemNotFoundError (404) */
@QueryHandler(GetNotificationsItemQuery)
export class GetNotificationsItemUseCase implements IQueryHandler<GetNotificationsItemQuery, ActiveNotificationsItem> {
  constructor(@Inject(NOTIFICATIONS_ITEM_REPOSITORY) private readonly repository: NotificationsItemRepositoryPort) {}

  async execute({ itemId }: GetNotificationsItemQuery): Promise<ActiveNotificationsItem> {
    const { state } = await this.repository.load(itemId);
    if (state.status !== 'active') throw new NotificationsItemNotFoundError(itemId);
    return state;
  }
}
