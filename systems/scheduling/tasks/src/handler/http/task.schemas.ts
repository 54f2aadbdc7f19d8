import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';
import { CUSTOM_FIELD_KEY, LIMITS, MEDIA_TYPE } from '../../entity/task/task.model.js';

// What the Task decider refuses that JSON Schema can say, said in the documents so that a schema-valid
// body is refused only for reasons that depend on data or on other fields (a due date-time needs
// timeZone, an RRULE or a relative reminder needs a due, a zone name the runtime knows, an assignee who
// is a member, a parent that exists). The decider still validates every field (400 by field,
// `details.problems`); these schemas document it. ASCII classes ([0-9]) so every regex engine agrees.

/** A date `YYYY-MM-DD` or a local date-time `YYYY-MM-DDTHH:mm[:ss]`. */
const LOCAL_POINT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$/;
/** An RFC 3339 instant with `Z` or an offset. */
const INSTANT =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})$/;
/** An RFC 5545 DURATION (§3.3.6): weeks, or days and/or a time part; not empty. */
const DURATION = /^[+-]?P(?!$)(?:[0-9]+W|(?:[0-9]+D)?(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$/;

const reminders = z
  .array(
    z.union([
      z.strictObject({
        offset: z.string().max(40).regex(DURATION).describe('RFC 5545 duration before the due, e.g. -PT15M or -P1D'),
      }),
      z.strictObject({ at: z.string().regex(INSTANT).describe('RFC 3339 instant') }),
    ]),
  )
  .max(10)
  .describe(
    'At most 10: [{ offset: "-PT15M" } | { at }]; a relative one needs a due. Absent on create: your default reminders in the workspace',
  );
const recurrence = z
  .union([
    z.strictObject({
      rrule: z.string().min(1).max(1000).describe('RFC 5545 RRULE on the schedule, anchored at the due (needs a due)'),
    }),
    z.strictObject({
      afterCompletion: z.strictObject({
        every: z.number().int().min(1).max(365),
        unit: z.enum(['day', 'week', 'month']),
      }),
    }),
  ])
  .describe('{ rrule } or { afterCompletion: { every, unit: day|week|month } }');
/** A custom field value: string (a date as YYYY-MM-DD), number or boolean. */
const customFieldValue = z.union([z.string().max(LIMITS.customFieldValue), z.number(), z.boolean()]);
const customFields = z
  .record(z.string().regex(CUSTOM_FIELD_KEY), customFieldValue.nullable())
  .meta({ maxProperties: LIMITS.customFields })
  .describe(
    `A small typed map, at most ${LIMITS.customFields} keys ([A-Za-z][A-Za-z0-9_-]{0,39}) of string (≤ ${LIMITS.customFieldValue} characters; a date as YYYY-MM-DD), number or boolean. A merge patch (RFC 7396): a key set to null is removed, null removes them all.`,
  );
const fields = {
  title: z.string().trim().min(1).max(500).describe('1–500 characters'),
  description: z.string().max(10_000).nullable().optional(),
  priority: z.number().int().min(1).max(4).nullable().optional().describe('1 (highest) to 4 (default); null: 4'),
  tags: z
    .array(z.string().trim().min(1).max(40).describe('1–40 printable characters (no control characters)'))
    .max(20)
    .nullable()
    .optional(),
  due: z
    .string()
    .regex(LOCAL_POINT)
    .nullable()
    .optional()
    .describe('A date (2026-03-10) or a local date-time (2026-03-10T17:00:00) in timeZone (then timeZone is needed)'),
  timeZone: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/)
    .optional()
    .describe('IANA time zone name, e.g. Europe/Berlin (an unknown one: 400)'),
  estimatedMinutes: z.number().int().min(1).max(100_000).nullable().optional(),
  assigneeId: z.string().min(1).max(64).nullable().optional().describe('A member of the workspace'),
  parentId: z.string().min(1).max(64).nullable().optional().describe('A task of the same workspace'),
  recurrence: recurrence.nullable().optional(),
  reminders: reminders.nullable().optional(),
  customFields: customFields.nullable().optional(),
};

/** Documents the body of `POST /scheduling/v1/tasks`; the Task decider validates it by field. */
export const taskBodyDoc = z
  .strictObject({
    workspaceId: z.string().min(1).max(64).optional().describe('Workspace; the caller’s personal one when left out'),
    ...fields,
  })
  .meta({
    id: 'TaskInput',
    examples: [
      { title: 'Write the report', priority: 2, due: '2026-03-10', customFields: { client: 'ACME', hours: 3 } },
    ],
  });

/** Documents the body of `PATCH /scheduling/v1/tasks/{id}` (RFC 7396): absent keeps, null clears. */
export const taskPatchDoc = z
  .strictObject({
    ...fields,
    title: fields.title.optional(),
    status: z
      .enum(['todo', 'in_progress', 'cancelled'])
      .optional()
      .describe('done only by completing (POST …/complete)'),
  })
  .meta({ id: 'TaskPatch', examples: [{ priority: 1, status: 'in_progress' }] });
/** What the route accepts: any JSON object (the decider validates the fields). */
export const taskBody = z
  .record(z.string(), z.unknown())
  .meta({ examples: [{ title: 'Write the report', priority: 2, due: '2026-03-10' }] });
/** The body as the decider receives it. */
export type TaskBody = Readonly<Record<string, unknown>>;

export const taskIdParams = z.object({ id: z.uuid('must be a UUID') });

/** Documents and checks the body of `POST /scheduling/v1/tasks/{id}/attachments` (the decider checks the URL's scheme and host). */
export const attachmentBody = z
  .strictObject({
    name: z.string().trim().min(1).max(LIMITS.attachmentName).describe('File name, 1–255 printable characters'),
    mediaType: z
      .string()
      .max(LIMITS.mediaType)
      .regex(MEDIA_TYPE)
      .describe('RFC 6838 media type, e.g. application/pdf or text/plain; charset=utf-8'),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Size in bytes'),
    url: z
      .string()
      .max(LIMITS.url)
      .regex(/^https?:\/\/\S+$/)
      .describe('Where the file is: https (http only for localhost), no user or password; never fetched'),
  })
  .meta({
    id: 'AttachmentInput',
    examples: [
      { name: 'report.pdf', mediaType: 'application/pdf', size: 48213, url: 'https://files.example.com/report.pdf' },
    ],
  });

/** An attachment as answered, with the task's version after the write. */
export const attachmentDto = z
  .object({
    id: z.uuid(),
    taskId: z.uuid(),
    version: z.number().int().describe('The task’s version after the write'),
    name: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    url: z.string(),
  })
  .meta({
    id: 'Attachment',
    examples: [
      {
        id: '0b5d7f1e-2c3a-4d6b-8e9f-a1b2c3d4e5f6',
        taskId: '6b1f3c2a-8d4e-4f5a-9b0c-1d2e3f4a5b6c',
        version: 2,
        name: 'report.pdf',
        mediaType: 'application/pdf',
        size: 48213,
        url: 'https://files.example.com/report.pdf',
      },
    ],
  });

export const attachmentParams = z.object({
  id: z.uuid('must be a UUID'),
  attachmentId: z.uuid('must be a UUID'),
});

export const getTaskQuery = z.object({
  minVersion: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Wait up to 2 s for the query side to reach this version'),
});

export const completeTaskQuery = z.object({
  cascade: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** `true` / `false` in a query string (z.coerce.boolean would read "false" as true). */
const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Canonical IANA time zone names (the runtime's ICU list, which the database knows too), and UTC. */
const TIME_ZONES = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])] as [string, ...string[]];

export const listTasksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
  status: z.enum(['todo', 'in_progress', 'done', 'cancelled']).optional(),
  priority: z.coerce.number().int().min(1).max(4).optional(),
  tag: z.string().min(1).max(40).optional(),
  parentId: z.uuid().optional(),
  workspaceId: z.string().min(1).max(250).optional().describe('Workspace (a member’s); personal when left out'),
  assigneeId: z.uuid().optional().describe('Only tasks assigned to this user'),
  dueBefore: z.iso.date().optional().describe('Only tasks due before this day (YYYY-MM-DD, in timeZone)'),
  dueAfter: z.iso.date().optional().describe('Only tasks due after this day (YYYY-MM-DD, in timeZone)'),
  dueToday: booleanParam.optional().describe('true: only tasks due today in timeZone'),
  overdue: booleanParam
    .optional()
    .describe(
      'true: only open tasks (todo, in progress) whose due has passed — a date once its day is over in timeZone',
    ),
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Full-text search on title and description (words, "phrases", -excluded, or; any language)'),
  timeZone: z
    .enum(TIME_ZONES, { error: 'must be an IANA time zone name, e.g. Europe/Berlin' })
    .default('UTC')
    .describe('The caller’s IANA time zone for dueBefore/dueAfter/dueToday/overdue (default UTC)'),
});
export type ListTasksParams = z.output<typeof listTasksQuery>;

