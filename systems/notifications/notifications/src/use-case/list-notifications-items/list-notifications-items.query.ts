/** One page of items in creation order; `limit` 1–100, `cursor` from the previous page. */
export class ListNotificationsItemsQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
  ) {}
}
