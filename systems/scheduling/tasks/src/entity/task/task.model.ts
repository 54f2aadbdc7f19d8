import {
  type FieldProblem,
  isValidTimeZone,
  parseDate,
  parseLocalDateTime,
  type Reminder,
  validateReminders,
  validateSchedule,
} from '@archipelago/util-calendar';

/** Workflow status. `done` is reached only by completing; the others by an update. */
export type TaskStatus = 'todo' | 'in_progress' | 'done' | 'cancelled';
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'in_progress', 'done', 'cancelled'];

/** Priority 1 (highest) to 4 (lowest, the default), as in most task apps. */
export type Priority = 1 | 2 | 3 | 4;
export const DEFAULT_PRIORITY: Priority = 4;

/**
 * When a task is due: a calendar date (`{ date: '2026-03-10' }`, due by the end of that day in the
 * task's zone), or a local date-time in an IANA zone (`{ dateTime: '2026-03-10T17:00:00', timeZone }`).
 */
export type Due = { readonly date: string } | { readonly dateTime: string; readonly timeZone: string };

/**
 * How a task repeats: on an RRULE schedule anchored at its due (RFC 5545 §3.3.10; the next occurrence is
 * the first one after both the current due and the completion), or N days/weeks/months after the day it
 * was completed (in the task's zone; months keep the day of month, clamped to the month's last day).
 */
export type TaskRecurrence =
  | { readonly rrule: string }
  | { readonly afterCompletion: { readonly every: number; readonly unit: 'day' | 'week' | 'month' } };

/** The fields a task carries (the TaskCreated payload and what updates change). */
export interface TaskFields {
  readonly workspaceId: string;
  readonly title: string;
  readonly description: string | null;
  readonly priority: Priority;
  readonly tags: readonly string[];
  readonly due: Due | null;
  /** IANA zone for "today", "overdue" and the completion day; the due's zone when it has one. */
  readonly timeZone: string;
  readonly estimatedMinutes: number | null;
  readonly assigneeId: string | null;
  readonly parentId: string | null;
  readonly recurrence: TaskRecurrence | null;
  readonly reminders: readonly Reminder[];
}

export const LIMITS = {
  title: 500,
  description: 10_000,
  tags: 20,
  tag: 40,
  estimatedMinutes: 100_000,
  every: 365,
  depth: 10,
} as const;

/** Fields a create command may set (`workspaceId` and `title` required). */
export type TaskInput = { readonly [K in keyof TaskFields]?: unknown };

const isString = (v: unknown): v is string => typeof v === 'string';

function normalizeTags(value: unknown, problems: FieldProblem[]): readonly string[] {
  if (!Array.isArray(value)) {
    problems.push({ field: 'tags', message: 'must be a list of strings' });
    return [];
  }
  if (value.length > LIMITS.tags) problems.push({ field: 'tags', message: `at most ${LIMITS.tags} tags` });
  const tags: string[] = [];
  value.forEach((tag: unknown, i) => {
    const t = isString(tag) ? tag.trim() : '';
    if (t.length === 0 || t.length > LIMITS.tag || [...t].some((c) => c.charCodeAt(0) < 0x20))
      problems.push({ field: `tags/${i}`, message: `must be 1..${LIMITS.tag} printable characters` });
    else if (!tags.includes(t)) tags.push(t);
  });
  return tags;
}

/**
 * Reads `due` (`YYYY-MM-DD`, or a local `YYYY-MM-DDTHH:mm[:ss]` that then needs `timeZone`) into a {@link Due}.
 * @returns undefined (with a problem pushed) when invalid
 */
export function parseDue(due: unknown, timeZone: string, problems: FieldProblem[]): Due | null | undefined {
  if (due === null) return null;
  const date = parseDate(due);
  if (date) return { date: date.toString() };
  const local = parseLocalDateTime(due);
  if (local) return { dateTime: local.toString({ smallestUnit: 'second' }), timeZone };
  problems.push({
    field: 'due',
    message: 'must be a date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:mm[:ss] (with timeZone)',
  });
  return undefined;
}

function parseRecurrence(
  value: unknown,
  due: Due | null,
  timeZone: string,
  problems: FieldProblem[],
): TaskRecurrence | null {
  if (value === null) return null;
  const v = value as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    Array.isArray(v) ||
    'rrule' in v === 'afterCompletion' in v ||
    Object.keys(v).length !== 1
  ) {
    problems.push({ field: 'recurrence', message: 'must be { rrule } or { afterCompletion: { every, unit } }' });
    return null;
  }
  if ('rrule' in v) {
    if (!due) {
      problems.push({ field: 'recurrence/rrule', message: 'a scheduled recurrence needs a due date to start from' });
      return null;
    }
    const found = validateSchedule(scheduleOf(due, timeZone, String(v.rrule)));
    for (const p of found)
      problems.push({ field: p.field === 'rrule' ? 'recurrence/rrule' : p.field, message: p.message });
    return isString(v.rrule) ? { rrule: v.rrule } : null;
  }
  const a = v.afterCompletion as Record<string, unknown> | null;
  const every = a?.every;
  const unit = a?.unit;
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1 || every > LIMITS.every) {
    problems.push({ field: 'recurrence/afterCompletion/every', message: `must be an integer 1..${LIMITS.every}` });
  }
  if (unit !== 'day' && unit !== 'week' && unit !== 'month')
    problems.push({ field: 'recurrence/afterCompletion/unit', message: 'must be day, week or month' });
  return { afterCompletion: { every: every as number, unit: unit as 'day' } };
}

