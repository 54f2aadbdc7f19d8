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
  /** A small typed map (see {@link CustomFieldValue}); `{}` when none (and for tasks created before it existed). */
  readonly customFields: Readonly<Record<string, CustomFieldValue>>;
  /** Files the task refers to, as metadata only (the files are stored elsewhere); `[]` when none. */
  readonly attachments: readonly Attachment[];
}

/**
 * A custom field's value: a string (≤ 500 characters; a date is written `YYYY-MM-DD`), a number (a
 * JSON number) or a boolean. A key matches {@link CUSTOM_FIELD_KEY}, so that it fits `?cf.<key>=` in
 * a query string.
 */
export type CustomFieldValue = string | number | boolean;

/** `[A-Za-z][A-Za-z0-9_-]{0,39}`: a letter, then up to 39 letters, digits, `_` or `-`. */
export const CUSTOM_FIELD_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/**
 * A file the task refers to, as metadata (issue 16 §3: storing files is out of scope; the URL is
 * never fetched). `id` is given by the service when the attachment is added.
 */
export interface Attachment {
  readonly id: string;
  /** File name shown to users, 1–255 characters. */
  readonly name: string;
  /** RFC 6838 media type, `type/subtype[; parameter=value]`, type and subtype lower-cased. */
  readonly mediaType: string;
  /** Size in bytes, an integer 0..2^53−1. */
  readonly size: number;
  /** Where the file is: an absolute `https` URL (`http` only for localhost), no user or password. */
  readonly url: string;
}

export const LIMITS = {
  title: 500,
  description: 10_000,
  tags: 20,
  tag: 40,
  estimatedMinutes: 100_000,
  every: 365,
  depth: 10,
  customFields: 50,
  customFieldValue: 500,
  attachments: 20,
  attachmentName: 255,
  mediaType: 400,
  url: 2048,
} as const;

/** RFC 6838 §4.2 restricted-name: a letter or digit, then up to 126 of `A-Za-z0-9!#$&^_.+-`. */
const RESTRICTED_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
/** `type/subtype` (RFC 6838 §4.2) and optional `; name=value` parameters (RFC 9110 §8.3.1). */
export const MEDIA_TYPE = new RegExp(
  `^${RESTRICTED_NAME}/${RESTRICTED_NAME}(?:[ \\t]*;[ \\t]*${RESTRICTED_NAME}=(?:[A-Za-z0-9!#$%&'*+.^_\`|~-]+|"[^"\\\\]*"))*$`,
);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads a custom field map: keys per {@link CUSTOM_FIELD_KEY}, values per {@link CustomFieldValue},
 * at most 50 keys. `base` is the map it merges into (RFC 7396: a key set to null is removed).
 * @returns the merged map (undefined when a problem was pushed)
 */
export function mergeCustomFields(
  value: unknown,
  base: Readonly<Record<string, CustomFieldValue>>,
  problems: FieldProblem[],
): Readonly<Record<string, CustomFieldValue>> | undefined {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: 'customFields', message: 'must be an object of key: string | number | boolean | null' });
    return undefined;
  }
  const merged: Record<string, CustomFieldValue> = { ...base };
  const before = problems.length;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = `customFields/${key}`;
    if (!CUSTOM_FIELD_KEY.test(key))
      problems.push({ field, message: 'key must be a letter then up to 39 letters, digits, _ or -' });
    else if (v === null) delete merged[key];
    else if (typeof v === 'string' && v.length > LIMITS.customFieldValue)
      problems.push({ field, message: `a string value has at most ${LIMITS.customFieldValue} characters` });
    else if (typeof v === 'number' && !Number.isFinite(v)) problems.push({ field, message: 'must be a finite number' });
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') merged[key] = v;
    else problems.push({ field, message: 'must be a string, number, boolean or null (removes the key)' });
  }
  if (Object.keys(merged).length > LIMITS.customFields)
    problems.push({ field: 'customFields', message: `at most ${LIMITS.customFields} keys` });
  if (problems.length > before) return undefined;
  // Keys in a stable (sorted) order, so that an unchanged map compares equal.
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Validates an attachment's metadata (its `id` comes from the service). The URL must be an absolute
 * `https` URL — `http` only for localhost, 127.0.0.1 or [::1] (local development): the link is shown
 * to every member and opened in their browsers, so a plain-http link elsewhere could be read or
 * changed on the way. No user or password in the URL (they would be shown to every member). The URL
 * is never fetched (no server-side request forgery).
 * @returns the normalized attachment (media type lower-cased, name trimmed), and the problems
 */
export function parseAttachment(
  input: unknown,
  id: string,
): { attachment: Attachment | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ field: 'attachment', message: 'must be an object { name, mediaType, size, url }' });
    return { attachment: null, problems };
  }
  const v = input as Record<string, unknown>;
  for (const key of Object.keys(v))
    if (!['name', 'mediaType', 'size', 'url'].includes(key))
      problems.push({ field: key, message: 'is not an attachment field' });
  const name = isString(v.name) ? v.name.trim() : '';
  if (name.length === 0 || name.length > LIMITS.attachmentName || [...name].some((c) => c.charCodeAt(0) < 0x20))
    problems.push({ field: 'name', message: `must be 1..${LIMITS.attachmentName} printable characters` });
  const mediaType = isString(v.mediaType) ? v.mediaType : '';
  if (mediaType.length > LIMITS.mediaType || !MEDIA_TYPE.test(mediaType))
    problems.push({ field: 'mediaType', message: 'must be an RFC 6838 media type, e.g. application/pdf' });
  const size = v.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    problems.push({ field: 'size', message: 'must be the size in bytes, an integer ≥ 0' });
  const url = isString(v.url) && v.url.length <= LIMITS.url && URL.canParse(v.url) ? new URL(v.url) : null;
  if (url === null)
    problems.push({ field: 'url', message: `must be an absolute URL of at most ${LIMITS.url} characters` });
  else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))
    problems.push({ field: 'url', message: 'must be https (http only for localhost)' });
  else if (url.username !== '' || url.password !== '')
    problems.push({ field: 'url', message: 'must not carry a user name or password' });
  if (problems.length > 0) return { attachment: null, problems };
  const semi = mediaType.indexOf(';');
  const essence = (semi < 0 ? mediaType : mediaType.slice(0, semi)).toLowerCase().trimEnd();
  return {
    attachment: {
      id,
      name,
      mediaType: essence + (semi < 0 ? '' : mediaType.slice(semi)),
      size: size as number,
      url: url!.href,
    },
    problems,
  };
}

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
    'customFields',
  ]);
  for (const key of Object.keys(input))
    if (key === 'attachments')
      problems.push({
        field: key,
        message:
          'add one with POST /scheduling/v1/tasks/{id}/attachments, remove one with DELETE …/attachments/{attachmentId}',
      });
    else if (!known.has(key)) problems.push({ field: key, message: 'is not a task field' });
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
  let customFields = current.customFields;
  if (has('customFields')) customFields = mergeCustomFields(input.customFields, customFields, problems) ?? customFields;
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
      customFields,
      attachments: current.attachments,
    },
    problems,
  };
}
