/** One round of the tasks reminder engine at `now` (an RFC 3339 instant). */
export class RunTaskRemindersCommand {
  constructor(readonly now: string) {}
}
