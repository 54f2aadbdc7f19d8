import type { PlannedReminder, ReminderChanges } from '../../entity/reminder/reminder-plan.js';
import type { EventRecord } from './event.read-model.port.js';

/**
 * The reminder engine's table of due reminders (to be implemented in repository/: one row per key with
 * `dueAt`, a lease and `firedAt`; claimed with FOR UPDATE SKIP LOCKED, fired through the outbox).
 */
export interface ReminderStorePort {
  /** Unfired reminders of `eventId` due in `[from, to)`. */
  pending(eventId: string, from: string, to: string): Promise<PlannedReminder[]>;
  /** Keys of reminders of `eventId` already fired (any due time). */
  firedKeys(eventId: string): Promise<ReadonlySet<string>>;
  /** Applies the changes in one transaction. */
  apply(changes: ReminderChanges): Promise<void>;
}

export const REMINDER_STORE = Symbol('ReminderStorePort');

/** Reads one event of the query side (null when absent or deleted). */
export interface EventLookupPort {
  find(eventId: string): Promise<EventRecord | null>;
}

export const EVENT_LOOKUP = Symbol('EventLookupPort');
