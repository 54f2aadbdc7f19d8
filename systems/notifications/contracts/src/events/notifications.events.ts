import { z } from 'zod';

/**
 * Integration events published by notifications/notifications (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = item id; CloudEvents `type` =
 * `archipelago.notifications.notifications.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const notificationsItemCreatedV1Schema = z.object({
  itemId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime(),
});
export type NotificationsItemCreatedV1 = z.infer<typeof notificationsItemCreatedV1Schema>;

/** Every integration event of notifications: topic, CloudEvents type and payload schema. */
export const NOTIFICATIONS_EVENTS = {
  NotificationsItemCreatedV1: {
    topic: 'notifications.notifications.item-created.v1',
    type: 'archipelago.notifications.notifications.NotificationsItemCreatedV1',
    schema: notificationsItemCreatedV1Schema,
  },
} as const;
