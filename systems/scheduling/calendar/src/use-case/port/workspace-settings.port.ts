import type { Reminder } from '@archipelago/util-calendar';

/** A workspace's calendar settings. */
export interface WorkspaceSettings {
  readonly workspaceId: string;
  /** Reminders a new event gets when its request carries no `reminders` (validated, at most 10). */
  readonly defaultReminders: readonly Reminder[];
  /** RFC 3339 instant of the last change; null when never set (the defaults: no reminders). */
  readonly updatedAt: string | null;
}

/** Calendar settings per workspace (table `workspace_settings`; implemented in repository/). */
export interface WorkspaceSettingsPort {
  /** The settings of a workspace; never set → no default reminders, `updatedAt` null. */
  get(workspaceId: string): Promise<WorkspaceSettings>;
  /** Replaces the default reminders of a workspace. */
  setDefaultReminders(
    workspaceId: string,
    reminders: readonly Reminder[],
    updatedBy: string,
    at: string,
  ): Promise<WorkspaceSettings>;
}

export const WORKSPACE_SETTINGS = Symbol('WorkspaceSettingsPort');
