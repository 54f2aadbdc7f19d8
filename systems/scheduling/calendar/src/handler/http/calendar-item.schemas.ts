import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

export const createCalendarItemBody = z
  .object({ name: z.string().trim().min(1).max(200).describe('Display name, 1–200 characters') })
  .strict()
  .meta({ id: 'CreateCalendarItem', examples: [{ name: 'First item' }] });
export type CreateCalendarItemBody = z.infer<typeof createCalendarItemBody>;

export const calendarItemIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listCalendarItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const calendarItemDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When the item was created (ISO 8601, UTC)'),
  })
  .meta({ id: 'CalendarItem' });
export type CalendarItemDto = z.infer<typeof calendarItemDto>;

export const calendarItemPageDto = z
  .object({ items: z.array(calendarItemDto), nextCursor: z.string().nullable() })
  .meta({ id: 'CalendarItemPage' });
