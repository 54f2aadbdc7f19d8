import { ServiceInfrastructure } from '@archipelago/platform-service-kit';
import { CalendarEventEventStoreRepository } from './calendar-event.event-store.repository.js';
import { CalendarEventListProjection, CalendarEventListReadModel } from './calendar-event-list.projection.js';
import { CALENDAR_DATABASE } from './calendar.data-source.js';
import { PostgresReminderStore } from './reminder.store.js';
import { PostgresWorkspaceMembership } from './workspace-membership.store.js';
import { PostgresFeedTokens } from './feed-token.store.js';
import { PostgresWorkspaceSettings } from './workspace-settings.store.js';

/**
 * Everything the calendar adapters stand on (see {@link ServiceInfrastructure}): the event list
 * projection, the event repository and the reminder engine's store. `CalendarInfrastructure.open(config)` connects;
 * `start()` starts the outbox relay and the projection; `close()` stops them.
 */
export class CalendarInfrastructure extends ServiceInfrastructure {
  static override readonly database = CALENDAR_DATABASE;

  readonly projectionRunner = this.addProjection(new CalendarEventListProjection(this.config.schema));
  readonly repository = new CalendarEventEventStoreRepository(this.pool, this.store, this.messaging);
  readonly readModel = new CalendarEventListReadModel(this.dataSource, this.projectionRunner);
  readonly reminders = new PostgresReminderStore(this.pool, this.messaging, this.config.schema);
  readonly memberships = new PostgresWorkspaceMembership(this.pool, this.config.schema, this.messaging);
  readonly feedTokens = new PostgresFeedTokens(this.pool, this.config.schema);
  readonly settings = new PostgresWorkspaceSettings(this.pool, this.config.schema, this.messaging);
}
