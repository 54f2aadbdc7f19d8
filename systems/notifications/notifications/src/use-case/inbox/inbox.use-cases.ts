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

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsUseCase implements IQueryHandler<ListNotificationsQuery, NotificationPage> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: ListNotificationsQuery): Promise<NotificationPage> {
    return this.repository.list(q.userId, { status: q.status, after: q.after, cursor: q.cursor, limit: q.limit });
  }
}

@QueryHandler(UnreadCountQuery)
export class UnreadCountUseCase implements IQueryHandler<UnreadCountQuery, number> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(q: UnreadCountQuery): Promise<number> {
    return this.repository.unreadCount(q.userId);
  }
}

/** @throws NotificationNotFoundError (404) when the user has no such notification */
@CommandHandler(UpdateNotificationCommand)
export class UpdateNotificationUseCase implements ICommandHandler<UpdateNotificationCommand, Notification> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(c: UpdateNotificationCommand): Promise<Notification> {
    const updated = await this.repository.update(c.userId, c.notificationId, c.patch);
    if (!updated) throw new NotificationNotFoundError(c.notificationId);
    return updated;
  }
}

@CommandHandler(ReadAllCommand)
export class ReadAllUseCase implements ICommandHandler<ReadAllCommand, number> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  execute(c: ReadAllCommand): Promise<number> {
    return this.repository.readAll(c.userId);
  }
}

@QueryHandler(GetPreferencesQuery)
export class GetPreferencesUseCase implements IQueryHandler<GetPreferencesQuery, Matrix> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(q: GetPreferencesQuery): Promise<Matrix> {
    return effectivePreferences(await this.repository.preferences(q.userId));
  }
}

/** Saves the changes and returns the whole matrix after them. */
@CommandHandler(SavePreferencesCommand)
export class SavePreferencesUseCase implements ICommandHandler<SavePreferencesCommand, Matrix> {
  constructor(@Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort) {}

  async execute(c: SavePreferencesCommand): Promise<Matrix> {
    await this.repository.savePreferences(c.userId, c.changes);
    return effectivePreferences(await this.repository.preferences(c.userId));
  }
}
