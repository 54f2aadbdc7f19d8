import { z } from 'zod';

/**
 * Integration events published by scheduling/calendar (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = event id; CloudEvents `type` =
 * `archipelago.scheduling.calendar.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const calendarEventCreatedV1Schema = z.object({
  eventId: z.uuid(),
  workspaceId: z.string(),
  title: z.string(),
  timeZone: z.string().describe('IANA zone of start and end'),
  allDay: z.boolean(),
  start: z.string().describe('local date-time (or date when allDay) in timeZone'),
  end: z.string(),
  rrule: z.string().nullable(),
  createdBy: z.string(),
  occurredAt: z.iso.datetime(),
});
export type CalendarEventCreatedV1 = z.infer<typeof calendarEventCreatedV1Schema>;

/**
 * A reminder of an event occurrence is due (the reminder engine fires each one once, through the
 * outbox, in the transaction that marks it fired). `recipients` are the attendees; empty means the
 * owner of the workspace. `key` identifies the reminder occurrence (consumers may deduplicate on it).
 */
export const reminderDueV1Schema = z.object({
  key: z.string(),
  eventId: z.uuid(),
  workspaceId: z.string(),
  recurrenceId: z.string().nullable(),
  occurrenceStart: z.string().nullable().describe('UTC instant (or date) of the occurrence'),
  dueAt: z.iso.datetime(),
  recipients: z.array(z.string()),
  occurredAt: z.iso.datetime(),
});
export type ReminderDueV1 = z.infer<typeof reminderDueV1Schema>;

/** Every integration event of calendar: topic, CloudEvents type and payload schema. */
export const CALENDAR_EVENTS = {
  CalendarEventCreatedV1: {
    topic: 'scheduling.calendar.event-created.v1',
    type: 'archipelago.scheduling.calendar.CalendarEventCreatedV1',
    schema: calendarEventCreatedV1Schema,
  },
  ReminderDueV1: {
    topic: 'scheduling.calendar.reminder-due.v1',
    type: 'archipelago.scheduling.calendar.ReminderDueV1',
    schema: reminderDueV1Schema,
  },
} as const;
