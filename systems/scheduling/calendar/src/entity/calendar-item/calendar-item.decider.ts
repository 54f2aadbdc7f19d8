import type { Decider } from '@archipelago/util-decider';
import { CalendarItemAlreadyExistsError, InvalidCalendarItemCommandError } from './calendar-item.errors.js';
import type { CalendarItemEvent } from './calendar-item.events.js';
import { initialCalendarItemState, type CalendarItemState } from './calendar-item.state.js';

/** Commands of the CalendarItem aggregate. `now` (ISO 8601) comes from outside: decide stays pure. */
export type CalendarItemCommand = {
  readonly type: 'CreateCalendarItem';
  readonly data: { readonly itemId: string; readonly name: string; readonly now: string };
};

/** Longest name, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 200;

/**
 * Decides the events of a CalendarItem command.
 * - CreateCalendarItem: a new stream; the name, trimmed, is 1–200 characters.
 * @throws CalendarItemAlreadyExistsError, InvalidCalendarItemCommandError
 */
export function decideCalendarItem(command: CalendarItemCommand, state: CalendarItemState): CalendarItemEvent[] {
  switch (command.type) {
    case 'CreateCalendarItem': {
      const { itemId, now } = command.data;
      if (state.status !== 'absent') throw new CalendarItemAlreadyExistsError(itemId);
      const name = command.data.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw new InvalidCalendarItemCommandError(`name must be 1–${MAX_NAME_LENGTH} characters`);
      }
      return [{ type: 'CalendarItemCreated', data: { itemId, name, at: now } }];
    }
  }
}

/** Folds one CalendarItem event into the state. */
export function evolveCalendarItem(state: CalendarItemState, event: CalendarItemEvent): CalendarItemState {
  switch (event.type) {
    case 'CalendarItemCreated':
      return { status: 'active', id: event.data.itemId, name: event.data.name, createdAt: event.data.at };
  }
}

/** The CalendarItem decider (Emmett-style `decide`/`evolve`/`initialState`). */
export const calendarItemDecider: Decider<CalendarItemCommand, CalendarItemEvent, CalendarItemState> = {
  decide: decideCalendarItem,
  evolve: evolveCalendarItem,
  initialState: initialCalendarItemState,
};
