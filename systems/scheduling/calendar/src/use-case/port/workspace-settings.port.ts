import type { Reminder } from '@archipelago/util-calendar';

/** One member's calendar settings in a workspace. */
export interface WorkspaceSettings {
  readonly workspaceId: string;
  /** The member they belong to (the caller: each member reads and writes only their own). */
  readonly userId: string;
  /** Reminders a new event this member creates gets when its request carries no `reminders` (validated, at most 10). */
  readonly defaultReminders: readonly Reminder[];
  /** RFC 3339 instant of the last change; null when never set (the defaults: no reminders). */
  readonly updatedAt: string | null;
}

/** Calendar settings per (workspace, member) (table `member_settings`; implemented in repository/). */
export interface WorkspaceSettingsPort {
  /** The settings of a member in a workspace; never set → no default reminders, `updatedAt` null. */
  get(workspaceId: string, userId: string): Promise<WorkspaceSettings>;
  /** Replaces a member's default reminders in a workspace; `at` is an RFC 3339 instant. */
  setDefaultReminders(
    workspaceId: string,
    userId: string,
    reminders: readonly Reminder[],
    at: string,
  ): Promise<WorkspaceSettings>;
}

export const WORKSPACE_SETTINGS = Symbol('WorkspaceSettingsPort');
