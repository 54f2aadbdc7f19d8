import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { TaskEventStoreRepository } from './task.event-store.repository.js';
import { TaskListProjection, TaskListReadModel } from './task-list.projection.js';
import { TASKS_DATABASE } from './tasks.data-source.js';

/**
 * Everything the tasks adapters stand on (see {@link ServiceInfrastructure}): the task list
 * projection and the task repository. `TasksInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class TasksInfrastructure extends ServiceInfrastructure {
  static override readonly database = TASKS_DATABASE;

  readonly projectionRunner = this.addProjection(new TaskListProjection(this.config.schema));
  readonly repository = new TaskEventStoreRepository(this.pool, this.store, this.messaging, this.config.schema);
  readonly readModel = new TaskListReadModel(this.dataSource, this.projectionRunner);
}
