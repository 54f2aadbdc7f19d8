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
import type { KeyedAnswer } from '../use-case/port/idempotency-key.port.js';
import type { PostgresIdempotencyKeyStore } from './idempotency-key.store.js';
import { TaskLinkStore } from './task-link.store.js';
import { toIntegrationEvents } from './task.integration-events.js';

/** Stream id of a task: `task-<uuid>`. */
export const taskStreamId = (taskId: string): string => `task-${taskId}`;

/**
 * Tasks in the Postgres event store. `save` commits, in ONE transaction, the domain events, the
 * integration events they imply (outbox), the task's parent and status in `task_links`, which
 * `openSubtaskIds` reads (write side: never behind the writes, unlike the `task_list` projection), and
 * the Idempotency-Key answer it is given (`keys`).
 */
export class TaskEventStoreRepository implements TaskRepositoryPort {
  private readonly links: TaskLinkStore;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
    schema: string,
    private readonly keys: PostgresIdempotencyKeyStore,
  ) {
    this.links = new TaskLinkStore(schema);
  }

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
    answer?: KeyedAnswer,
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
        await this.links.write(client, taskId, events);
        await this.messaging.outbox.add(client, toIntegrationEvents(events, workspaceId, context.traceparent));
        if (answer) await this.keys.insert(client, answer);
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(taskId);
      throw error;
    }
  }

  async openSubtaskIds(taskId: string): Promise<string[]> {
    return this.links.openSubtaskIds(this.pool, taskId);
  }
}
