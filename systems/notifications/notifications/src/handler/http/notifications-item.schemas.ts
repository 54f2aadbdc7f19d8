import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

export const createNotificationsItemBody = z
  .object({ name: z.string().trim().min(1).max(200).describe('Display name, 1–200 characters') })
  .strict()
  .meta({ id: 'CreateNotificationsItem', examples: [{ name: 'First item' }] });
export type CreateNotificationsItemBody = z.infer<typeof createNotificationsItemBody>;

export const notificationsItemIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listNotificationsItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const notificationsItemDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When the item was created (ISO 8601, UTC)'),
  })
  .meta({
    id: 'NotificationsItem',
    examples: [
      { id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', name: 'First item', createdAt: '2026-12-06T05:00:00.000Z' },
    ],
  });
export type NotificationsItemDto = z.infer<typeof notificationsItemDto>;

export const notificationsItemPageDto = z
  .object({ items: z.array(notificationsItemDto), nextCursor: z.string().nullable() })
  .meta({
    id: 'NotificationsItemPage',
    examples: [
      {
        items: [
          { id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', name: 'First item', createdAt: '2026-12-06T05:00:00.000Z' },
        ],
        nextCursor: null,
      },
    ],
  });
