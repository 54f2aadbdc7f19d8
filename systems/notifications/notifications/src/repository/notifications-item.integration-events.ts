import { NOTIFICATIONS_EVENTS, type NotificationsItemCreatedV1 } from '@archipelago/notifications-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { NotificationsItemEvent } from '../entity/notifications-item/notifications-item.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/notifications-contracts). Domain events stay private to the service.
 */
export function toIntegrationEvents(
  events: readonly NotificationsItemEvent[],
  traceparent?: string,
): OutgoingMessage[] {
  return events.map((event): OutgoingMessage => {
    switch (event.type) {
      case 'NotificationsItemCreated': {
        const { itemId, name, at } = event.data;
        const payload: NotificationsItemCreatedV1 = { itemId, name, occurredAt: at };
        const { topic, type } = NOTIFICATIONS_EVENTS.NotificationsItemCreatedV1;
        return { topic, type, key: itemId, payload, traceparent };
      }
    }
  });
}
