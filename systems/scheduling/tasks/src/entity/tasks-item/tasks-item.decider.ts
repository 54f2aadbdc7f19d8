import type { Decider } from '@archipelago/util-decider';
import { TasksItemAlreadyExistsError, InvalidTasksItemCommandError } from './tasks-item.errors.js';
import type { TasksItemEvent } from './tasks-item.events.js';
import { initialTasksItemState, type TasksItemState } from './tasks-item.state.js';

/** Commands of the TasksItem aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type TasksItemCommand = {
  readonly type: 'CreateTasksItem';
  readonly data: { readonly itemId: string; readonly name: string; readonly now: string };
};

/** Longest name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;

/**
 * Decides the events of a TasksItem command.
 * - CreateTasksItem: a new stream; the name, trimmed, is 1–200 characters.
 * @throws TasksItemAlreadyExistsError, InvalidTasksItemCommandError
 */
export function decideTasksItem(command: TasksItemCommand, state: TasksItemState): TasksItemEvent[] {
  switch (command.type) {
    case 'CreateTasksItem': {
      const { itemId, now } = command.data;
      if (state.status !== 'absent') throw new TasksItemAlreadyExistsError(itemId);
      const name = command.data.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidTasksItemCommandError(`name must be 1–${MAX_NAME_LENGTH} characters`);
      }
      return [{ type: 'TasksItemCreated', data: { itemId, name, at: now } }];
    }
  }
}

/** Folds one TasksItem event into the state. */
export function evolveTasksItem(state: TasksItemState, event: TasksItemEvent): TasksItemState {
  switch (event.type) {
    case 'TasksItemCreated':
      return { status: 'active', id: event.data.itemId, name: event.data.name, createdAt: event.data.at };
  }
}

/** The TasksItem decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const tasksItemDecider: Decider<TasksItemCommand, TasksItemEvent, TasksItemState> = {
  decide: decideTasksItem,
  evolve: evolveTasksItem,
  initialState: initialTasksItemState,
};
