import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { TasksItemEventStoreRepository } from './tasks-item.event-store.repository.js';
import { TasksItemListProjection, TasksItemListReadModel } from './tasks-item-list.projection.js';
import { TASKS_DATABASE } from './tasks.data-source.js';

/**
 * Everything the tasks adapters stand on (see {@link ServiceInfrastructure}): the item list
 * projection and the item repository. `TasksInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class TasksInfrastructure extends ServiceInfrastructure {
  static override readonly database = TASKS_DATABASE;

  readonly projectionRunner = this.addProjection(new TasksItemListProjection(this.config.schema));
  readonly repository = new TasksItemEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new TasksItemListReadModel(this.dataSource, this.projectionRunner);
}
