import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { taskDecider } from '../entity/task/task.decider.js';
import type { TaskEvent } from '../entity/task/task.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedTask,
  type TaskRepositoryPort,
} from '../use-case/port/task.repository.port.js';
import { toIntegrationEvents } from './task.integration-events.js';

/** Stream id of a task: `task-<uuid>`. */
export const taskStreamId = (taskId: string): string => `task-${taskId}`;

/**
 * Tasks in the Postgres event store. `save` commits, in ONE transaction, the domain events and the
 * integration events they imply (outbox). `openSubtaskIds` reads the `task_list` read model.
 */
export class TaskEventStoreRepository implements TaskRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
    private readonly schema: string,
  ) {}

  async load(taskId: string): Promise<LoadedTask> {
    const events = await this.store.readStream(this.pool, taskStreamId(taskId));
    const state = events.reduce(
      (s, e) => taskDecider.evolve(s, { type: e.type, data: e.data } as TaskEvent),
      taskDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    taskId: string,
    events: readonly TaskEvent[],
    expectedVersion: number,
    context: CommandContext,
  ): Promise<void> {
    let workspaceId = '';
    for (const e of events) if ('workspaceId' in e.data) workspaceId = e.data.workspaceId;
    if (workspaceId === '' && events.some((e) => e.type === 'TaskUpdated')) {
      const { state } = await this.load(taskId);
      if (state.kind === 'live') workspaceId = state.fields.workspaceId;
    }
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          taskStreamId(taskId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        await this.messaging.outbox.add(client, toIntegrationEvents(events, workspaceId, context.traceparent));
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(taskId);
      throw error;
    }
  }

  async openSubtaskIds(taskId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM "${this.schema}".task_list WHERE parent_id = $1 AND status NOT IN ('done', 'cancelled') ORDER BY seq`,
      [taskId],
    );
    return rows.map((r) => r.id);
  }
}
