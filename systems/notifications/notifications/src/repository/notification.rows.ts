import type { Notification, NotificationCategory } from '../entity/notification/notification.js';

/** A `notifications` row as {@link COLUMNS} selects it. */
export interface NotificationRow {
  id: string;
  recipient_id: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  read: boolean;
  archived: boolean;
  created_at: Date;
  source_event_id: string;
}

/** The select list of a whole notification. */
export const COLUMNS =
  'id, recipient_id, category, title, body, link, data, read, archived, created_at, source_event_id';

/** The domain notification of a row. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    category: row.category as NotificationCategory,
    title: row.title,
    body: row.body,
    link: row.link,
    data: row.data,
    read: row.read,
    archived: row.archived,
    createdAt: row.created_at.toISOString(),
    sourceEventId: row.source_event_id,
  };
}
