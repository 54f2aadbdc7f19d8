import type { NotificationErasure } from '../../entity/notification/entity-erasure.js';
import type {
  Notification,
  NotificationCategory,
  NotificationChannel,
  NotificationDraft,
  Preferences,
} from '../../entity/notification/notification.js';

/** A user as the notifications service knows them (projection of identity's events). */
export interface KnownUser {
  readonly id: string;
  readonly email?: string;
  readonly displayName?: string;
  readonly roles?: readonly string[];
}

/**
 * What the handling of one integration event may read and write, all inside the transaction that
 * also records the event in the inbox (so an event is applied once, or not at all).
 */
export interface NotificationWork {
  /** Inserts or updates the user (fields left undefined keep their value). */
  upsertUser(user: KnownUser): Promise<void>;
  /** Remembers whose order `orderId` is (ordering's later events carry only the order id). */
  recordOrder(orderId: string, customerId: string): Promise<void>;
  /** The customer of a recorded order, or null. */
  orderCustomer(orderId: string): Promise<string | null>;
  /** Ids of the users holding at least one of `roles` (e.g. `['admin']`), sorted. */
  usersWithAnyRole(roles: readonly string[]): Promise<string[]>;
  /** The id of the known user with this e-mail (compared case-insensitively), or null. */
  userWithEmail(email: string): Promise<string | null>;
  preferencesOf(userId: string): Promise<Preferences>;
  /**
   * Whether the registry entity's deletion (`EntityDeletedV1`) was handled. Waits for, and then
   * holds until the transaction ends, the entity's erasure lock (see
   * {@link EntityErasureWork.markEntityDeleted}): an erasure running now either finished before
   * (true) or starts after this transaction, and then sees what it added.
   */
  entityDeleted(entityId: string): Promise<boolean>;
  /**
   * Adds the notification unless one exists for (sourceEventId, recipient): returns it, or null
   * for a duplicate. `visible` = shown in the inbox and the stream (the in-app channel). Also
   * publishes NotificationCreatedV1 through the outbox and signals the live stream. Holds the
   * recipient's sequence until the transaction ends (a recipient's notifications commit in list
   * order), so a transaction adding several must add them in ascending recipient order.
   */
  addNotification(
    draft: NotificationDraft,
    meta: { sourceEventId: string; createdAt: string; visible: boolean },
  ): Promise<Notification | null>;
  /**
   * Queues the delivery of a notification on an outbound channel: e-mail, one; push, one per
   * subscription the recipient has now (none: nothing queued).
   */
  addDelivery(notificationId: string, channel: Exclude<NotificationChannel, 'in_app'>): Promise<void>;
}

/**
 * What the erasure of a deleted registry entity reads and writes, inside the transaction that also
 * records its `EntityDeletedV1` in the inbox.
 */
export interface EntityErasureWork {
  /**
   * Takes the entity's erasure lock (held until the transaction ends; {@link NotificationWork.entityDeleted}
   * takes it too) and keeps a tombstone of the entity id (`at`: ISO 8601), so that an event about it
   * handled later — an invitation on another topic, which Kafka may deliver after the deletion — sees
   * it deleted. Idempotent.
   */
  markEntityDeleted(entityId: string, meta: { sourceEventId: string; at: string }): Promise<void>;
  /** Every notification whose `data.entityId` is the entity (visible or not), locked, oldest first. */
  notificationsAbout(entityId: string): Promise<Notification[]>;
  /**
   * Ends the outbound deliveries of these notifications: pending and dead ones become `cancelled`
   * (never sent, never retried; `reason` as their last error); every other one (but those already
   * cancelled) loses its last error (an SMTP answer may quote the address), and every one its
   * dead-letter record. Sent ones keep their
   * status, attempts and `sent_at`. Returns how many were cancelled.
   */
  cancelDeliveries(notificationIds: readonly string[], reason: string): Promise<number>;
  /**
   * Rewrites the notification's recipient id, title, body, link and data. A new recipient id also
   * replaces the old one in its `NotificationCreatedV1` outbox rows (key and payload), and the old
   * recipient's sequence counter goes once no notification of it is left.
   */
  eraseNotification(notification: Notification, erasure: NotificationErasure): Promise<void>;
  /**
   * Deletes the consumer's own copies of the entity's `EntityInvitedV1` messages (dead letters
   * kept for operators; they hold the invitee's address). Returns how many.
   */
  forgetInvitationMessages(entityId: string): Promise<number>;
}

/** Which notifications a list returns. */
export type NotificationStatus = 'unread' | 'read' | 'archived';

/** A page of notifications, newest first; pass `nextCursor` back as `cursor` for the next (older) page. */
export interface NotificationPage {
  readonly items: Notification[];
  readonly nextCursor: string | null;
}

/** Storage of notifications, the projections they are addressed from, and preferences. */
export interface NotificationRepositoryPort {
  /**
   * Runs `work` in one transaction with the inbox record of (consumer group, event id); returns
   * false without running it when the event was handled before.
   */
  handleOnce(event: { id: string; topic: string }, work: (tx: NotificationWork) => Promise<void>): Promise<boolean>;
  /** {@link handleOnce} for the erasure of a deleted registry entity (same inbox, same consumer group). */
  eraseOnce(event: { id: string; topic: string }, work: (tx: EntityErasureWork) => Promise<void>): Promise<boolean>;
  /**
   * The user's visible notifications, newest first in the order they were committed: only those
   * committed after `after` (a notification id) and, for the next page, before `cursor` (the last
   * id of the previous page). Nothing is lost or repeated even when two notifications of one user
   * commit in another order than their ids. No status = every non-archived one.
   */
  list(
    userId: string,
    query: { status?: NotificationStatus; after?: string; cursor?: string; limit: number },
  ): Promise<NotificationPage>;
  unreadCount(userId: string): Promise<number>;
  /** The user's notification `id`, or null (unknown, or another user's). */
  get(userId: string, id: string): Promise<Notification | null>;
  /** Sets read/archived (unchanged when undefined); null when the user has no such notification. */
  update(userId: string, id: string, patch: { read?: boolean; archived?: boolean }): Promise<Notification | null>;
  /** Marks every unread notification of the user read; returns how many changed. */
  readAll(userId: string): Promise<number>;
  preferences(userId: string): Promise<Preferences>;
  /** Merges `changes` into the user's preferences. */
  savePreferences(
    userId: string,
    changes: Partial<Record<NotificationCategory, Partial<Record<NotificationChannel, boolean>>>>,
  ): Promise<void>;
}

export const NOTIFICATION_REPOSITORY = Symbol('NotificationRepositoryPort');
