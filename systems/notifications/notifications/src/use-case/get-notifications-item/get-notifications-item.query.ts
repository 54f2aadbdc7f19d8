/** Read one NotificationsItem by id, from its event stream (always up to date). */
export class GetNotificationsItemQuery {
  constructor(readonly itemId: string) {}
}
