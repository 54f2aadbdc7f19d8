/** State of a TasksItem stream: nothing before `TasksItemCreated`. */
export type TasksItemState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly name: string;
      readonly createdAt: string;
    };

/** An existing TasksItem. */
export type ActiveTasksItem = Extract<TasksItemState, { status: 'active' }>;

export const initialTasksItemState = (): TasksItemState => ({ status: 'absent' });
