import type { EntityReader } from '../get-entity/get-entity.query.js';

/** What an entity type accepts now: the JSON Schema of its serving version and its searchable fields. */
export class DescribeEntityTypeQuery {
  constructor(
    readonly type: string,
    readonly reader: EntityReader,
  ) {}
}
