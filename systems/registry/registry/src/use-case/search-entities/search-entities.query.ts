import type { EntityReader } from '../get-entity/get-entity.query.js';

/** Search entities of `type` with a request body (see parseSearchQuery) as `reader`. */
export class SearchEntitiesQuery {
  constructor(
    readonly type: string,
    readonly body: unknown,
    readonly reader: EntityReader,
  ) {}
}
