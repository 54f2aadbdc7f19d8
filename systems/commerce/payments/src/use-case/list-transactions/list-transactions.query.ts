/** One page of a customer's wallet transactions, newest first; `limit` 1–100, `cursor` from the previous page. */
export class ListTransactionsQuery {
  constructor(
    readonly customerId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {}
}
