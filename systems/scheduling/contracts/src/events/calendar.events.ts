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
 * A calendar event changed (`PATCH /scheduling/v1/events/{id}`): `changed` names the fields that
 * changed (`title`, `start`, `rrule`, `overrides` …); the rest is the event's main fields after the
 * change (local times in `timeZone`), so a consumer need not keep earlier events. `version` is the
 * event's version after the change (its ETag).
 */
export const calendarEventUpdatedV1Schema = z.object({
  eventId: z.uuid(),
  workspaceId: z.string(),
  version: z.number().int().min(1),
  changed: z.array(z.string()),
  title: z.string(),
  timeZone: z.string().describe('IANA zone of start and end'),
  allDay: z.boolean(),
  start: z.string().describe('local date-time (or date when allDay) in timeZone'),
  end: z.string(),
  rrule: z.string().nullable(),
  occurredAt: z.iso.datetime(),
});
export type CalendarEventUpdatedV1 = z.infer<typeof calendarEventUpdatedV1Schema>;

/** A calendar event was deleted (`DELETE /scheduling/v1/events/{id}`); its pending reminders are cancelled. */
export const calendarEventDeletedV1Schema = z.object({
  eventId: z.uuid(),
  workspaceId: z.string(),
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime(),
});
export type CalendarEventDeletedV1 = z.infer<typeof calendarEventDeletedV1Schema>;

/**
 * One occurrence of a recurring event was moved or cancelled (RFC 5545 RECURRENCE-ID override):
 * `recurrenceId` is its original local start in `timeZone`; `start`/`end` its new local start/end
 * (null when cancelled); `title`, `description` and `location` its own texts if the move gave it
 * them (RFC 5545 SUMMARY, DESCRIPTION, LOCATION of the override; absent: the series'). `description`
 * and `location` are an additive change of the same major (consumers that do not know them ignore them).
 */
export const calendarOccurrenceChangedV1Schema = z.object({
  eventId: z.uuid(),
  workspaceId: z.string(),
  version: z.number().int().min(1),
  recurrenceId: z.string().describe('original local start (or date) in timeZone'),
  cancelled: z.boolean(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  timeZone: z.string(),
  title: z.string().optional().describe('the occurrence’s own title, when the move gave it one'),
  description: z
    .string()
    .optional()
    .describe('the occurrence’s own description, when the move gave it one (added in 1.1; absent: the series’)'),
  location: z
    .string()
    .optional()
    .describe('the occurrence’s own location, when the move gave it one (added in 1.1; absent: the series’)'),
  occurredAt: z.iso.datetime(),
});
export type CalendarOccurrenceChangedV1 = z.infer<typeof calendarOccurrenceChangedV1Schema>;

/**
 * A reminder of an event occurrence is due (the reminder engine fires each one once, through the
 * outbox, in the transaction that marks it fired). `recipients` are the attendees, else the user of a
 * personal workspace; empty means the owners of the (shared) workspace. `key` identifies the reminder occurrence (consumers may deduplicate on it).
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

const reminderSchema = z.union([
  z.object({ offset: z.string().describe('RFC 5545 duration, relative to the start or due (-PT15M, -P1D nominal)') }),
  z.object({ at: z.string().describe('absolute instant, RFC 3339') }),
]);

/**
 * A member's default reminders in a workspace were set (`PUT /scheduling/v1/calendars/{workspaceId}/settings`)
 * or cleared (the member left: `defaultReminders` is empty). Key = workspace id. `version` grows with every
 * change of any member's defaults (one sequence in calendar's schema, never reused, also across a
 * leave and a return): a consumer keeps, per (workspace, user), the list of the highest version seen and
 * ignores older ones. scheduling/tasks keeps them to give a new task its creator's defaults.
 */
export const memberReminderDefaultsSetV1Schema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  defaultReminders: z.array(reminderSchema),
  version: z.number().int().min(1),
  updatedAt: z.iso.datetime(),
  occurredAt: z.iso.datetime(),
});
export type MemberReminderDefaultsSetV1 = z.infer<typeof memberReminderDefaultsSetV1Schema>;

/** Every integration event of calendar: topic, CloudEvents type and payload schema. */
export const CALENDAR_EVENTS = {
  CalendarEventCreatedV1: {
    topic: 'scheduling.calendar.event-created.v1',
    type: 'archipelago.scheduling.calendar.CalendarEventCreatedV1',
    schema: calendarEventCreatedV1Schema,
  },
  CalendarEventUpdatedV1: {
    topic: 'scheduling.calendar.event-updated.v1',
    type: 'archipelago.scheduling.calendar.CalendarEventUpdatedV1',
    schema: calendarEventUpdatedV1Schema,
  },
  CalendarEventDeletedV1: {
    topic: 'scheduling.calendar.event-deleted.v1',
    type: 'archipelago.scheduling.calendar.CalendarEventDeletedV1',
    schema: calendarEventDeletedV1Schema,
  },
  CalendarOccurrenceChangedV1: {
    topic: 'scheduling.calendar.occurrence-changed.v1',
    type: 'archipelago.scheduling.calendar.CalendarOccurrenceChangedV1',
    schema: calendarOccurrenceChangedV1Schema,
  },
  ReminderDueV1: {
    topic: 'scheduling.calendar.reminder-due.v1',
    type: 'archipelago.scheduling.calendar.ReminderDueV1',
    schema: reminderDueV1Schema,
  },
  MemberReminderDefaultsSetV1: {
    topic: 'scheduling.calendar.member-reminder-defaults-set.v1',
    type: 'archipelago.scheduling.calendar.MemberReminderDefaultsSetV1',
    schema: memberReminderDefaultsSetV1Schema,
  },
} as const;
