import { TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import { describeTimerJobFaults } from '@archipelago/testing-harness';

// Fault tests of the tasks reminder engine with real processes (compiled tasks service, ROLE=command,
// real Postgres; see describeTimerJobFaults), as calendar's. 1: a reminder is planned by one process,
// which is SIGKILLed before the reminder is due; after the due time two replicas start at once and race
// for it. 2: the process is SIGKILLed after the due time, inside its firing transaction (it has claimed
// the reminder and waits to write the outbox); a restarted process fires it. Either way TaskDueSoonV1 is
// put in the outbox exactly once (FOR UPDATE SKIP LOCKED claim, outbox insert and fired mark in one
// transaction).
describeTimerJobFaults('tasks reminder engine under faults (real processes)', {
  system: 'scheduling',
  service: 'tasks',
  entry: 'systems/scheduling/tasks/src/main.ts',
  env: { ROLE: 'command', REMINDER_POLL_MS: '100' },
  // A task due an hour after the reminder, which is an hour before the due.
  createDueAt: (title, dueMs) => ({
    path: '/scheduling/v1/tasks',
    body: {
      title,
      due: new Date(dueMs + 3_600_000).toISOString().slice(0, 19),
      timeZone: 'UTC',
      reminders: [{ offset: '-PT1H' }],
    },
  }),
  item: () => ({
    table: 'task_reminders',
    ownerColumn: 'task_id',
    messageType: TASKS_EVENTS.TaskDueSoonV1.type,
    payloadField: 'taskId',
  }),
});
