import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { taskDecider, type TaskCommand } from './task.decider.js';
import { TaskValidationError } from './task.errors.js';
import type { TaskEvent } from './task.events.js';

/** Values a client may send in any field; none may make the decider throw anything but a validation error. */
const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  '',
  ' ',
  'x'.repeat(100_000),
  '2026-02-30',
  true,
  [],
  {},
  [null],
  [{}],
  [1],
  { rrule: 5 },
  { afterCompletion: null },
  { afterCompletion: { every: '7', unit: 'day' } },
  [{ offset: null }],
  [{ at: 5 }],
];
const FIELDS = [
  'title',
  'description',
  'priority',
  'tags',
  'due',
  'timeZone',
  'estimatedMinutes',
  'assigneeId',
  'parentId',
  'recurrence',
  'reminders',
  'status',
  'workspaceId',
  'customFields',
];
const now = '2026-03-01T00:00:00Z';
const given: TaskEvent[] = [];

function outcome(command: TaskCommand, history: TaskEvent[]): string {
  try {
    taskDecider.decide(command, fold(taskDecider, history));
    return 'ok';
  } catch (error) {
    if (error instanceof TaskValidationError) return 'invalid';
    return `crash: ${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('Task decider under hostile input', () => {
  it('answers every junk value in every field (and attachment field) with success or TaskValidationError', () => {
    const created = taskDecider.decide(
      {
        type: 'CreateTask',
        data: {
          taskId: 't',
          now,
          createdBy: 'u',
          input: { workspaceId: 'w', title: 'T', due: '2026-03-10', recurrence: { rrule: 'FREQ=WEEKLY' } },
        },
      },
      fold(taskDecider, given),
    );
    const crashes: string[] = [];
    for (const field of FIELDS) {
      for (const value of JUNK) {
        const create = outcome(
          {
            type: 'CreateTask',
            data: { taskId: 't2', now, createdBy: 'u', input: { workspaceId: 'w', title: 'T', [field]: value } },
          },
          [],
        );
        const patch = outcome({ type: 'UpdateTask', data: { taskId: 't', now, patch: { [field]: value } } }, created);
        for (const [kind, result] of [
          ['create', create],
          ['update', patch],
        ])
          if (result.startsWith('crash'))
            crashes.push(`${kind} ${field}=${JSON.stringify(value)?.slice(0, 40)}: ${result}`);
      }
    }
    const attachment = { name: 'a.pdf', mediaType: 'application/pdf', size: 1, url: 'https://example.com/a.pdf' };
    for (const value of [...JUNK, 'https://' + 'x'.repeat(100_000), 'http://[', 'https://u:p@h/']) {
      for (const body of [
        value,
        ...['name', 'mediaType', 'size', 'url', 'extra'].map((f) => ({ ...attachment, [f]: value })),
      ]) {
        const result = outcome(
          { type: 'AddAttachment', data: { taskId: 't', now, attachmentId: 'a', attachment: body } },
          created,
        );
        if (result.startsWith('crash')) crashes.push(`attachment ${JSON.stringify(body)?.slice(0, 60)}: ${result}`);
      }
    }
    expect(crashes).toEqual([]);
  });
});
