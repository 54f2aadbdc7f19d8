/** A CalendarItem was created (the first event of its stream). */
export interface CalendarItemCreated {
  readonly type: 'CalendarItemCreated';
  readonly data: {
    readonly itemId: string;
    readonly name: string;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Every domain event of the CalendarItem aggregate. */
export type CalendarItemEvent = CalendarItemCreated;
