import { inTransaction, PostgresEventStore, WrongExpectedVersionError } from '@archipelago/platform-event-store';
import type { Messaging } from '@archipelago/platform-messaging';
import { WORKSPACES_EVENTS, type WorkspaceMemberRemovedV1 } from '@archipelago/scheduling-contracts';
import type pg from 'pg';
import { workspaceDecider, type WorkspaceState } from '../entity/workspace/workspace.decider.js';
import type { WorkspaceEvent } from '../entity/workspace/workspace.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  type LoadedWorkspace,
  WorkspaceConcurrencyConflictError,
  type WorkspaceRepositoryPort,
} from '../use-case/port/workspace.repository.port.js';
import { clearMemberReminderDefaults } from './member-reminder-defaults.store.js';
import { toWorkspaceIntegrationEvents } from './workspace.integration-events.js';

/** Stream id of a shared workspace: `workspace-<uuid>`. */
export const workspaceStreamId = (workspaceId: string): string => `workspace-${workspaceId}`;

/**
 * Workspaces in the Postgres event store; `save` appends and fills the outbox in one transaction, in
 * which it also clears the default reminders kept for members who left (`member_reminder_defaults`).
 */
export class WorkspaceEventStoreRepository implements WorkspaceRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
    private readonly schema: string,
  ) {}

  async load(workspaceId: string): Promise<LoadedWorkspace> {
    const events = await this.store.readStream(this.pool, workspaceStreamId(workspaceId));
    const state = events.reduce(
      (s, e) => workspaceDecider.evolve(s, { type: e.type, data: e.data } as WorkspaceEvent),
      workspaceDecider.initialState(),
    );
    return { state, version: events.length };
  }

  async save(
    workspaceId: string,
    events: readonly WorkspaceEvent[],
    expectedVersion: number,
    before: WorkspaceState,
    context: CommandContext,
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await this.store.append(
          client,
          workspaceStreamId(workspaceId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        const messages = toWorkspaceIntegrationEvents(events, before, context.traceparent);
        await this.messaging.outbox.add(client, messages);
        const left = messages
          .filter((m) => m.type === WORKSPACES_EVENTS.WorkspaceMemberRemovedV1.type)
          .map((m) => (m.payload as WorkspaceMemberRemovedV1).userId);
        await clearMemberReminderDefaults(client, this.schema, workspaceId, left);
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new WorkspaceConcurrencyConflictError(workspaceId);
      throw error;
    }
  }
}
