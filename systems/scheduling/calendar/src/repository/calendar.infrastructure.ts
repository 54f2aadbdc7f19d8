import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { CalendarItemEventStoreRepository } from './calendar-item.event-store.repository.js';
import { CalendarItemListProjection, CalendarItemListReadModel } from './calendar-item-list.projection.js';
import { CALENDAR_DATABASE } from './calendar.data-source.js';

/**
 * Everything the calendar adapters stand on (see {@link ServiceInfrastructure}): the item list
 * projection and the item repository. `CalendarInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class CalendarInfrastructure extends ServiceInfrastructure {
  static override readonly database = CALENDAR_DATABASE;

  readonly projectionRunner = this.addProjection(new CalendarItemListProjection(this.config.schema));
  readonly repository = new CalendarItemEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new CalendarItemListReadModel(this.dataSource, this.projectionRunner);
}
