/** One page of users in registration order; `limit` 1–100, `cursor` from the previous page. */
export class ListUsersQuery {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
  ) {}
}
