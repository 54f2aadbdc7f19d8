import { z } from 'zod';
import { NOTIFICATION_CATEGORIES, NOTIFICATION_CHANNELS } from '../../entity/notification/notification.js';

const EXAMPLE_ID = '019aef3c-5b2e-7c4d-8e9f-0a1b2c3d4e5f';

export const notificationIdParams = z.object({ id: z.uuid('must be a UUID') });

export const listNotificationsQuery = z.object({
  status: z.enum(['unread', 'read', 'archived']).optional().describe('No status: every notification not archived'),
  after: z
    .uuid('must be a notification id')
    .optional()
    .describe('Only notifications newer than this one (the last one the client has seen)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.uuid('must be a nextCursor of this API').optional().describe('`nextCursor` of the previous page'),
});
export type ListNotificationsQueryDto = z.infer<typeof listNotificationsQuery>;

export const notificationDto = z
  .object({
    id: z.uuid().describe('UUIDv7 (sorts by creation time)'),
    category: z.enum(NOTIFICATION_CATEGORIES),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().describe('Path of what the notification is about'),
    data: z
      .record(z.string(), z.unknown())
      .describe(
        'Ids of what it is about (orderId, taskId, eventId, productId, entityId …); `erased: true` once the registry entity it is about was deleted and its personal data erased (an invitation is then "withdrawn")',
      ),
    read: z.boolean(),
    archived: z.boolean(),
    createdAt: z.iso.datetime().describe('ISO 8601, UTC'),
    sourceEventId: z.string().describe('CloudEvents id of the event it was made from'),
  })
  .meta({
    id: 'Notification',
    examples: [
      {
        id: EXAMPLE_ID,
        category: 'order',
        title: 'Order confirmed',
        body: 'Your order 3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d is confirmed.',
        link: '/commerce/v1/orders/3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
        data: { orderId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d' },
        read: false,
        archived: false,
        createdAt: '2026-12-06T05:00:00.000Z',
        sourceEventId: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      },
    ],
  });

export const notificationPageDto = z
  .object({
    items: z.array(notificationDto),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null on the last'),
  })
  .meta({
    id: 'NotificationPage',
    examples: [
      {
        items: [
          {
            id: EXAMPLE_ID,
            category: 'order',
            title: 'Order confirmed',
            body: 'Your order 3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d is confirmed.',
            link: '/commerce/v1/orders/3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d',
            data: { orderId: '3f2c8a51-6d0e-4b7a-9c1d-2e4f6a8b0c1d' },
            read: false,
            archived: false,
            createdAt: '2026-12-06T05:00:00.000Z',
            sourceEventId: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          },
        ],
        nextCursor: null,
      },
    ],
  });

export const unreadCountDto = z.object({ unread: z.number().int().min(0) }).meta({
  id: 'UnreadCount',
  examples: [{ unread: 3 }],
});

export const updateNotificationBody = z
  .object({ read: z.boolean().optional(), archived: z.boolean().optional() })
  .strict()
  .meta({ id: 'UpdateNotification', examples: [{ read: true }] });
export type UpdateNotificationBody = z.infer<typeof updateNotificationBody>;

export const readAllDto = z
  .object({ updated: z.number().int().min(0).describe('How many notifications became read') })
  .meta({ id: 'ReadAllResult', examples: [{ updated: 2 }] });

const channelsRow = z.object(
  Object.fromEntries(NOTIFICATION_CHANNELS.map((c) => [c, z.boolean()])) as {
    in_app: z.ZodBoolean;
    email: z.ZodBoolean;
    push: z.ZodBoolean;
  },
);
const EXAMPLE_ROW = { in_app: true, email: true, push: false };

export const preferencesDto = z
  .object(
    Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, channelsRow])) as Record<
      (typeof NOTIFICATION_CATEGORIES)[number],
      typeof channelsRow
    >,
  )
  .meta({
    id: 'NotificationPreferences',
    examples: [Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, EXAMPLE_ROW]))],
  });

export const preferencesBody = z
  .object(
    Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, channelsRow.partial().strict().optional()])) as Record<
      (typeof NOTIFICATION_CATEGORIES)[number],
      z.ZodOptional<
        z.ZodObject<{
          in_app: z.ZodOptional<z.ZodBoolean>;
          email: z.ZodOptional<z.ZodBoolean>;
          push: z.ZodOptional<z.ZodBoolean>;
        }>
      >
    >,
  )
  .strict()
  .meta({ id: 'NotificationPreferencesChange', examples: [{ order: { email: false }, task: { push: true } }] });
export type PreferencesBody = z.infer<typeof preferencesBody>;

export const streamTicketDto = z
  .object({
    ticket: z.string().describe('Single-use secret for `GET /notifications/v1/stream?ticket=`'),
    expiresAt: z.iso.datetime().describe('When the ticket stops working (60 s after issue)'),
  })
  .meta({ id: 'StreamTicket', examples: [{ ticket: '<ticket>', expiresAt: '2026-12-06T05:01:00.000Z' }] });

export const streamQuery = z.object({
  ticket: z.string().max(200).optional().describe('From POST /notifications/v1/stream-tickets'),
  after: z.uuid('must be a notification id').optional().describe('Replay the notifications newer than this one first'),
});
export type StreamQueryDto = z.infer<typeof streamQuery>;
