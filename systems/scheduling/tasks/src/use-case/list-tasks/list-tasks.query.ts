import type { TaskStatus } from '../../entity/task/task.model.js';
import type { TaskDueFilter } from '../port/task.read-model.port.js';

/** One page of the caller's tasks in creation order; `limit` 1–100, `cursor` from the previous page. */
export class ListTasksQuery {
  constructor(
    readonly actorId: string,
    readonly filter: {
      readonly status?: TaskStatus;
      readonly priority?: number;
      readonly tag?: string;
      readonly parentId?: string;
      /** The workspace (the caller's personal one when left out); the caller must be a member. */
      readonly workspaceId?: string;
      /** `cf.<key>=<value>` filters. */
      readonly customFields?: Readonly<Record<string, string>>;
    } & TaskDueFilter,
    readonly limit: number,
    readonly cursor?: string,
  ) {}
}
