import { CALENDAR_EVENTS, type CalendarEventCreatedV1 } from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import type { CalendarEventEvent } from '../entity/event/calendar-event.events.js';

/**
 * Maps domain events to the integration events other services may rely on (the published language
 * in @archipelago/scheduling-contracts): EventCreated → CalendarEventCreatedV1. The other domain
 * events stay private to the service for now.
 */
export function toIntegrationEvents(events: readonly CalendarEventEvent[], traceparent?: string): OutgoingMessage[] {
  return events.flatMap((event): OutgoingMessage[] => {
    if (event.type !== 'EventCreated') return [];
    const d = event.data;
    const payload: CalendarEventCreatedV1 = {
      eventId: d.eventId,
      workspaceId: d.workspaceId,
      title: d.title,
      timeZone: d.timeZone,
      allDay: d.allDay,
      start: d.start,
      end: d.end,
      rrule: d.rrule,
      createdBy: d.createdBy,
      occurredAt: d.at,
    };
    const { topic, type } = CALENDAR_EVENTS.CalendarEventCreatedV1;
    return [{ topic, type, key: d.eventId, payload, traceparent }];
  });
}