/** The schedule a due plus RRULE describe: all-day for a date, a one-minute slot for a date-time. */
export function scheduleOf(due: Due, timeZone: string, rrule: string) {
  if ('date' in due) {
    const next = parseDate(due.date)!.add({ days: 1 }).toString();
    return { timeZone, allDay: true, start: due.date, end: next, rrule };
  }
  const end = parseLocalDateTime(due.dateTime)!.add({ minutes: 1 }).toString();
  return { timeZone: due.timeZone, allDay: false, start: due.dateTime, end, rrule };
}

/**
 * Validates and normalizes task fields, all problems at once. `current` holds the fields not given
 * (for a patch: the task's present values; for a create: the defaults). Unknown keys are problems.
 * @returns the full, normalized fields, and the problems (empty when valid)
 */
export function normalizeFields(
  input: Readonly<Record<string, unknown>>,
  current: TaskFields,
): { fields: TaskFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const known = new Set([
    'workspaceId',
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
  ]);
  for (const key of Object.keys(input))
    if (!known.has(key)) problems.push({ field: key, message: 'is not a task field' });
  const has = (k: string) => Object.hasOwn(input, k) && input[k] !== undefined;
  let { title, description, priority, tags, timeZone, estimatedMinutes, assigneeId, parentId, reminders } = current;
  const { workspaceId } = current;

  if (has('title')) {
    const t = isString(input.title) ? input.title.trim() : '';
    if (t.length === 0 || t.length > LIMITS.title)
      problems.push({ field: 'title', message: `must be 1..${LIMITS.title} characters` });
    else title = t;
  }
  if (has('description')) {
    if (input.description === null) description = null;
    else if (!isString(input.description) || input.description.length > LIMITS.description)
      problems.push({
        field: 'description',
        message: `must be a string of at most ${LIMITS.description} characters, or null`,
      });
    else description = input.description;
  }
  if (has('priority')) {
    const p = input.priority;
    if (p === null) priority = DEFAULT_PRIORITY;
    else if (p === 1 || p === 2 || p === 3 || p === 4) priority = p;
    else problems.push({ field: 'priority', message: 'must be 1 (highest), 2, 3 or 4 (lowest)' });
  }
  if (has('tags')) tags = input.tags === null ? [] : normalizeTags(input.tags, problems);
  if (has('timeZone')) {
    if (!isString(input.timeZone) || !isValidTimeZone(input.timeZone))
      problems.push({ field: 'timeZone', message: 'must be an IANA time zone name, e.g. Europe/Berlin' });
    else timeZone = input.timeZone;
  }
  let due = current.due;
  if (has('due')) due = parseDue(input.due, timeZone, problems) ?? null;
  // A due date-time is a wall time in the task's zone: changing the zone keeps the wall time.
  if (due && 'dateTime' in due) due = { dateTime: due.dateTime, timeZone };
  if (has('estimatedMinutes')) {
    const m = input.estimatedMinutes;
    if (m === null) estimatedMinutes = null;
    else if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > LIMITS.estimatedMinutes)
      problems.push({
        field: 'estimatedMinutes',
        message: `must be an integer 1..${LIMITS.estimatedMinutes}, or null`,
      });
    else estimatedMinutes = m;
  }
  for (const key of ['assigneeId', 'parentId'] as const) {
    if (!has(key)) continue;
    const v = input[key];
    if (v !== null && (!isString(v) || v.length === 0 || v.length > 64))
      problems.push({ field: key, message: 'must be an id or null' });
    else if (key === 'assigneeId') assigneeId = v as string | null;
    else parentId = v as string | null;
  }
  let recurrence = current.recurrence;
  if (has('recurrence')) recurrence = parseRecurrence(input.recurrence, due, timeZone, problems);
  else if (recurrence && 'rrule' in recurrence && (has('due') || has('timeZone'))) {
    if (!due) problems.push({ field: 'due', message: 'a task with a scheduled recurrence needs a due date' });
    else parseRecurrence(recurrence, due, timeZone, problems);
  }
  if (has('reminders')) {
    const found = validateReminders(input.reminders);
    problems.push(...found);
    if (found.length === 0) reminders = (input.reminders ?? []) as readonly Reminder[];
  }
  if (reminders.some((r) => 'offset' in r) && !due)
    problems.push({ field: 'reminders', message: 'a relative reminder needs a due date' });
  return {
    fields: {
      workspaceId,
      title,
      description,
      priority,
      tags,
      due,
      timeZone,
      estimatedMinutes,
      assigneeId,
      parentId,
      recurrence,
      reminders,
    },
    problems,
  };
}
