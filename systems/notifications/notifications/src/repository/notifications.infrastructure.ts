import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { NotificationsItemEventStoreRepository } from './notifications-item.event-store.repository.js';
import {
  NotificationsItemListProjection,
  NotificationsItemListReadModel,
} from './notifications-item-list.projection.js';
import { NOTIFICATIONS_DATABASE } from './notifications.data-source.js';

/**
 * Everything the notifications adapters stand on (see {@link ServiceInfrastructure}): the item list
 * projection and the item repository. `NotificationsInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class NotificationsInfrastructure extends ServiceInfrastructure {
  static override readonly database = NOTIFICATIONS_DATABASE;

  readonly projectionRunner = this.addProjection(new NotificationsItemListProjection(this.config.schema));
  readonly repository = new NotificationsItemEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new NotificationsItemListReadModel(this.dataSource, this.projectionRunner);
}
