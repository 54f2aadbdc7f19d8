import { CALENDAR_EVENTS, type CalendarItemCreatedV1 } from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { CalendarItemEvent } from '../entity/calendar-item/calendar-item.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published
 * language in @archipelago/scheduling-contracts). Domain events stay private to the service.
 */
export function toIntegrationEvents(events: readonly CalendarItemEvent[], traceparent?: string): OutgoingMessage[] {
  return events.map((event): OutgoingMessage => {
    switch (event.type) {
      case 'CalendarItemCreated': {
        const { itemId, name, at } = event.data;
        const payload: CalendarItemCreatedV1 = { itemId, name, occurredAt: at };
        const { topic, type } = CALENDAR_EVENTS.CalendarItemCreatedV1;
        return { topic, type, key: itemId, payload, traceparent };
      }
    }
  });
}
