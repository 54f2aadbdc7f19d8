import {
  type FieldProblem,
  nextOccurrenceStart,
  parseDate,
  parseInstant,
  parseLocalDateTime,
  Temporal,
} from '@archipelago/util-calendar';
import type { Decider } from '@archipelago/util-decider';
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
import type { TaskEvent, TaskUpdated } from './task.events.js';
import {
  type Attachment,
  DEFAULT_PRIORITY,
  type Due,
  LIMITS,
  normalizeFields,
  parseAttachment,
  scheduleOf,
  type TaskFields,
  type TaskStatus,
} from './task.model.js';

/** What the use case looked up for the decision (another stream or the workspace): decide stays pure. */
export interface TaskLookups {
  /** Whether the assignee given is a member of the task's workspace (asked only when one is given). */
  readonly assigneeIsMember?: boolean;
  /** The parent given, as found (null: no such task); `ancestorIds` from its parent up to the root. */
  readonly parent?: {
    readonly taskId: string;
    readonly workspaceId: string;
    readonly ancestorIds: readonly string[];
  } | null;
}

type Cmd<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data & { readonly taskId: string; readonly now: string };
};

/**
 * Commands of the Task aggregate. `now` (an RFC 3339 instant) and look-ups come from outside.
 * `input`/`patch` are the request bodies as parsed JSON: the decider validates them by field.
 */
export type TaskCommand =
  | Cmd<
      'CreateTask',
      {
        readonly input: Readonly<Record<string, unknown>>;
        readonly createdBy: string;
        readonly previousTaskId?: string | null;
        readonly lookups?: TaskLookups;
        /** Attachments the new task starts with (a recurring task's next occurrence keeps its own). */
        readonly attachments?: readonly Attachment[];
      }
    >
  | Cmd<'UpdateTask', { readonly patch: Readonly<Record<string, unknown>>; readonly lookups?: TaskLookups }>
  | Cmd<
      'CompleteTask',
      { readonly nextTaskId: string; readonly cascade: boolean; readonly openSubtaskIds: readonly string[] }
    >
  | Cmd<'DeleteTask', object>
  /** `attachment` is the request body; `attachmentId` is chosen by the caller (a UUID). */
  | Cmd<'AddAttachment', { readonly attachmentId: string; readonly attachment: unknown }>
  | Cmd<'RemoveAttachment', { readonly attachmentId: string }>;

/** A task's state: absent, deleted, or live with its fields and the version (events applied so far). */
export type TaskState =
  | { readonly kind: 'absent'; readonly version: 0 }
  | { readonly kind: 'deleted'; readonly taskId: string; readonly version: number }
  | {
      readonly kind: 'live';
      readonly taskId: string;
      readonly status: TaskStatus;
      readonly fields: TaskFields;
      readonly completedAt: string | null;
      /** The occurrence the last completion spawned (kept so a retry can make sure it exists). */
      readonly next: { readonly taskId: string; readonly due: Due } | null;
      readonly version: number;
    };

