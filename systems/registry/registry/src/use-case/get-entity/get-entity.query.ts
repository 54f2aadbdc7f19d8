/** Read one entity of `type` as `reader` (the verified caller: user id and roles). */
export class GetEntityQuery {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly reader: { readonly id: string; readonly roles: readonly string[] },
  ) {}
}
