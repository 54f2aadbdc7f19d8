import {
  CALENDAR_EVENTS,
  type CalendarEventCreatedV1,
  type CalendarEventDeletedV1,
  type CalendarEventUpdatedV1,
  type CalendarOccurrenceChangedV1,
} from '@archipelago/scheduling-contracts';
import type { OutgoingMessage } from '@archipelago/platform-messaging';
import { calendarEventDecider, type CalendarEventState } from '../entity/event/calendar-event.decider.js';
import type { CalendarEventEvent } from '../entity/event/calendar-event.events.js';

const message = <K extends keyof typeof CALENDAR_EVENTS>(
  name: K,
  key: string,
  payload: unknown,
  traceparent: string | undefined,
): OutgoingMessage => {
  const { topic, type } = CALENDAR_EVENTS[name];
  return { topic, type, key, payload, traceparent };
};

/**
 * Maps domain events to the integration events other services may rely on (the published language
 * in @archipelago/scheduling-contracts): EventCreated → CalendarEventCreatedV1, EventUpdated →
 * CalendarEventUpdatedV1 (the main fields after the change), OccurrenceCancelled / OccurrenceMoved →
 * CalendarOccurrenceChangedV1, EventDeleted → CalendarEventDeletedV1. `before` is the state the events
 * were decided on (absent for a new event); each message carries the version after its event. Key =
 * event id, so one event's messages stay in order.
 */
export function toIntegrationEvents(
  events: readonly CalendarEventEvent[],
  traceparent?: string,
  before: CalendarEventState = calendarEventDecider.initialState(),
): OutgoingMessage[] {
  let state = before;
  return events.flatMap((event): OutgoingMessage[] => {
    state = calendarEventDecider.evolve(state, event);
    const { version } = state;
    switch (event.type) {
      case 'EventCreated': {
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
        return [message('CalendarEventCreatedV1', d.eventId, payload, traceparent)];
      }
      case 'EventUpdated': {
        if (state.kind !== 'live') return [];
        const f = state.fields;
        const payload: CalendarEventUpdatedV1 = {
          eventId: event.data.eventId,
          workspaceId: f.workspaceId,
          version,
          changed: Object.keys(event.data.changes).sort(),
          title: f.title,
          timeZone: f.timeZone,
          allDay: f.allDay,
          start: f.start,
          end: f.end,
          rrule: f.rrule,
          occurredAt: event.data.at,
        };
        return [message('CalendarEventUpdatedV1', event.data.eventId, payload, traceparent)];
      }
      case 'OccurrenceCancelled':
      case 'OccurrenceMoved': {
        if (state.kind !== 'live') return [];
        const moved = event.type === 'OccurrenceMoved';
        const payload: CalendarOccurrenceChangedV1 = {
          eventId: event.data.eventId,
          workspaceId: state.fields.workspaceId,
          version,
          recurrenceId: event.data.recurrenceId,
          cancelled: !moved,
          start: moved ? event.data.start : null,
          end: moved ? event.data.end : null,
          timeZone: state.fields.timeZone,
          ...(moved && event.data.title !== undefined && { title: event.data.title }),
          ...(moved && event.data.description !== undefined && { description: event.data.description }),
          ...(moved && event.data.location !== undefined && { location: event.data.location }),
          occurredAt: event.data.at,
        };
        return [message('CalendarOccurrenceChangedV1', event.data.eventId, payload, traceparent)];
      }
      case 'EventDeleted': {
        const payload: CalendarEventDeletedV1 = {
          eventId: event.data.eventId,
          workspaceId: event.data.workspaceId,
          version,
          occurredAt: event.data.at,
        };
        return [message('CalendarEventDeletedV1', event.data.eventId, payload, traceparent)];
      }
    }
  });
}
