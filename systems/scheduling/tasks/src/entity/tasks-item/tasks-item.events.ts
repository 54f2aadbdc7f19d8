/** A TasksItem was created (the first event of its stream). */
export interface TasksItemCreated {
  readonly type: 'TasksItemCreated';
  readonly data: {
    readonly itemId: string;
    readonly name: string;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Every domain event of the TasksItem aggregate. */
export type TasksItemEvent = TasksItemCreated;
