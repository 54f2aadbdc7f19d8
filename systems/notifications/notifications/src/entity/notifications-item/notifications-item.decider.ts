import type { Decider } from '@archipelago/util-decider';
import {
  NotificationsItemAlreadyExistsError,
  InvalidNotificationsItemCommandError,
} from './notifications-item.errors.js';
import type { NotificationsItemEvent } from './notifications-item.events.js';
import { initialNotificationsItemState, type NotificationsItemState } from './notifications-item.state.js';

/** Commands of the NotificationsItem aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type NotificationsItemCommand = {
  readonly type: 'CreateNotificationsItem';
  readonly data: { readonly itemId: string; readonly name: string; readonly now: string };
};

/** Longest name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;

/**
 * Decides the events of a NotificationsItem command.
 * - CreateNotificationsItem: a new stream; the name, trimmed, is 1–200 characters.
 * @throws NotificationsItemAlreadyExistsError, InvalidNotificationsItemCommandError
 */
export function decideNotificationsItem(
  command: NotificationsItemCommand,
  state: NotificationsItemState,
): NotificationsItemEvent[] {
  switch (command.type) {
    case 'CreateNotificationsItem': {
      const { itemId, now } = command.data;
      if (state.status !== 'absent') throw new NotificationsItemAlreadyExistsError(itemId);
      const name = command.data.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidNotificationsItemCommandError(`name must be 1–${MAX_NAME_LENGTH} characters`);
      }
      return [{ type: 'NotificationsItemCreated', data: { itemId, name, at: now } }];
    }
  }
}

/** Folds one NotificationsItem event into the state. */
export function evolveNotificationsItem(
  state: NotificationsItemState,
  event: NotificationsItemEvent,
): NotificationsItemState {
  switch (event.type) {
    case 'NotificationsItemCreated':
      return { status: 'active', id: event.data.itemId, name: event.data.name, createdAt: event.data.at };
  }
}

/** The NotificationsItem decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const notificationsItemDecider: Decider<
  NotificationsItemCommand,
  NotificationsItemEvent,
  NotificationsItemState
> = {
  decide: decideNotificationsItem,
  evolve: evolveNotificationsItem,
  initialState: initialNotificationsItemState,
};
