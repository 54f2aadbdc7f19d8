import type { Reminder } from '@archipelago/util-calendar';

/** A member's default reminders in a workspace, as calendar published them (MemberReminderDefaultsSetV1). */
export interface MemberReminderDefaults {
  readonly workspaceId: string;
  readonly userId: string;
  /** Empty when cleared (the member left, or set none). */
  readonly defaultReminders: readonly Reminder[];
  /** Calendar's version of the change: higher is newer, across every member. */
  readonly version: number;
  /** RFC 3339 instant of the change. */
  readonly updatedAt: string;
}

/** A message being consumed: recorded in the inbox with its effect, so it takes effect once. */
export interface InboxEntry {
  readonly consumerGroup: string;
  readonly messageId: string;
  readonly topic: string;
}

/**
 * Tasks' read model of members' default reminders (table `member_reminder_defaults`), kept from
 * calendar's MemberReminderDefaultsSetV1; implemented in repository/.
 */
export interface MemberReminderDefaultsPort {
  /** The member's default reminders in the workspace; none known → empty. */
  defaultsOf(workspaceId: string, userId: string): Promise<readonly Reminder[]>;
  /**
   * Keeps `defaults` once per message (inbox) unless a change of the same or a higher version is already
   * kept. @returns false for a duplicate message or a stale version (nothing changed)
   */
  record(defaults: MemberReminderDefaults, inbox: InboxEntry): Promise<boolean>;
}

export const MEMBER_REMINDER_DEFAULTS = Symbol('MemberReminderDefaultsPort');
