import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { PostgresIdempotencyKeyStore } from './idempotency-key.store.js';
import { PostgresMemberReminderDefaults } from './member-reminder-defaults.store.js';
import { TaskEventStoreRepository } from './task.event-store.repository.js';
import { TaskListProjection, TaskListReadModel } from './task-list.projection.js';
import { TASKS_DATABASE } from './tasks.data-source.js';
import { PostgresTaskReminderStore } from './task-reminder.store.js';
import { WorkspaceEventStoreRepository } from './workspace.event-store.repository.js';
import { WorkspaceListProjection, WorkspaceListReadModel } from './workspace-list.projection.js';

/**
 * Everything the tasks adapters stand on (see {@link ServiceInfrastructure}): the task list
 * projection and the task repository; the workspace projection and repository; the task reminder store; the Idempotency-Key store. `TasksInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class TasksInfrastructure extends ServiceInfrastructure {
  static override readonly database = TASKS_DATABASE;

  readonly projectionRunner = this.addProjection(new TaskListProjection(this.config.schema));
  readonly idempotencyKeys = new PostgresIdempotencyKeyStore(this.pool, this.config.schema);
  readonly repository = new TaskEventStoreRepository(
    this.pool,
    this.store,
    this.messaging,
    this.config.schema,
    this.idempotencyKeys,
  );
  readonly readModel = new TaskListReadModel(this.dataSource, this.projectionRunner);
  readonly workspaceProjectionRunner = this.addProjection(new WorkspaceListProjection(this.config.schema));
  readonly workspaces = new WorkspaceEventStoreRepository(this.pool, this.store, this.messaging, this.config.schema);
  readonly workspaceReadModel = new WorkspaceListReadModel(
    this.pool,
    this.config.schema,
    this.workspaceProjectionRunner,
  );
  readonly reminders = new PostgresTaskReminderStore(this.pool, this.messaging, this.config.schema);
  /** Members' default reminders, kept from calendar's MemberReminderDefaultsSetV1. */
  readonly reminderDefaults = new PostgresMemberReminderDefaults(this.pool, this.config.schema);
}
