/** State of a CalendarItem stream: nothing before `CalendarItemCreated`. */
export type CalendarItemState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly name: string;
      readonly createdAt: string;
    };

/** An existing CalendarItem. */
export type ActiveCalendarItem = Extract<CalendarItemState, { status: 'active' }>;

export const initialCalendarItemState = (): CalendarItemState => ({ status: 'absent' });
