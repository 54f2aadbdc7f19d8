/** The reminder engine's bookkeeping and firing (implemented in repository/ on Postgres). */
export interface ReminderEnginePort {
  /**
   * Events whose reminders need planning: new or changed since last planned (by version), planned
   * before `staleBefore` (the horizon moved), or deleted since. At most `limit`.
   */
  eventsToReplan(staleBefore: string, limit: number): Promise<string[]>;
  /** Records that `eventId`'s reminders were planned from its current read-model version (or forgets a deleted event). */
  markPlanned(eventId: string, at: string): Promise<void>;
  /**
   * Claims up to `limit` unfired reminders due at or before `now` (FOR UPDATE SKIP LOCKED: replicas
   * never take the same row), and in ONE transaction puts a ReminderDueV1 per reminder in the outbox and
   * marks it fired — so each reminder occurrence is published exactly once, across restarts and
   * replicas. Returns how many fired.
   */
  fireDue(now: string, limit: number): Promise<number>;
}

export const REMINDER_ENGINE = Symbol('ReminderEnginePort');
