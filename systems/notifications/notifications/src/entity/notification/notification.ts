/**
 * The notification domain: what a user is told (a notification in their inbox), through which
 * channels, and the user's preferences per category × channel. Pure TypeScript.
 */

/** What a notification is about; the unit of a user's preferences. */
export const NOTIFICATION_CATEGORIES = [
  'account',
  'security',
  'order',
  'stock',
  'reminder',
  'task',
  'attestation',
  'credential',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** Where a notification is delivered: the inbox (and its live stream), e-mail, web push. */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Categories that are always delivered on every channel they are sent to, whatever the preferences say. */
export const CRITICAL_CATEGORIES: ReadonlySet<NotificationCategory> = new Set(['security']);

/** A notification in a user's inbox. */
export interface Notification {
  /** UUIDv7: sorts by creation time (keyset pages and `after` use it). */
  readonly id: string;
  readonly recipientId: string;
  readonly category: NotificationCategory;
  readonly title: string;
  readonly body: string;
  /** Path of the thing the notification is about (e.g. `/commerce/v1/orders/<id>`), or null. */
  readonly link: string | null;
  /** Ids of the things it is about (`orderId`, `taskId`, `eventId`, `productId` …). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly read: boolean;
  readonly archived: boolean;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /** CloudEvents id of the integration event it was made from. */
  readonly sourceEventId: string;
}

/** The content of a notification before it has an id, for one recipient. */
export interface NotificationDraft {
  readonly recipientId: string;
  readonly category: NotificationCategory;
  readonly title: string;
  readonly body: string;
  readonly link: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A user's choices: category → channel → enabled. Missing entries take {@link defaultEnabled}. */
export type Preferences = Readonly<
  Partial<Record<NotificationCategory, Partial<Record<NotificationChannel, boolean>>>>
>;

/** Default of a (category, channel) the user never set: in-app and e-mail on, push off. */
export function defaultEnabled(_category: NotificationCategory, channel: NotificationChannel): boolean {
  return channel !== 'push';
}

/** Whether `category` goes out on `channel` for a user with `preferences` (critical categories ignore opt-outs). */
export function channelEnabled(
  preferences: Preferences,
  category: NotificationCategory,
  channel: NotificationChannel,
): boolean {
  if (CRITICAL_CATEGORIES.has(category)) return true;
  return preferences[category]?.[channel] ?? defaultEnabled(category, channel);
}

/** The whole matrix (every category × channel) of `preferences`, defaults filled in. */
export function effectivePreferences(
  preferences: Preferences,
): Record<NotificationCategory, Record<NotificationChannel, boolean>> {
  const out = {} as Record<NotificationCategory, Record<NotificationChannel, boolean>>;
  for (const category of NOTIFICATION_CATEGORIES) {
    const row = {} as Record<NotificationChannel, boolean>;
    for (const channel of NOTIFICATION_CHANNELS) row[channel] = channelEnabled(preferences, category, channel);
    out[category] = row;
  }
  return out;
}
