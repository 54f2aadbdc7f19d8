import type { Decider } from '@archipelago/util-decider';
import { CredentialsItemAlreadyExistsError, InvalidCredentialsItemCommandError } from './credentials-item.errors.js';
import type { CredentialsItemEvent } from './credentials-item.events.js';
import { initialCredentialsItemState, type CredentialsItemState } from './credentials-item.state.js';

/** Commands of the CredentialsItem aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type CredentialsItemCommand = {
  readonly type: 'CreateCredentialsItem';
  readonly data: { readonly itemId: string; readonly name: string; readonly now: string };
};

/** Longest name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;

/**
 * Decides the events of a CredentialsItem command.
 * - CreateCredentialsItem: a new stream; the name, trimmed, is 1–200 characters.
 * @throws CredentialsItemAlreadyExistsError, InvalidCredentialsItemCommandError
 */
export function decideCredentialsItem(
  command: CredentialsItemCommand,
  state: CredentialsItemState,
): CredentialsItemEvent[] {
  switch (command.type) {
    case 'CreateCredentialsItem': {
      const { itemId, now } = command.data;
      if (state.status !== 'absent') throw new CredentialsItemAlreadyExistsError(itemId);
      const name = command.data.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidCredentialsItemCommandError(`name must be 1–${MAX_NAME_LENGTH} characters`);
      }
      return [{ type: 'CredentialsItemCreated', data: { itemId, name, at: now } }];
    }
  }
}

/** Folds one CredentialsItem event into the state. */
export function evolveCredentialsItem(state: CredentialsItemState, event: CredentialsItemEvent): CredentialsItemState {
  switch (event.type) {
    case 'CredentialsItemCreated':
      return { status: 'active', id: event.data.itemId, name: event.data.name, createdAt: event.data.at };
  }
}

/** The CredentialsItem decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const credentialsItemDecider: Decider<CredentialsItemCommand, CredentialsItemEvent, CredentialsItemState> = {
  decide: decideCredentialsItem,
  evolve: evolveCredentialsItem,
  initialState: initialCredentialsItemState,
};
