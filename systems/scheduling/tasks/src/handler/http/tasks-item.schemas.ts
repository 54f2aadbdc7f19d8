import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

export const createTasksItemBody = z
  .object({ name: z.string().trim().min(1).max(200).describe('Display name, 1–200 characters') })
  .strict()
  .meta({ id: 'CreateTasksItem', examples: [{ name: 'First item' }] });
export type CreateTasksItemBody = z.infer<typeof createTasksItemBody>;

export const tasksItemIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listTasksItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const tasksItemDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When the item was created (ISO 8601, UTC)'),
  })
  .meta({ id: 'TasksItem' });
export type TasksItemDto = z.infer<typeof tasksItemDto>;

export const tasksItemPageDto = z
  .object({ items: z.array(tasksItemDto), nextCursor: z.string().nullable() })
  .meta({ id: 'TasksItemPage' });
