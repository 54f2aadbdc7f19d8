/** One round of the reminder engine at `now` (RFC 3339 instant). */
export class RunReminderEngineCommand {
  constructor(readonly now: string) {}
}
