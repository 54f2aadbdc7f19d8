import { describe, expect, it } from 'vitest';
import type { TaskFields } from './task.model.js';
import { taskReminderTimes } from './task.reminders.js';

const fields: TaskFields = {
  workspaceId: 'w1',
  title: 'Pay rent',
  description: null,
  priority: 4,
  tags: [],
  due: null,
  timeZone: 'Europe/Berlin',
  estimatedMinutes: null,
  assigneeId: null,
  parentId: null,
  recurrence: null,
  reminders: [],
  customFields: {},
  attachments: [],
};

describe('task reminders', () => {
  it('given a due date-time after the spring change, then -P2D keeps the wall time and -PT48H does not', () =>
    expect(
      taskReminderTimes({
        ...fields,
        due: { dateTime: '2026-03-30T09:00:00', timeZone: 'Europe/Berlin' },
        reminders: [{ offset: '-P2D' }, { offset: '-PT48H' }, { offset: '-PT15M' }],
      }),
    ).toEqual([
      { reminderIndex: 1, dueAt: '2026-03-28T07:00:00Z' },
      { reminderIndex: 0, dueAt: '2026-03-28T08:00:00Z' },
      { reminderIndex: 2, dueAt: '2026-03-30T06:45:00Z' },
    ]));

  it('anchors a due date at 00:00 of that date in the task zone', () =>
    expect(taskReminderTimes({ ...fields, due: { date: '2026-03-30' }, reminders: [{ offset: 'PT9H' }] })).toEqual([
      { reminderIndex: 0, dueAt: '2026-03-30T07:00:00Z' },
    ]));

  it('keeps absolute reminders and skips relative ones without a due', () =>
    expect(
      taskReminderTimes({ ...fields, reminders: [{ offset: '-PT15M' }, { at: '2026-03-01T10:00:00+01:00' }] }),
    ).toEqual([{ reminderIndex: 1, dueAt: '2026-03-01T09:00:00Z' }]));
});