const DEFAULTS: TaskFields = {
  workspaceId: '',
  title: '',
  description: null,
  priority: DEFAULT_PRIORITY,
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

function checkLookups(
  taskId: string,
  fields: TaskFields,
  touched: Readonly<Record<string, unknown>>,
  lookups: TaskLookups | undefined,
  problems: FieldProblem[],
): void {
  if (touched.assigneeId !== undefined && fields.assigneeId !== null && lookups?.assigneeIsMember !== true) {
    problems.push({ field: 'assigneeId', message: 'is not a member of the workspace' });
  }
  if (touched.parentId === undefined || fields.parentId === null) return;
  const parent = lookups?.parent;
  if (
    parent === undefined ||
    parent === null ||
    parent.taskId !== fields.parentId ||
    parent.workspaceId !== fields.workspaceId
  ) {
    problems.push({ field: 'parentId', message: 'is not a task of the workspace' });
    return;
  }
  if (parent.taskId === taskId || parent.ancestorIds.includes(taskId)) throw new TaskCycleError(taskId, parent.taskId);
  if (parent.ancestorIds.length + 2 > LIMITS.depth)
    problems.push({ field: 'parentId', message: `subtasks nest at most ${LIMITS.depth} levels` });
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The due of the next occurrence of a recurring task completed at `now`, or null when it does not
 * repeat or its RRULE has ended. `afterCompletion`: the completion day in the task's zone plus N units
 * (a due date-time keeps its wall time). `rrule`: the first occurrence after both the current due and the
 * completion (dates compare by day in the task's zone).
 */
export function nextDue(fields: TaskFields, now: string): Due | null {
  const recurrence = fields.recurrence;
  if (!recurrence) return null;
  const completed = Temporal.Instant.from(now).toZonedDateTimeISO(fields.timeZone);
  const due = fields.due;
  if ('afterCompletion' in recurrence) {
    const { every, unit } = recurrence.afterCompletion;
    const day = completed
      .toPlainDate()
      .add(unit === 'day' ? { days: every } : unit === 'week' ? { weeks: every } : { months: every });
    if (due && 'dateTime' in due)
      return {
        dateTime: day
          .toPlainDateTime(parseLocalDateTime(due.dateTime)!.toPlainTime())
          .toString({ smallestUnit: 'second' }),
        timeZone: fields.timeZone,
      };
    return { date: day.toString() };
  }
  if (!due) return null;
  const schedule = scheduleOf(due, fields.timeZone, recurrence.rrule);
  if ('date' in due) {
    const today = completed.toPlainDate();
    const dueDate = parseDate(due.date)!;
    const after = Temporal.PlainDate.compare(today, dueDate) > 0 ? today : dueDate;
    const next = nextOccurrenceStart(schedule, `${after.toString()}T00:00:00Z`);
    return next === null ? null : { date: next };
  }
  const dueInstant = parseLocalDateTime(due.dateTime)!.toZonedDateTime(due.timeZone).toInstant();
  const after = Temporal.Instant.compare(completed.toInstant(), dueInstant) > 0 ? completed.toInstant() : dueInstant;
  const next = nextOccurrenceStart(schedule, after.toString());
  if (next === null) return null;
  return {
    dateTime: Temporal.Instant.from(next)
      .toZonedDateTimeISO(due.timeZone)
      .toPlainDateTime()
      .toString({ smallestUnit: 'second' }),
    timeZone: due.timeZone,
  };
}

function requireNow(now: string): void {
  if (!parseInstant(now)) throw new RangeError(`now must be an RFC 3339 instant, got ${now}`);
}

/**
 * Decides a Task command:
 * - CreateTask: validates every field (400 with each field), checks assignee membership and parent
 *   (same workspace, no cycle, depth ≤ 10) → TaskCreated. Needs `workspaceId` and `title`; a due
 *   date-time needs `timeZone`.
 * - UpdateTask: a JSON merge patch (RFC 7396: absent keeps, null clears or resets to the default,
 *   arrays replace); `status` may be todo, in_progress or cancelled (done only by completing; todo
 *   reopens a done task) → TaskUpdated with only the changed fields, or nothing when nothing changes.
 * - CompleteTask: idempotent (a done task decides nothing); open subtasks need `cascade`; a recurring
 *   task names its next occurrence (`nextTaskId`, due from {@link nextDue}) → TaskCompleted.
 * - DeleteTask → TaskDeleted; every later command gets TaskNotFoundError.
 * @throws TaskValidationError, TaskNotFoundError, TaskAlreadyExistsError, TaskCycleError, TaskHasOpenSubtasksError, TaskNotCompletableError
 */
export function decideTask(command: TaskCommand, state: TaskState): TaskEvent[] {
  const { taskId, now: at } = command.data;
  requireNow(at);
  if (command.type === 'CreateTask') {
    if (state.kind !== 'absent') throw new TaskAlreadyExistsError(taskId);
    const { input, lookups, createdBy, previousTaskId } = command.data;
    const problems: FieldProblem[] = [];
    const workspaceId = input.workspaceId;
    if (typeof workspaceId !== 'string' || workspaceId.length === 0 || workspaceId.length > 64)
      problems.push({ field: 'workspaceId', message: 'is required' });
    if (input.title === undefined) problems.push({ field: 'title', message: 'is required' });
    if (input.status !== undefined) problems.push({ field: 'status', message: 'a new task is todo' });
    const { workspaceId: _ignored, status: _status, ...rest } = input;
    const { fields, problems: found } = normalizeFields(rest, { ...DEFAULTS, workspaceId: String(workspaceId ?? '') });
    problems.push(...found.filter((p) => !(p.field === 'title' && input.title === undefined)));
    const due = fields.due;
    if (due && 'dateTime' in due && input.timeZone === undefined)
      problems.push({ field: 'timeZone', message: 'is required with a due date-time' });
    checkLookups(taskId, fields, input, lookups, problems);
    if (problems.length > 0) throw new TaskValidationError(problems);
    const attachments = command.data.attachments ?? [];
    return [
      {
        type: 'TaskCreated',
        data: { taskId, ...fields, attachments, previousTaskId: previousTaskId ?? null, createdBy, at },
      },
    ];
  }
  if (state.kind !== 'live') throw new TaskNotFoundError(taskId);
  switch (command.type) {
    case 'UpdateTask': {
      const { patch, lookups } = command.data;
      const problems: FieldProblem[] = [];
      if (patch.workspaceId !== undefined)
        problems.push({ field: 'workspaceId', message: 'cannot change: a task stays in its workspace' });
      const { workspaceId: _w, status, ...rest } = patch;
      const { fields, problems: found } = normalizeFields(rest, state.fields);
      problems.push(...found);
      if (status !== undefined && status !== 'todo' && status !== 'in_progress' && status !== 'cancelled') {
        problems.push({
          field: 'status',
          message: status === 'done' ? 'complete the task to make it done' : 'must be todo, in_progress or cancelled',
        });
      }
      checkLookups(taskId, fields, patch, lookups, problems);
      if (problems.length > 0) throw new TaskValidationError(problems);
      const changes: Record<string, unknown> = {};
      for (const key of Object.keys(fields) as (keyof TaskFields)[])
        if (!sameValue(fields[key], state.fields[key])) changes[key] = fields[key];
      if (status !== undefined && status !== state.status) changes.status = status;
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'TaskUpdated', data: { taskId, changes: changes as TaskUpdated['data']['changes'], at } }];
    }
    case 'CompleteTask': {
      if (state.status === 'done') return [];
      if (state.status === 'cancelled') throw new TaskNotCompletableError(taskId, state.status);
      const { cascade, openSubtaskIds, nextTaskId } = command.data;
      if (openSubtaskIds.length > 0 && !cascade) throw new TaskHasOpenSubtasksError(taskId, openSubtaskIds);
      const due = nextDue(state.fields, at);
      return [
        {
          type: 'TaskCompleted',
          data: {
            taskId,
            workspaceId: state.fields.workspaceId,
            cascade: openSubtaskIds.length > 0,
            next: due ? { taskId: nextTaskId, due } : null,
            at,
          },
        },
      ];
    }
    case 'DeleteTask':
      return [{ type: 'TaskDeleted', data: { taskId, workspaceId: state.fields.workspaceId, at } }];
    case 'AddAttachment': {
      const { attachment, problems } = parseAttachment(command.data.attachment, command.data.attachmentId);
      if (!attachment) throw new TaskValidationError(problems);
      if (state.fields.attachments.some((a) => a.id === attachment.id)) return [];
      if (state.fields.attachments.length >= LIMITS.attachments)
        throw new TooManyAttachmentsError(taskId, LIMITS.attachments);
      return [{ type: 'TaskAttachmentAdded', data: { taskId, attachment, at } }];
    }
    case 'RemoveAttachment': {
      const { attachmentId } = command.data;
      if (!state.fields.attachments.some((a) => a.id === attachmentId))
        throw new AttachmentNotFoundError(taskId, attachmentId);
      return [{ type: 'TaskAttachmentRemoved', data: { taskId, attachmentId, at } }];
    }
  }
}

/** Folds one event into the state; the version counts the events. */
export function evolveTask(state: TaskState, event: TaskEvent): TaskState {
  const version = state.version + 1;
  switch (event.type) {
    case 'TaskCreated': {
      const { taskId, previousTaskId: _p, createdBy: _c, at: _a, ...created } = event.data;
      // Tasks created before custom fields and attachments existed have neither.
      const fields = { ...created, customFields: created.customFields ?? {}, attachments: created.attachments ?? [] };
      return { kind: 'live', taskId, status: 'todo', fields, completedAt: null, next: null, version };
    }
    case 'TaskUpdated': {
      if (state.kind !== 'live') return state;
      const { status, ...changes } = event.data.changes;
      const reopened = status !== undefined && status !== 'cancelled';
      return {
        ...state,
        fields: { ...state.fields, ...changes },
        status: status ?? state.status,
        completedAt: reopened || status === 'cancelled' ? null : state.completedAt,
        version,
      };
    }
    case 'TaskCompleted':
      return state.kind === 'live'
        ? { ...state, status: 'done', completedAt: event.data.at, next: event.data.next, version }
        : state;
    case 'TaskDeleted':
      return { kind: 'deleted', taskId: event.data.taskId, version };
    case 'TaskAttachmentAdded':
      if (state.kind !== 'live') return state;
      return {
        ...state,
        fields: { ...state.fields, attachments: [...state.fields.attachments, event.data.attachment] },
        version,
      };
    case 'TaskAttachmentRemoved':
      if (state.kind !== 'live') return state;
      return {
        ...state,
        fields: {
          ...state.fields,
          attachments: state.fields.attachments.filter((a) => a.id !== event.data.attachmentId),
        },
        version,
      };
  }
}

export const initialTaskState = (): TaskState => ({ kind: 'absent', version: 0 });

/** The Task decider (emmett-style): `decide(command, state) → events`, `evolve`, `initialState`. */
export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
  decide: decideTask,
  evolve: evolveTask,
  initialState: initialTaskState,
};

