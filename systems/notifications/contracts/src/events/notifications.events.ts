import { z } from 'zod';

/**
 * Integration events published by notifications/notifications (its published language). Topic names
 * follow `<system>.<service>.<event-name>.v<major>`; key = `recipientId`; CloudEvents `type` =
 * `archipelago.notifications.notifications.<Name>`. A breaking change gets a new major (new topic);
 * additive optional fields keep the major. Recorded in ../../schemas/<Name>.json.
 */
export const notificationCreatedV1Schema = z.object({
  /** Notification id (UUIDv7, time-ordered). */
  notificationId: z.uuid(),
  /**
   * The user the notification is for; `address:<notificationId>` for a notification to an e-mail
   * address without an account (the address itself never leaves the notifications service).
   */
  recipientId: z.string(),
  /** Category, e.g. `order`, `stock`, `reminder` (see docs/systems/notifications.md). */
  category: z.string(),
  /** CloudEvents id of the integration event the notification was made from. */
  sourceEventId: z.string(),
  occurredAt: z.iso.datetime(),
});
export type NotificationCreatedV1 = z.infer<typeof notificationCreatedV1Schema>;

/** Every integration event of notifications: topic, CloudEvents type and payload schema. */
export const NOTIFICATIONS_EVENTS = {
  NotificationCreatedV1: {
    topic: 'notifications.notifications.notification-created.v1',
    type: 'archipelago.notifications.notifications.NotificationCreatedV1',
    schema: notificationCreatedV1Schema,
  },
} as const;
