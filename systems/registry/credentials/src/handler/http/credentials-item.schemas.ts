import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

export const createCredentialsItemBody = z
  .object({ name: z.string().trim().min(1).max(200).describe('Display name, 1–200 characters') })
  .strict()
  .meta({ id: 'CreateCredentialsItem', examples: [{ name: 'First item' }] });
export type CreateCredentialsItemBody = z.infer<typeof createCredentialsItemBody>;

export const credentialsItemIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listCredentialsItemsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
});

export const credentialsItemDto = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.iso.datetime().describe('When the item was created (ISO 8601, UTC)'),
  })
  .meta({
    id: 'CredentialsItem',
    examples: [
      { id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', name: 'First item', createdAt: '2026-12-06T05:00:00.000Z' },
    ],
  });
export type CredentialsItemDto = z.infer<typeof credentialsItemDto>;

export const credentialsItemPageDto = z
  .object({ items: z.array(credentialsItemDto), nextCursor: z.string().nullable() })
  .meta({
    id: 'CredentialsItemPage',
    examples: [
      {
        items: [
          { id: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d', name: 'First item', createdAt: '2026-12-06T05:00:00.000Z' },
        ],
        nextCursor: null,
      },
    ],
  });
