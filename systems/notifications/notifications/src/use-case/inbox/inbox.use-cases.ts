import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  effectivePreferences,
  type Notification,
  type NotificationCategory,
  type NotificationChannel,
} from '../../entity/notification/notification.js';
import { NotificationNotFoundError } from '../../entity/notification/notification.errors.js';
import {
  NOTIFICATION_REPOSITORY,
  type NotificationPage,
  type NotificationRepositoryPort,
} from '../port/notification.repository.port.js';
import {
  GetPreferencesQuery,
  ListNotificationsQuery,
  ReadAllCommand,
  SavePreferencesCommand,
  UnreadCountQuery,
  UpdateNotificationCommand,
} from './inbox.messages.js';

type Matrix = Record<NotificationCategory, Record<NotificationChannel, boolean>>;

/**
 * A page of the user's inbox: the notifications shown in-app (never e-mail-only ones), newest
 * first (ids are UUIDv7, so id order is creation order), at most `limit`. `status` filters
 * (`unread`, `read`, `archived`; none = every non-archived one); `after` returns only notifications
 * newer than that id (a client catching up), `cursor` the next older page (`nextCursor` of the
 * previous one, null on the last). Another user's notifications never appear.
 */
@QueryHandler(ListNotificationsQuery)
export class ListNotificationsUseCase implements IQueryHandler<ListNotificationsQuery, NotificationPage> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: ListNotificationsQuery): Promise<NotificationPage> {
    return this.repository.list(q.userId, { status: q.status, after: q.after, cursor: q.cursor, limit: q.limit });
  }
}

/** How many of the user's in-app notifications are unread and not archived (a count, ≥ 0). */
@QueryHandler(UnreadCountQuery)
export class UnreadCountUseCase implements IQueryHandler<UnreadCountQuery, number> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: UnreadCountQuery): Promise<number> {
    return this.repository.unreadCount(q.userId);
  }
}

/**
 * Sets `read` and/or `archived` of one of the user's notifications (a field left undefined keeps
 * its value; the same patch twice changes nothing) and returns the notification after the change.
 * When something changed, the live stream tells the user's connections (`read-state`).
 * @throws NotificationNotFoundError (`NOTIFICATION.NOT_FOUND`, 404) when the user has no such
 *   notification: unknown, or another user's (never told apart)
 */
@CommandHandler(UpdateNotificationCommand)
export class UpdateNotificationUseCase implements ICommandHandler<UpdateNotificationCommand, Notification> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(c: UpdateNotificationCommand): Promise<Notification> {
    const updated = await this.repository.update(c.userId, c.notificationId, c.patch);
    if (!updated) throw new NotificationNotFoundError(c.notificationId);
    return updated;
  }
}

/** Marks every unread notification of the user read; returns how many changed (0 when none was unread). */
@CommandHandler(ReadAllCommand)
export class ReadAllUseCase implements ICommandHandler<ReadAllCommand, number> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(c: ReadAllCommand): Promise<number> {
    return this.repository.readAll(c.userId);
  }
}

/**
 * The user's whole preference matrix, category × channel (`in_app`, `email`, `push`) → on/off: the
 * saved choices over the defaults. Security messages are sent whatever it says (critical).
 */
@QueryHandler(GetPreferencesQuery)
export class GetPreferencesUseCase implements IQueryHandler<GetPreferencesQuery, Matrix> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(q: GetPreferencesQuery): Promise<Matrix> {
    return effectivePreferences(await this.repository.preferences(q.userId));
  }
}

/**
 * Merges the changes (only the category × channel pairs named) into the user's preferences and
 * returns the whole matrix after them, as {@link GetPreferencesUseCase} does. Unknown categories or
 * channels never reach it (the HTTP handler answers 400).
 */
@CommandHandler(SavePreferencesCommand)
export class SavePreferencesUseCase implements ICommandHandler<SavePreferencesCommand, Matrix> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(c: SavePreferencesCommand): Promise<Matrix> {
    await this.repository.savePreferences(c.userId, c.changes);
    return effectivePreferences(await this.repository.preferences(c.userId));
  }
}
