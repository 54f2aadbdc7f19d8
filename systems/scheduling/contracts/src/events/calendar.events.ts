import { z } from 'zod';

/**
 * Integration events published by scheduling/calendar (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = item id; CloudEvents `type` =
 * `archipelago.scheduling.calendar.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const calendarItemCreatedV1Schema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});
export type CalendarItemCreatedV1 = z.infer<typeof calendarItemCreatedV1Schema>;

/** Every integration event of calendar: topic, CloudEvents type and payload schema. */
export const CALENDAR_EVENTS = {
  CalendarItemCreatedV1: {
    topic: 'scheduling.calendar.item-created.v1',
    type: 'archipelago.scheduling.calendar.CalendarItemCreatedV1',
    schema: calendarItemCreatedV1Schema,
  },
} as const;
