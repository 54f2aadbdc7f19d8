import type { InboxEntry, MemberReminderDefaults } from '../port/member-reminder-defaults.port.js';

/** Record a member's default reminders consumed from calendar (MemberReminderDefaultsSetV1). */
export class RecordReminderDefaultsCommand {
  constructor(
    readonly defaults: MemberReminderDefaults,
    readonly inbox: InboxEntry,
  ) {}
}
