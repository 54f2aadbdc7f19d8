/** Re-plan the pending reminders of one event for the engine's horizon, after the event changed. */
export class ReplanRemindersCommand {
  constructor(
    readonly eventId: string,
    /** RFC 3339 instant: the horizon starts here. */
    readonly now: string,
    /** How far ahead the engine keeps reminders, in hours. */
    readonly horizonHours = 48,
  ) {}
}
