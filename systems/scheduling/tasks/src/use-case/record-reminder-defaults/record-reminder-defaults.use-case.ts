import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MEMBER_REMINDER_DEFAULTS, type MemberReminderDefaultsPort } from '../port/member-reminder-defaults.port.js';
import { RecordReminderDefaultsCommand } from './record-reminder-defaults.command.js';

/**
 * Keeps a member's default reminders (from calendar) in tasks' read model, once per message (inbox);
 * an older version than the one kept is ignored. @returns false for a duplicate or a stale version
 */
@CommandHandler(RecordReminderDefaultsCommand)
export class RecordReminderDefaultsUseCase implements ICommandHandler<RecordReminderDefaultsCommand, boolean> {
  constructor(@Inject(MEMBER_REMINDER_DEFAULTS) private readonly defaults: MemberReminderDefaultsPort) {}

  execute({ defaults, inbox }: RecordReminderDefaultsCommand): Promise<boolean> {
    return this.defaults.record(defaults, inbox);
  }
}
