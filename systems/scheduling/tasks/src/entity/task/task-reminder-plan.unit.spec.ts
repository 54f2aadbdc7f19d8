import { describe, expect, it } from 'vitest';
import { planTaskReminders, reconcileTaskReminders } from './task-reminder-plan.js';
import type { TaskFields } from './task.model.js';

const fields: TaskFields = {
  workspaceId: 'personal:ann',
  title: 'File taxes',
  description: null,
  priority: 2,
  tags: [],
  due: { dateTime: '2026-03-30T09:00:00', timeZone: 'Europe/Berlin' },
  timeZone: 'Europe/Berlin',
  estimatedMinutes: null,
  assigneeId: null,
  parentId: null,
  recurrence: null,
  reminders: [{ offset: '-P1D' }, { offset: '-PT15M' }],
  customFields: {},
  attachments: [],
};
const task = { taskId: 't1', status: 'todo' as const, fields };
const now = '2026-03-01T00:00:00Z';

describe('planTaskReminders', () => {
  it('given an open task with a due in Berlin, plans each reminder before it (nominal days across DST) for the personal owner', () => {
    expect(planTaskReminders(task, now).map((r) => [r.key, r.dueAt, r.recipients])).toEqual([
      // -P1D keeps 09:00 local on 29 March, the day of the DST change (CET → CEST): 08:00Z, then 07:00Z.
      ['t1|2026-03-30T09:00:00@Europe/Berlin|offset:-P1D', '2026-03-29T07:00:00Z', ['ann']],
      ['t1|2026-03-30T09:00:00@Europe/Berlin|offset:-PT15M', '2026-03-30T06:45:00Z', ['ann']],
    ]);
  });

  it('plans nothing for a done, cancelled or deleted task, nor what is already past; reminds the assignee, else the shared workspace’s owners', () => {
    expect(planTaskReminders({ ...task, status: 'done' }, now)).toEqual([]);
    expect(planTaskReminders({ ...task, status: 'cancelled' }, now)).toEqual([]);
    expect(planTaskReminders(null, now)).toEqual([]);
    expect(planTaskReminders(task, '2026-03-29T12:00:00Z').map((r) => r.dueAt)).toEqual(['2026-03-30T06:45:00Z']);
    const shared = { ...task, fields: { ...fields, workspaceId: 'w1', assigneeId: 'bob' } };
    expect(planTaskReminders(shared, now, ['cat']).map((r) => r.recipients)).toEqual([['bob'], ['bob']]);
    const unassigned = { ...shared, fields: { ...shared.fields, assigneeId: null } };
    expect(planTaskReminders(unassigned, now, ['ann', 'cat']).map((r) => r.recipients)).toEqual([
      ['ann', 'cat'],
      ['ann', 'cat'],
    ]);
    expect(planTaskReminders(unassigned, now)[0]!.recipients).toEqual([]);
  });
});

describe('reconcileTaskReminders', () => {
  it('a changed due is a new key: the old pending one is cancelled, the new one added, a fired key never again', () => {
    const before = planTaskReminders(task, now);
    const moved = planTaskReminders(
      { ...task, fields: { ...fields, due: { dateTime: '2026-03-31T09:00:00', timeZone: 'Europe/Berlin' } } },
      now,
    );
    const changes = reconcileTaskReminders(before, moved, new Set([moved[1]!.key]));
    expect(changes.add.map((r) => r.key)).toEqual([moved[0]!.key]);
    expect(changes.cancel).toEqual(before.map((r) => r.key));
    expect(changes.update).toEqual([]);
    const retitled = planTaskReminders({ ...task, fields: { ...fields, title: 'File taxes (2025)' } }, now);
    expect(reconcileTaskReminders(before, retitled).update.map((r) => r.title)).toEqual([
      'File taxes (2025)',
      'File taxes (2025)',
    ]);
  });
});
