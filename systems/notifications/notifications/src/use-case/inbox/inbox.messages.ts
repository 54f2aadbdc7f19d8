import type { NotificationCategory, NotificationChannel } from '../../entity/notification/notification.js';
import type { NotificationStatus } from '../port/notification.repository.port.js';

/** A page of the user's inbox (newest first). */
export class ListNotificationsQuery {
  constructor(
    readonly userId: string,
    readonly limit: number,
    readonly status?: NotificationStatus,
    readonly after?: string,
    readonly cursor?: string,
  ) {}
}

/** How many unread (and not archived) notifications the user has. */
export class UnreadCountQuery {
  constructor(readonly userId: string) {}
}

/** Set read and/or archived on one of the user's notifications (idempotent). */
export class UpdateNotificationCommand {
  constructor(
    readonly userId: string,
    readonly notificationId: string,
    readonly patch: { read?: boolean; archived?: boolean },
  ) {}
}

/** Mark all of the user's notifications read. */
export class ReadAllCommand {
  constructor(readonly userId: string) {}
}

/** The user's preferences, every category × channel. */
export class GetPreferencesQuery {
  constructor(readonly userId: string) {}
}

/** Change some of the user's preferences. */
export class SavePreferencesCommand {
  constructor(
    readonly userId: string,
    readonly changes: Partial<Record<NotificationCategory, Partial<Record<NotificationChannel, boolean>>>>,
  ) {}
}
