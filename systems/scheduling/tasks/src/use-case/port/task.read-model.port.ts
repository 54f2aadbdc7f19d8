import type { TaskFields, TaskStatus } from '../../entity/task/task.model.js';

/** A task as the query side shows it (the `task_list` read model). */
export interface TaskView extends TaskFields {
  readonly id: string;
  readonly status: TaskStatus;
  /** Events applied to the task so far (the version a write answered with). */
  readonly version: number;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One page of a keyset-paginated list; `nextCursor` is opaque, `null` on the last page. */
export interface TaskPage {
  readonly items: readonly TaskView[];
  readonly nextCursor: string | null;
}

/** Filters of `GET /scheduling/v1/tasks` (all optional, ANDed). */
export interface TaskFilter extends TaskDueFilter {
  readonly workspaceId: string;
  readonly status?: TaskStatus;
  readonly priority?: number;
  readonly tag?: string;
  readonly parentId?: string;
  /** `cf.<key>=<value>`: tasks whose custom field `key` is `value` (a string, or a number/boolean written so). */
  readonly customFields?: Readonly<Record<string, string>>;
}

/**
 * Filters by assignee, due and text. Days are calendar days in `timeZone` (the caller's IANA zone):
 * a task due on a date is due that whole day; one due at a local date-time in its own zone is due at
 * that instant, whose day in `timeZone` counts.
 */
export interface TaskDueFilter {
  readonly assigneeId?: string;
  /** `YYYY-MM-DD`: due strictly before this day. */
  readonly dueBefore?: string;
  /** `YYYY-MM-DD`: due strictly after this day. */
  readonly dueAfter?: string;
  /** Due today (in `timeZone`). */
  readonly dueToday?: boolean;
  /** Open (todo, in progress) and past due: a date-time before now, a date before today. */
  readonly overdue?: boolean;
  /** Full-text query on title and description (PostgreSQL `websearch_to_tsquery`, `simple` dictionary). */
  readonly q?: string;
  /** The caller's IANA time zone for the day-based filters (default UTC). */
  readonly timeZone?: string;
}

/** Thrown for a cursor this service did not hand out (400). */
export class InvalidCursorError extends Error {
  readonly code = 'PAGINATION.INVALID_CURSOR';
  constructor() {
    super('cursor is not valid');
  }
}

/** The task list projection (eventually consistent with the event store). */
export interface TaskReadModelPort {
  /** The task as projected, or null when the projection has no such task (absent, deleted or not there yet). */
  get(taskId: string): Promise<TaskView | null>;
  /** Tasks of a workspace in creation order. @throws InvalidCursorError */
  list(filter: TaskFilter, limit: number, cursor?: string): Promise<TaskPage>;
  /**
   * Open tasks (todo, in progress) of a workspace in work order: highest priority first, then earliest
   * due (a due date is due by the end of that day in the task's zone; no due last), then creation order.
   */
  next(workspaceId: string, limit: number): Promise<TaskView[]>;
  /** Asks the projection to catch up now (after a write), without waiting. */
  refresh(): void;
}

export const TASK_READ_MODEL = Symbol('TaskReadModelPort');
