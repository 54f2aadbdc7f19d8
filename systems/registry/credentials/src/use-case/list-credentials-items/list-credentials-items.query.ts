/** One page of items in creation order; `limit` 1–100, `cursor` from the previous page. */
export class ListCredentialsItemsQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
  ) {}
}
