import { DomainError } from '@archipelago/util-decider';

/** No NotificationsItem with this id. */
export class NotificationsItemNotFoundError extends DomainError {
  readonly code = 'NOTIFICATIONS_ITEM.NOT_FOUND';
  constructor(itemId: string) {
    super(`NotificationsItem ${itemId} does not exist`, { itemId });
  }
}

/** The NotificationsItem already exists (same id). */
export class NotificationsItemAlreadyExistsError extends DomainError {
  readonly code = 'NOTIFICATIONS_ITEM.ALREADY_EXISTS';
  constructor(itemId: string) {
    super(`NotificationsItem ${itemId} already exists`, { itemId });
  }
}

/** A rule on the command's values (an empty name …). */
export class InvalidNotificationsItemCommandError extends DomainError {
  readonly code = 'NOTIFICATIONS_ITEM.INVALID';
  constructor(detail: string) {
    super(detail);
  }
}
