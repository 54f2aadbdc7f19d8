import type { Decider } from '@archipelago/util-decider';
import { RegistryItemAlreadyExistsError, InvalidRegistryItemCommandError } from './registry-item.errors.js';
import type { RegistryItemEvent } from './registry-item.events.js';
import { initialRegistryItemState, type RegistryItemState } from './registry-item.state.js';

/** Commands of the RegistryItem aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type RegistryItemCommand = {
  readonly type: 'CreateRegistryItem';
  readonly data: { readonly itemId: string; readonly name: string; readonly now: string };
};

/** Longest name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;

/**
 * Decides the events of a RegistryItem command.
 * - CreateRegistryItem: a new stream; the name, trimmed, is 1–200 characters.
 * @throws RegistryItemAlreadyExistsError, InvalidRegistryItemCommandError
 */
export function decideRegistryItem(command: RegistryItemCommand, state: RegistryItemState): RegistryItemEvent[] {
  switch (command.type) {
    case 'CreateRegistryItem': {
      const { itemId, now } = command.data;
      if (state.status !== 'absent') throw new RegistryItemAlreadyExistsError(itemId);
      const name = command.data.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidRegistryItemCommandError(`name must be 1–${MAX_NAME_LENGTH} characters`);
      }
      return [{ type: 'RegistryItemCreated', data: { itemId, name, at: now } }];
    }
  }
}

/** Folds one RegistryItem event into the state. */
export function evolveRegistryItem(state: RegistryItemState, event: RegistryItemEvent): RegistryItemState {
  switch (event.type) {
    case 'RegistryItemCreated':
      return { status: 'active', id: event.data.itemId, name: event.data.name, createdAt: event.data.at };
  }
}

/** The RegistryItem decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const registryItemDecider: Decider<RegistryItemCommand, RegistryItemEvent, RegistryItemState> = {
  decide: decideRegistryItem,
  evolve: evolveRegistryItem,
  initialState: initialRegistryItemState,
};
