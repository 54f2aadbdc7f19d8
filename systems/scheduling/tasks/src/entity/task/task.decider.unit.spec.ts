import { deciderSpec } from '@archipelago/testing-decider';
import { fold } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { nextDue, spawnNextOccurrence, taskDecider, type TaskCommand } from './task.decider.js';
import {
  AttachmentNotFoundError,
  TaskAlreadyExistsError,
  TaskCycleError,
  TaskHasOpenSubtasksError,
  TaskNotCompletableError,
  TaskNotFoundError,
  TaskValidationError,
  TooManyAttachmentsError,
} from './task.errors.js';
import type { TaskAttachmentAdded, TaskCompleted, TaskCreated, TaskEvent } from './task.events.js';
import type { Attachment, TaskFields } from './task.model.js';

const spec = deciderSpec(taskDecider);
const taskId = 't1';
const t0 = '2026-03-01T09:00:00Z';
const now = '2026-03-02T10:00:00Z';
const fields: TaskFields = {
  workspaceId: 'w1',
  title: 'Write report',
  description: null,
  priority: 4,
  tags: [],
  due: null,
  timeZone: 'UTC',
  estimatedMinutes: null,
  assigneeId: null,
  parentId: null,
  recurrence: null,
  reminders: [],
  customFields: {},
  attachments: [],
};
const created = (over: Partial<TaskFields> = {}): TaskCreated => ({
  type: 'TaskCreated',
  data: { taskId, ...fields, ...over, previousTaskId: null, createdBy: 'u1', at: t0 },
});
const create = (input: Record<string, unknown>, lookups = {}): TaskCommand => ({
  type: 'CreateTask',
  data: { taskId, now: t0, input: { workspaceId: 'w1', title: 'Write report', ...input }, createdBy: 'u1', lookups },
});
const update = (patch: Record<string, unknown>, lookups = {}, at = now): TaskCommand => ({
  type: 'UpdateTask',
  data: { taskId, now: at, patch, lookups },
});
const complete = (at = now, over: Partial<{ cascade: boolean; openSubtaskIds: string[] }> = {}): TaskCommand => ({
  type: 'CompleteTask',
  data: { taskId, now: at, nextTaskId: 't2', cascade: false, openSubtaskIds: [], ...over },
});
const completed = (next: TaskCompleted['data']['next'] = null, at = now): TaskCompleted => ({
  type: 'TaskCompleted',
  data: { taskId, workspaceId: 'w1', cascade: false, next, at },
});
const problemsOf = (command: TaskCommand, given: TaskEvent[] = []) => {
  try {
    taskDecider.decide(command, fold(taskDecider, given));
  } catch (error) {
    if (error instanceof TaskValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
};

describe('Task: create', () => {
  it('given no task, when created with a title, then TaskCreated with the defaults (priority 4, todo)', () =>
    spec.given([]).when(create({})).then([created()]));

  it('normalizes tags (trimmed, no duplicates) and keeps a due date-time in its zone', () =>
    spec
      .given([])
      .when(
        create({ tags: [' home ', 'home', 'urgent'], due: '2026-03-10T17:00', timeZone: 'Europe/Berlin', priority: 1 }),
      )
      .then([
        created({
          tags: ['home', 'urgent'],
          due: { dateTime: '2026-03-10T17:00:00', timeZone: 'Europe/Berlin' },
          timeZone: 'Europe/Berlin',
          priority: 1,
        }),
      ]));

  it('refuses a second create of the same id', () =>
    spec.given([created()]).when(create({})).thenThrows(TaskAlreadyExistsError));

  it('names every bad field at once', () =>
    expect(
      problemsOf(
        create({
          title: ' ',
          priority: 9,
          tags: 'x',
          due: 'tomorrow',
          estimatedMinutes: -5,
          color: 'red',
          reminders: [{ offset: 'soon' }],
        }),
      ),
    ).toEqual(['color', 'title', 'priority', 'tags', 'due', 'estimatedMinutes', 'reminders/0/offset']));

  it('requires workspaceId, title, and timeZone with a due date-time', () => {
    expect(problemsOf({ type: 'CreateTask', data: { taskId, now: t0, input: {}, createdBy: 'u1' } })).toEqual([
      'workspaceId',
      'title',
    ]);
    expect(problemsOf(create({ due: '2026-03-10T17:00' }))).toEqual(['timeZone']);
  });

  it('refuses a title of 100 KB, an unknown zone and a status', () =>
    expect(problemsOf(create({ title: 'x'.repeat(100_000), timeZone: 'Mars/Olympus', status: 'done' }))).toEqual([
      'status',
      'title',
      'timeZone',
    ]));

  it('validates recurrence: an RRULE needs a due, COUNT with UNTIL is refused, afterCompletion needs every 1..365 and a unit', () => {
    expect(problemsOf(create({ recurrence: { rrule: 'FREQ=WEEKLY' } }))).toEqual(['recurrence/rrule']);
    expect(
      problemsOf(create({ due: '2026-03-10', recurrence: { rrule: 'FREQ=DAILY;COUNT=2;UNTIL=20260401' } })),
    ).toEqual(['recurrence/rrule']);
    expect(problemsOf(create({ recurrence: { afterCompletion: { every: 0, unit: 'year' } } }))).toEqual([
      'recurrence/afterCompletion/every',
      'recurrence/afterCompletion/unit',
    ]);
    expect(problemsOf(create({ recurrence: { rrule: 'FREQ=DAILY', afterCompletion: {} } }))).toEqual(['recurrence']);
  });

  it('checks the assignee is a member and the parent is a task of the workspace', () => {
    expect(problemsOf(create({ assigneeId: 'u9' }, { assigneeIsMember: false }))).toEqual(['assigneeId']);
    expect(problemsOf(create({ parentId: 'p1' }, { parent: null }))).toEqual(['parentId']);
    expect(
      problemsOf(create({ parentId: 'p1' }, { parent: { taskId: 'p1', workspaceId: 'w2', ancestorIds: [] } })),
    ).toEqual(['parentId']);
    spec
      .given([])
      .when(
        create(
          { parentId: 'p1', assigneeId: 'u2' },
          { assigneeIsMember: true, parent: { taskId: 'p1', workspaceId: 'w1', ancestorIds: ['p0'] } },
        ),
      )
      .then([created({ parentId: 'p1', assigneeId: 'u2' })]);
  });
});

describe('Task: update (JSON merge patch)', () => {
  const given = [created({ description: 'draft', tags: ['a'], priority: 2 })];

  it('changes only what differs; null clears or resets to the default', () =>
    spec
      .given(given)
      .when(update({ title: 'Write the report', description: null, priority: null, tags: ['a'] }))
      .then([
        {
          type: 'TaskUpdated',
          data: { taskId, changes: { title: 'Write the report', description: null, priority: 4 }, at: now },
        },
      ]));

  it('decides nothing for a patch that changes nothing', () =>
    spec
      .given(given)
      .when(update({ title: 'Write report', tags: ['a'] }))
      .then([]));

  it('moves through statuses but reaches done only by completing', () => {
    spec
      .given(given)
      .when(update({ status: 'in_progress' }))
      .then([{ type: 'TaskUpdated', data: { taskId, changes: { status: 'in_progress' }, at: now } }]);
    expect(problemsOf(update({ status: 'done' }), given)).toEqual(['status']);
    expect(problemsOf(update({ status: 'blocked', workspaceId: 'w2' }), given)).toEqual(['workspaceId', 'status']);
  });

  it('moves a due date-time with the zone (wall time kept)', () =>
    spec
      .given([
        created({ due: { dateTime: '2026-03-10T17:00:00', timeZone: 'Europe/Berlin' }, timeZone: 'Europe/Berlin' }),
      ])
      .when(update({ timeZone: 'America/New_York' }))
      .then([
        {
          type: 'TaskUpdated',
          data: {
            taskId,
            changes: {
              due: { dateTime: '2026-03-10T17:00:00', timeZone: 'America/New_York' },
              timeZone: 'America/New_York',
            },
            at: now,
          },
        },
      ]));

  it('refuses a parent that is the task itself or one of its subtasks (409)', () => {
    spec
      .given(given)
      .when(update({ parentId: 't1' }, { parent: { taskId: 't1', workspaceId: 'w1', ancestorIds: [] } }))
      .thenThrows(TaskCycleError);
    spec
      .given(given)
      .when(update({ parentId: 'c2' }, { parent: { taskId: 'c2', workspaceId: 'w1', ancestorIds: ['c1', 't1'] } }))
      .thenThrows(TaskCycleError);
  });

  it('refuses clearing the due of a task on an RRULE schedule', () =>
    expect(
      problemsOf(update({ due: null }), [
        created({ due: { date: '2026-03-10' }, recurrence: { rrule: 'FREQ=WEEKLY' } }),
      ]),
    ).toEqual(['due']));

  it('counts versions: each event is one', () => {
    const state = fold(taskDecider, [
      created(),
      { type: 'TaskUpdated', data: { taskId, changes: { priority: 1 }, at: now } },
      completed(),
    ]);
    expect(state).toMatchObject({ kind: 'live', status: 'done', version: 3, fields: { priority: 1 } });
  });

  it('reopens a done task', () => {
    const state = fold(taskDecider, [
      created(),
      completed(),
      { type: 'TaskUpdated', data: { taskId, changes: { status: 'todo' }, at: now } },
    ]);
    expect(state).toMatchObject({ status: 'todo', completedAt: null, version: 3 });
  });
});

describe('Task: complete', () => {
  it('completes a one-off task without a next occurrence', () =>
    spec.given([created()]).when(complete()).then([completed()]));

  it('is idempotent: completing a done task decides nothing', () =>
    spec.given([created(), completed()]).when(complete()).then([]));

  it('needs cascade with open subtasks (409), and records it', () => {
    spec
      .given([created()])
      .when(complete(now, { openSubtaskIds: ['s1'] }))
      .thenThrows(TaskHasOpenSubtasksError);
    spec
      .given([created()])
      .when(complete(now, { openSubtaskIds: ['s1'], cascade: true }))
      .then([{ ...completed(), data: { ...completed().data, cascade: true } }]);
  });

  it('refuses a cancelled task', () =>
    spec
      .given([created(), { type: 'TaskUpdated', data: { taskId, changes: { status: 'cancelled' }, at: now } }])
      .when(complete())
      .thenThrows(TaskNotCompletableError));

  it('given due 10 March, every 7 days after completion, when done on 14 March, then the next is due 21 March', () =>
    spec
      .given([created({ due: { date: '2026-03-10' }, recurrence: { afterCompletion: { every: 7, unit: 'day' } } })])
      .when(complete('2026-03-14T15:00:00Z'))
      .then([completed({ taskId: 't2', due: { date: '2026-03-21' } }, '2026-03-14T15:00:00Z')]));

  it('counts the completion day in the task zone and keeps a due wall time', () => {
    const f = {
      ...fields,
      timeZone: 'Pacific/Auckland',
      due: { dateTime: '2026-03-10T08:00:00', timeZone: 'Pacific/Auckland' },
      recurrence: { afterCompletion: { every: 1, unit: 'month' as const } },
    };
    // 2026-03-14T15:00Z is already 15 March in Auckland.
    expect(nextDue(f, '2026-03-14T15:00:00Z')).toEqual({
      dateTime: '2026-04-15T08:00:00',
      timeZone: 'Pacific/Auckland',
    });
    expect(nextDue({ ...f, due: { date: '2026-01-31' }, timeZone: 'UTC' }, '2026-01-31T12:00:00Z')).toEqual({
      date: '2026-02-28',
    });
  });

  it('on an RRULE, takes the first occurrence after both the due and the completion', () => {
    const weekly = { ...fields, due: { date: '2026-03-02' }, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO' } };
    expect(nextDue(weekly, '2026-03-01T12:00:00Z')).toEqual({ date: '2026-03-09' }); // early
    expect(nextDue(weekly, '2026-03-18T12:00:00Z')).toEqual({ date: '2026-03-23' }); // two weeks late
    const daily = {
      ...fields,
      timeZone: 'Europe/Berlin',
      due: { dateTime: '2026-03-28T09:00:00', timeZone: 'Europe/Berlin' },
      recurrence: { rrule: 'FREQ=DAILY;COUNT=3' },
    };
    expect(nextDue(daily, '2026-03-28T06:00:00Z')).toEqual({
      dateTime: '2026-03-29T09:00:00',
      timeZone: 'Europe/Berlin',
    });
    expect(nextDue(daily, '2026-03-30T12:00:00Z')).toBeNull(); // the series has ended
  });

  it('spawns the next occurrence as a CreateTask on the id the completion chose, once', () => {
    const history: TaskEvent[] = [
      created({
        due: { date: '2026-03-10' },
        tags: ['home'],
        recurrence: { afterCompletion: { every: 7, unit: 'day' } },
      }),
    ];
    const [event] = taskDecider.decide(complete('2026-03-14T15:00:00Z'), fold(taskDecider, history)) as [TaskCompleted];
    const spawn = spawnNextOccurrence(fold(taskDecider, history), event, 'u1')!;
    const next = taskDecider.decide(spawn, taskDecider.initialState());
    expect(next).toMatchObject([
      {
        type: 'TaskCreated',
        data: { taskId: 't2', previousTaskId: 't1', due: { date: '2026-03-21' }, tags: ['home'] },
      },
    ]);
    // A retried completion decides nothing, and re-running the spawn on the existing stream is refused.
    expect(taskDecider.decide(complete('2026-03-14T15:00:05Z'), fold(taskDecider, [...history, event]))).toEqual([]);
    expect(() => taskDecider.decide(spawn, fold(taskDecider, next))).toThrow(TaskAlreadyExistsError);
  });
});

describe('Task: delete', () => {
  it('deletes, then every command is 404', () => {
    spec
      .given([created()])
      .when({ type: 'DeleteTask', data: { taskId, now } })
      .then([{ type: 'TaskDeleted', data: { taskId, workspaceId: 'w1', at: now } }]);
    const deleted: TaskEvent[] = [created(), { type: 'TaskDeleted', data: { taskId, workspaceId: 'w1', at: now } }];
    spec
      .given(deleted)
      .when(update({ title: 'x' }))
      .thenThrows(TaskNotFoundError);
    spec.given(deleted).when(complete()).thenThrows(TaskNotFoundError);
    spec.given([]).when({ type: 'DeleteTask', data: { taskId, now } }).thenThrows(TaskNotFoundError);
  });
});

const pdf = { name: 'report.pdf', mediaType: 'application/pdf', size: 48213, url: 'https://files.example.com/r.pdf' };
const attachment = (id: string, over: Partial<Attachment> = {}): Attachment => ({ id, ...pdf, ...over });
const add = (attachmentId: string, body: unknown = pdf): TaskCommand => ({
  type: 'AddAttachment',
  data: { taskId, now, attachmentId, attachment: body },
});
const added = (a: Attachment): TaskAttachmentAdded => ({
  type: 'TaskAttachmentAdded',
  data: { taskId, attachment: a, at: now },
});
describe('Task: custom fields', () => {
  it('given no task, when created with custom fields of each type, then TaskCreated carries them (keys sorted, nulls dropped)', () =>
    spec
      .given([])
      .when(create({ customFields: { due: '2026-03-10', client: 'ACME', hours: 3.5, billable: true, gone: null } }))
      .then([created({ customFields: { billable: true, client: 'ACME', due: '2026-03-10', hours: 3.5 } })]));

  it('given a task with custom fields, when patched, then they merge (RFC 7396: null removes a key, others stay)', () =>
    spec
      .given([created({ customFields: { client: 'ACME', hours: 3 } })])
      .when(update({ customFields: { hours: null, stage: 'review' } }))
      .then([
        {
          type: 'TaskUpdated',
          data: { taskId, changes: { customFields: { client: 'ACME', stage: 'review' } }, at: now },
        },
      ]));

  it('given a task with custom fields, when patched with customFields null, then all are removed', () =>
    spec
      .given([created({ customFields: { client: 'ACME' } })])
      .when(update({ customFields: null }))
      .then([{ type: 'TaskUpdated', data: { taskId, changes: { customFields: {} }, at: now } }]));

  it('given a task, when patched with the custom fields it has, then nothing happens', () =>
    spec
      .given([created({ customFields: { client: 'ACME' } })])
      .when(update({ customFields: { client: 'ACME' } }))
      .then([]));

  it('refuses bad keys, bad values and more than 50 keys, each by field', () => {
    expect(
      problemsOf(
        create({
          customFields: { '1st': 'x', 'a.b': 'x', ok: { nested: 1 }, list: [1], long: 'x'.repeat(501), fine: 'x' },
        }),
      ),
    ).toEqual(['customFields/1st', 'customFields/a.b', 'customFields/ok', 'customFields/list', 'customFields/long']);
    expect(problemsOf(create({ customFields: 'client=ACME' }))).toEqual(['customFields']);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(problemsOf(create({ customFields: many }))).toEqual(['customFields']);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(500)]));
    expect(problemsOf(create({ customFields: fifty }))).toEqual([]);
  });

  it('counts the merged map: a patch adding the 51st key is refused, one replacing a key is not', () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(problemsOf(update({ customFields: { extra: 1 } }), [created({ customFields: fifty })])).toEqual([
      'customFields',
    ]);
    expect(problemsOf(update({ customFields: { extra: 1, k0: null } }), [created({ customFields: fifty })])).toEqual(
      [],
    );
  });

  it('an occurrence spawned by completing a recurring task keeps its custom fields and attachments', () => {
    const a = attachment('a1');
    const given = [
      created({
        due: { date: '2026-03-10' },
        recurrence: { afterCompletion: { every: 7, unit: 'day' } },
        customFields: { client: 'ACME' },
      }),
      added(a),
    ];
    const state = fold(taskDecider, given);
    const [done] = taskDecider.decide(
      { type: 'CompleteTask', data: { taskId, now, nextTaskId: 't2', cascade: false, openSubtaskIds: [] } },
      state,
    ) as [TaskCompleted];
    const next = spawnNextOccurrence(state, done, 'u1')!;
    const [spawned] = taskDecider.decide(next, taskDecider.initialState()) as [TaskCreated];
    expect(spawned.data.customFields).toEqual({ client: 'ACME' });
    expect(spawned.data.attachments).toEqual([a]);
  });
});

