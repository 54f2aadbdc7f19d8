import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { OrderEventStoreRepository, OrderSagaInbox } from './order.event-store.repository.js';
import { PostgresDailySalesReports, PostgresSalesEvents } from './daily-sales.repository.js';
import { PostgresOrderDeadlines } from './order-deadlines.repository.js';
import { OrderListProjection, OrderListReadModel } from './order-list.projection.js';
import { ORDERING_DATABASE } from './ordering.data-source.js';

/** Consumer group of the saga's reply consumer (convention `<system>.<service>`). */
export const ORDERING_CONSUMER_GROUP = 'commerce.ordering';

/**
 * Everything ordering's adapters stand on (see {@link ServiceInfrastructure}; its messaging is
 * also the reply consumer's transport): the order list projection, the order repository, the
 * saga inbox, the deadlines table and the daily sales report (its events reader and its tables). `start()` starts the relay and the projection; consumers
 * are started by the handlers; `close()` stops everything.
 */
export class OrderingInfrastructure extends ServiceInfrastructure {
  static override readonly database = ORDERING_DATABASE;

  readonly projectionRunner = this.addProjection(new OrderListProjection(this.config.schema));
  readonly repository = new OrderEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new OrderListReadModel(this.dataSource, this.projectionRunner);
  readonly inbox = new OrderSagaInbox(this.pool, this.config.schema, ORDERING_CONSUMER_GROUP, this.repository);
  readonly deadlines = new PostgresOrderDeadlines(this.pool, this.config.schema);
  readonly salesEvents = new PostgresSalesEvents(this.pool, this.config.schema);
  readonly salesReports = new PostgresDailySalesReports(this.pool, this.config.schema);
}
