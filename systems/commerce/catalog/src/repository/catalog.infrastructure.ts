import { CATALOG_STOCK_RESERVATIONS_TOPIC, ORDERING_STOCK_COMMANDS_TOPIC } from '@archipelago/commerce-contracts';
import type { MessageHandler, Subscription } from '@archipelago/platform-messaging';
import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { CATALOG_DATABASE } from './catalog.data-source.js';
import { ProductEventStoreRepository } from './product.event-store.repository.js';
import { ProductListProjection, ProductListReadModel } from './product-list.projection.js';
import { CATALOG_CONSUMER_GROUP, ReservationEventStoreRepository } from './reservation.event-store.repository.js';

/**
 * Everything the catalog's adapters stand on (see {@link ServiceInfrastructure}): the product list
 * projection, the product and reservation repositories. `CatalogInfrastructure.open(config)`
 * connects; `start()` starts the relay and the projection; `close()` stops them.
 */
export class CatalogInfrastructure extends ServiceInfrastructure {
  static override readonly database = CATALOG_DATABASE;

  readonly projectionRunner = this.addProjection(new ProductListProjection(this.config.schema));
  readonly repository = new ProductEventStoreRepository(this.pool, this.store, this.messaging);
  readonly reservations = new ReservationEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new ProductListReadModel(this.dataSource, this.projectionRunner);

  /**
   * Subscribes consumer group `commerce.catalog` to ordering's stock commands
   * (`commerce.ordering.stock-commands.v1`), handing each message to `handler` (which must be
   * idempotent: the reservation use cases record the message in the inbox). With kafka, also
   * creates the reply topic `commerce.catalog.stock-reservations.v1`. `group` is for tests that
   * share one broker between several catalogs.
   */
  async subscribeStockCommands(handler: MessageHandler, group = CATALOG_CONSUMER_GROUP): Promise<Subscription> {
    await this.messaging.ensureTopics([ORDERING_STOCK_COMMANDS_TOPIC, CATALOG_STOCK_RESERVATIONS_TOPIC]);
    return this.messaging.subscribe(group, [ORDERING_STOCK_COMMANDS_TOPIC], handler);
  }
}