describe('Task: attachments', () => {
  it('given a task, when an attachment is added, then TaskAttachmentAdded (media type lower-cased, name trimmed)', () =>
    spec
      .given([created()])
      .when(add('a1', { ...pdf, name: ' report.pdf ', mediaType: 'Text/Plain; charset=utf-8' }))
      .then([added(attachment('a1', { mediaType: 'text/plain; charset=utf-8' }))]));

  it('given a task with an attachment, when it is removed, then TaskAttachmentRemoved and the task has none', () => {
    spec
      .given([created(), added(attachment('a1'))])
      .when({ type: 'RemoveAttachment', data: { taskId, now, attachmentId: 'a1' } })
      .then([{ type: 'TaskAttachmentRemoved', data: { taskId, attachmentId: 'a1', at: now } }]);
    const state = fold(taskDecider, [
      created(),
      added(attachment('a1')),
      added(attachment('a2')),
      { type: 'TaskAttachmentRemoved', data: { taskId, attachmentId: 'a1', at: now } },
    ]);
    expect(state.kind === 'live' && state.fields.attachments.map((a) => a.id)).toEqual(['a2']);
  });

  it('given a task, when an unknown attachment is removed, then AttachmentNotFoundError (404)', () =>
    spec
      .given([created()])
      .when({ type: 'RemoveAttachment', data: { taskId, now, attachmentId: 'nope' } })
      .thenThrows(AttachmentNotFoundError));

  it('given a task with 20 attachments, when one more is added, then TooManyAttachmentsError (409)', () =>
    spec
      .given([created(), ...Array.from({ length: 20 }, (_, i) => added(attachment(`a${i}`)))])
      .when(add('a20'))
      .thenThrows(TooManyAttachmentsError));

  it('given a task with an attachment, when the same add is decided again (same id), then nothing happens', () =>
    spec
      .given([created(), added(attachment('a1'))])
      .when(add('a1'))
      .then([]));

  it('refuses bad metadata, each by field: media type (RFC 6838), size, URL scheme, credentials in the URL', () => {
    const given = [created()];
    expect(problemsOf(add('a', { ...pdf, mediaType: 'pdf' }), given)).toEqual(['mediaType']);
    expect(problemsOf(add('a', { ...pdf, mediaType: 'application/pdf; x' }), given)).toEqual(['mediaType']);
    expect(problemsOf(add('a', { ...pdf, mediaType: `text/plain${'; a=b'.repeat(80)}` }), given)).toEqual([
      'mediaType',
    ]);
    expect(problemsOf(add('a', { ...pdf, size: -1 }), given)).toEqual(['size']);
    expect(problemsOf(add('a', { ...pdf, size: 1.5 }), given)).toEqual(['size']);
    expect(problemsOf(add('a', { ...pdf, url: 'http://files.example.com/r.pdf' }), given)).toEqual(['url']);
    expect(problemsOf(add('a', { ...pdf, url: 'ftp://files.example.com/r.pdf' }), given)).toEqual(['url']);
    expect(problemsOf(add('a', { ...pdf, url: 'javascript:alert(1)' }), given)).toEqual(['url']);
    expect(problemsOf(add('a', { ...pdf, url: 'https://user:<password>@files.example.com/r' }), given)).toEqual([
      'url',
    ]);
    expect(problemsOf(add('a', { ...pdf, url: 'reports/r.pdf' }), given)).toEqual(['url']);
    expect(problemsOf(add('a', { ...pdf, name: '' }), given)).toEqual(['name']);
    expect(problemsOf(add('a', { ...pdf, extra: 1 }), given)).toEqual(['extra']);
    expect(problemsOf(add('a', 'report.pdf'), given)).toEqual(['attachment']);
    expect(problemsOf(add('a', { ...pdf, url: 'http://localhost:8080/r.pdf', size: 0 }), given)).toEqual([]);
  });

  it('attachments are not a field of the task body: create and PATCH point to the attachment routes', () => {
    expect(problemsOf(create({ attachments: [pdf] }))).toEqual(['attachments']);
    expect(problemsOf(update({ attachments: [] }), [created()])).toEqual(['attachments']);
  });

  it('a task created before custom fields and attachments existed has neither (not undefined)', () => {
    const { customFields: _c, attachments: _a, ...old } = created().data;
    const state = fold(taskDecider, [{ type: 'TaskCreated', data: old } as unknown as TaskEvent]);
    expect(state.kind === 'live' && [state.fields.customFields, state.fields.attachments]).toEqual([{}, []]);
  });
});
