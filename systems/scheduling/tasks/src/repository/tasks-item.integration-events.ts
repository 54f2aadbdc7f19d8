import { TASKS_EVENTS, type TasksItemCreatedV1 } from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { TasksItemEvent } from '../entity/tasks-item/tasks-item.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/scheduling-contracts). Domain events stay private to the service.
 */
export function toIntegrationEvents(events: readonly TasksItemEvent[], traceparent?: string): OutgoingMessage[] {
  return events.map((event): OutgoingMessage => {
    switch (event.type) {
      case 'TasksItemCreated': {
        const { itemId, name, at } = event.data;
        const payload: TasksItemCreatedV1 = { itemId, name, occurredAt: at };
        const { topic, type } = TASKS_EVENTS.TasksItemCreatedV1;
        return { topic, type, key: itemId, payload, traceparent };
      }
    }
  });
}
