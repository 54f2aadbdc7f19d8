import {
  TASKS_EVENTS,
  type TaskAssignedV1,
  type TaskCompletedV1,
  type TaskCreatedV1,
} from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { TaskEvent } from '../entity/task/task.events.js';

const message = <K extends keyof typeof TASKS_EVENTS>(
  name: K,
  key: string,
  payload: unknown,
  traceparent?: string,
): OutgoingMessage => ({ topic: TASKS_EVENTS[name].topic, type: TASKS_EVENTS[name].type, key, payload, traceparent });

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/scheduling-contracts): TaskCreated → TaskCreatedV1 (+ TaskAssignedV1 when
 * created with an assignee), TaskUpdated changing the assignee → TaskAssignedV1, TaskCompleted →
 * TaskCompletedV1. `workspaceId` is the task's (updates do not carry it). Domain events stay private.
 */
export function toIntegrationEvents(
  events: readonly TaskEvent[],
  workspaceId: string,
  traceparent?: string,
): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    switch (event.type) {
      case 'TaskCreated': {
        const d = event.data;
        const created: TaskCreatedV1 = {
          taskId: d.taskId,
          workspaceId: d.workspaceId,
          title: d.title,
          priority: d.priority,
          due: d.due,
          assigneeId: d.assigneeId,
          parentId: d.parentId,
          previousTaskId: d.previousTaskId,
          createdBy: d.createdBy,
          occurredAt: d.at,
        };
        const out = [message('TaskCreatedV1', d.taskId, created, traceparent)];
        if (d.assigneeId !== null) {
          const assigned: TaskAssignedV1 = {
            taskId: d.taskId,
            workspaceId: d.workspaceId,
            assigneeId: d.assigneeId,
            occurredAt: d.at,
          };
          out.push(message('TaskAssignedV1', d.taskId, assigned, traceparent));
        }
        return out;
      }
      case 'TaskUpdated': {
        if (event.data.changes.assigneeId === undefined) return [];
        const assigned: TaskAssignedV1 = {
          taskId: event.data.taskId,
          workspaceId,
          assigneeId: event.data.changes.assigneeId,
          occurredAt: event.data.at,
        };
        return [message('TaskAssignedV1', event.data.taskId, assigned, traceparent)];
      }
      case 'TaskCompleted': {
        const d = event.data;
        const completed: TaskCompletedV1 = {
          taskId: d.taskId,
          workspaceId: d.workspaceId,
          nextTaskId: d.next?.taskId ?? null,
          occurredAt: d.at,
        };
        return [message('TaskCompletedV1', d.taskId, completed, traceparent)];
      }
      case 'TaskDeleted':
      case 'TaskAttachmentAdded':
      case 'TaskAttachmentRemoved':
        return [];
    }
  });
}
