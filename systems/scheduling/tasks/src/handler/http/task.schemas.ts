import { keysetCursorParam } from '@archipelago/platform-service-kit';
import { z } from 'zod';

/**
 * A task body as JSON: any object reaches the Task decider, which validates every field and answers
 * 400 with all problems by field (`details.problems`). The properties below document the shape.
 */
export const taskBodyDoc = z
  .looseObject({
    workspaceId: z.string().optional().describe('Workspace; the caller’s personal one when left out'),
    title: z.string().optional().describe('1–500 characters; required on create'),
    description: z.string().nullable().optional(),
    priority: z.number().int().min(1).max(4).nullable().optional().describe('1 (highest) to 4 (default)'),
    tags: z.array(z.string()).nullable().optional(),
    due: z
      .string()
      .nullable()
      .optional()
      .describe('A date (2026-03-10) or a local date-time (2026-03-10T17:00:00) in timeZone'),
    timeZone: z.string().optional().describe('IANA time zone'),
    estimatedMinutes: z.number().int().nullable().optional(),
    assigneeId: z.string().nullable().optional(),
    parentId: z.string().nullable().optional(),
    recurrence: z.unknown().optional().describe('{ rrule } or { afterCompletion: { every, unit: day|week|month } }'),
    reminders: z.array(z.unknown()).nullable().optional().describe('[{ offset: "-PT15M" } | { at }]'),
    status: z.enum(['todo', 'in_progress', 'cancelled']).optional().describe('PATCH only'),
  })
  .meta({ id: 'TaskInput', examples: [{ title: 'Write the report', priority: 2, due: '2026-03-10' }] });
/** What the route accepts: any JSON object (the decider validates the fields). */
export const taskBody = z
  .record(z.string(), z.unknown())
  .meta({ examples: [{ title: 'Write the report', priority: 2, due: '2026-03-10' }] });
/** The body as the decider receives it. */
export type TaskBody = Readonly<Record<string, unknown>>;

export const taskIdParams = z.object({ id: z.uuid('must be a UUID') });

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

export const listTasksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: keysetCursorParam.optional(),
  status: z.enum(['todo', 'in_progress', 'done', 'cancelled']).optional(),
  priority: z.coerce.number().int().min(1).max(4).optional(),
  tag: z.string().min(1).max(40).optional(),
  parentId: z.uuid().optional(),
  workspaceId: z.string().min(1).max(250).optional().describe('Workspace (a member’s); personal when left out'),
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
