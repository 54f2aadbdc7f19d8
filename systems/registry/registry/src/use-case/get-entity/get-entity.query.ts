/** Who reads: the verified caller's user id (token `sub`, `anonymous` without one), roles and, for users, e-mail. */
export interface EntityReader {
  readonly id: string;
  readonly roles: readonly string[];
  readonly email?: string;
}

/** Read one entity of `type` as `reader`. */
export class GetEntityQuery {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly reader: EntityReader,
  ) {}
}
