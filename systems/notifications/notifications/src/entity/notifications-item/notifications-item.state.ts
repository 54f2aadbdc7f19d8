/** State of a NotificationsItem stream: nothing before `NotificationsItemCreated`. */
export type NotificationsItemState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly id: string;
      readonly name: string;
      readonly createdAt: string;
    };

/** An existing NotificationsItem. */
export type ActiveNotificationsItem = Extract<NotificationsItemState, { status: 'active' }>;

export const initialNotificationsItemState = (): NotificationsItemState => ({ status: 'absent' });
