import type { EntityReader } from '../get-entity/get-entity.query.js';

/** The history of one entity of `type`, as `reader`. */
export class GetEntityHistoryQuery {
  constructor(
    readonly type: string,
    readonly id: string,
    readonly reader: EntityReader,
  ) {}
}