/**
 * The CreateTask command for the occurrence a completion spawned (same fields, the new due, status todo),
 * or null when there is none. The use case runs it on the `next.taskId` stream; as that id is fixed by
 * the completion, a retry finds the task there already (TaskAlreadyExistsError) and creates nothing.
 */
export function spawnNextOccurrence(
  state: TaskState,
  completed: Extract<TaskEvent, { type: 'TaskCompleted' }>,
  createdBy: string,
): TaskCommand | null {
  if (state.kind !== 'live' || !completed.data.next) return null;
  const {
    workspaceId,
    title,
    description,
    priority,
    tags,
    timeZone,
    estimatedMinutes,
    assigneeId,
    parentId,
    recurrence,
    reminders,
    customFields,
    attachments,
  } = state.fields;
  const due = completed.data.next.due;
  const input = {
    workspaceId,
    title,
    description,
    priority,
    tags,
    timeZone,
    estimatedMinutes,
    assigneeId,
    parentId,
    recurrence,
    reminders,
    customFields,
    due: 'date' in due ? due.date : due.dateTime,
  };
  // Assignee and parent were checked when the series was created; the spawned task inherits them.
  const lookups: TaskLookups = {
    assigneeIsMember: true,
    parent: parentId === null ? null : { taskId: parentId, workspaceId, ancestorIds: [] },
  };
  return {
    type: 'CreateTask',
    data: {
      taskId: completed.data.next.taskId,
      now: completed.data.at,
      input,
      createdBy,
      previousTaskId: completed.data.taskId,
      lookups,
      attachments,
    },
  };
}
