import type { EntityCaller } from '../../entity/registry-entity/field-access.js';

/** Who reads (or writes): the verified caller's user id (token `sub`, `anonymous` without one), roles and, for users, e-mail. */
export type EntityReader = EntityCaller;

/** Read one entity of `type` as `reader`. */
export class GetEntityQuery {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly reader: EntityReader,
  ) {}
}
