/** Search entities of `type` with a request body (see parseSearchQuery) as `reader`. */
export class SearchEntitiesQuery {
  constructor(
    readonly type: string,
    readonly body: unknown,
    readonly reader: { readonly id: string; readonly roles: readonly string[] },
  ) {}
}
