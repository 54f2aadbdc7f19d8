import { CALENDAR_EVENTS } from '@archipelago/scheduling-contracts';
import { describeTimerJobFaults } from '@archipelago/testing-harness';

// Fault tests of the calendar reminder engine with real processes (compiled calendar service,
// ROLE=command, real Postgres; see describeTimerJobFaults). 1: a reminder is planned by one process,
// which is SIGKILLed before the reminder is due; after the due time two replicas start at once and race
// for it. 2: the process is SIGKILLed after the due time, inside its firing transaction (it has claimed
// the reminder and waits to write the outbox); a restarted process fires it. Either way ReminderDueV1 is
// put in the outbox exactly once (FOR UPDATE SKIP LOCKED claim, outbox insert and fired mark in one
// transaction).
describeTimerJobFaults('calendar reminder engine under faults (real processes)', {
  system: 'scheduling',
  service: 'calendar',
  entry: 'systems/scheduling/calendar/src/main.ts',
  env: { ROLE: 'command', REMINDER_POLL_MS: '100' },
  // An event an hour from now with one absolute reminder at the due time.
  createDueAt: (title, dueMs) => {
    const startMs = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    const reminders = [{ at: new Date(dueMs).toISOString() }];
    return {
      path: '/scheduling/v1/events',
      body: { title, start: local(startMs), end: local(startMs + 1_800_000), timeZone: 'UTC', reminders },
    };
  },
  item: () => ({
    table: 'reminders',
    ownerColumn: 'event_id',
    messageType: CALENDAR_EVENTS.ReminderDueV1.type,
    payloadField: 'eventId',
  }),
});
