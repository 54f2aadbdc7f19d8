import { DomainError } from '@archipelago/util-decider';

/** No notification with this id for this user (another user's notification is not found either). */
export class NotificationNotFoundError extends DomainError {
  readonly code = 'NOTIFICATION.NOT_FOUND';
  constructor(notificationId: string) {
    super(`Notification ${notificationId} does not exist`, { notificationId });
  }
}
