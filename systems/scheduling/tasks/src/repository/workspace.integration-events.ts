import {
  WORKSPACES_EVENTS,
  type WorkspaceMemberAddedV1,
  type WorkspaceMemberRemovedV1,
} from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { WorkspaceState } from '../entity/workspace/workspace.decider.js';
import type { WorkspaceEvent } from '../entity/workspace/workspace.events.js';

const message = <K extends keyof typeof WORKSPACES_EVENTS>(
  name: K,
  key: string,
  payload: WorkspaceMemberAddedV1 | WorkspaceMemberRemovedV1,
  traceparent?: string,
): OutgoingMessage => ({
  topic: WORKSPACES_EVENTS[name].topic,
  type: WORKSPACES_EVENTS[name].type,
  key,
  payload,
  traceparent,
});

/**
 * Workspace domain events → the membership integration events: added and role changed →
 * WorkspaceMemberAddedV1 (the current role), removed → WorkspaceMemberRemovedV1, deleted → a removal
 * of every member of `before` (the state the events were decided on). Creation and renames publish nothing.
 */
export function toWorkspaceIntegrationEvents(
  events: readonly WorkspaceEvent[],
  before: WorkspaceState,
  traceparent?: string,
): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    const { workspaceId, at: occurredAt } = event.data;
    switch (event.type) {
      case 'WorkspaceMemberAdded':
      case 'WorkspaceMemberRoleChanged':
        return [
          message(
            'WorkspaceMemberAddedV1',
            workspaceId,
            { workspaceId, userId: event.data.userId, role: event.data.role, occurredAt },
            traceparent,
          ),
        ];
      case 'WorkspaceMemberRemoved':
        return [
          message(
            'WorkspaceMemberRemovedV1',
            workspaceId,
            { workspaceId, userId: event.data.userId, occurredAt },
            traceparent,
          ),
        ];
      case 'WorkspaceDeleted':
        return before.kind === 'live'
          ? Object.keys(before.members).map((userId) =>
              message('WorkspaceMemberRemovedV1', workspaceId, { workspaceId, userId, occurredAt }, traceparent),
            )
          : [];
      case 'WorkspaceCreated':
      case 'WorkspaceRenamed':
        return [];
    }
  });
}
