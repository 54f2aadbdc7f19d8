import type { EntityReader } from '../get-entity/get-entity.query.js';

/** The entities of `type` that `reader` may list: their own, or all for a manager. `limit` 1–100, `offset` ≥ 0. */
export class ListEntitiesQuery {
  constructor(
    readonly type: string,
    readonly reader: EntityReader,
    readonly limit: number,
    readonly offset: number,
  ) {}
}
