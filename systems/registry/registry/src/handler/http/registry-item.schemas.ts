import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

export const createRegistryItemBody = z
  .object({ name: z.string().trim().min(1).max(200).describe('Display name, 1–200 characters') })
  .strict()
  .meta({ id: 'CreateRegistryItem', examples: [{ name: 'First item' }] });
export type CreateRegistryItemBody = z.infer<typeof createRegistryItemBody>;

export const registryItemIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listRegistryItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const registryItemDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When the item was created (ISO 8601, UTC)'),
  })
  .meta({
    id: 'RegistryItem',
    examples: [
      { id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', name: 'First item', createdAt: '2026-01-01T00:00:00.000Z' },
    ],
  });
export type RegistryItemDto = z.infer<typeof registryItemDto>;

export const registryItemPageDto = z
  .object({ items: z.array(registryItemDto), nextCursor: z.string().nullable() })
  .meta({
    id: 'RegistryItemPage',
    examples: [
      {
        items: [
          { id: '0b7e6f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', name: 'First item', createdAt: '2026-01-01T00:00:00.000Z' },
        ],
        nextCursor: null,
      },
    ],
  });
