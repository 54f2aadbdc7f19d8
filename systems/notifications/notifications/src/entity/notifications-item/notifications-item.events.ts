/** A NotificationsItem was created (the first event of its stream). */
export interface NotificationsItemCreated {
  readonly type: 'NotificationsItemCreated';
  readonly data: {
    readonly itemId: string;
    readonly name: string;
    /** ISO 8601 timestamp. */
    readonly at: string;
  };
}

/** Every domain event of the NotificationsItem aggregate. */
export type NotificationsItemEvent = NotificationsItemCreated;