export const taskDto = z
  .looseObject({
    id: z.uuid(),
    version: z.number().int().describe('Events applied so far; pass as minVersion to read your write'),
    workspaceId: z.string(),
    title: z.string(),
    status: z.enum(['todo', 'in_progress', 'done', 'cancelled']),
    priority: z.number().int(),
    customFields: z.record(z.string(), customFieldValue).optional(),
    attachments: z
      .array(
        z.object({ id: z.uuid(), name: z.string(), mediaType: z.string(), size: z.number().int(), url: z.string() }),
      )
      .optional(),
  })
  .meta({
    id: 'Task',
    examples: [
      {
        id: '6b1f3c2a-8d4e-4f5a-9b0c-1d2e3f4a5b6c',
        version: 1,
        workspaceId: 'personal-6b1f3c2a',
        title: 'Write the report',
        status: 'todo',
        priority: 2,
        due: '2026-03-10',
      },
    ],
  });

export const taskPageDto = z.object({ items: z.array(taskDto), nextCursor: z.string().nullable() }).meta({
  id: 'TaskPage',
  examples: [
    {
      items: [
        {
          id: '6b1f3c2a-8d4e-4f5a-9b0c-1d2e3f4a5b6c',
          version: 1,
          workspaceId: 'personal-6b1f3c2a',
          title: 'Write the report',
          status: 'todo',
          priority: 2,
          due: '2026-03-10',
        },
      ],
      nextCursor: null,
    },
  ],
});

export const nextTasksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  workspaceId: z.string().min(1).max(250).optional().describe('Workspace (a member’s); personal when left out'),
});

export const nextTasksDto = z.object({ items: z.array(taskDto) }).meta({
  id: 'NextTasks',
  examples: [
    {
      items: [
        {
          id: '6b1f3c2a-8d4e-4f5a-9b0c-1d2e3f4a5b6c',
          version: 1,
          workspaceId: 'personal-6b1f3c2a',
          title: 'Write the report',
          status: 'todo',
          priority: 2,
          due: '2026-03-10',
        },
      ],
    },
  ],
});
