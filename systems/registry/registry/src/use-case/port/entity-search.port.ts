import type { JsonObject } from '../../entity/registry-entity/json-merge-patch.js';
import type { SearchQuery } from '../../entity/search/search-query.js';

/** The status of a live entity as search reports it (deleted entities are never found). */
export type EntitySearchStatus = 'active' | 'invited' | 'deactivated';

/**
 * A page of search results: bodies never carry private fields. `totalCount`: all matches. Items
 * carry their status: managers (the only searchers) find deactivated entities too, marked as such.
 */
export interface EntitySearchPage {
  readonly totalCount: number;
  readonly items: readonly {
    readonly id: string;
    readonly status: EntitySearchStatus;
    readonly version: number;
    readonly body: JsonObject;
  }[];
}

/** Whose entities to list: those a reader owns (by user id or e-mail), or all of the type. */
export type EntityOwnerFilter = { readonly id: string; readonly email?: string } | 'all';

/** A page of entity ids in id order (UUIDv7: creation order); `totalCount`: all that match. */
export interface EntityListPage {
  readonly totalCount: number;
  readonly ids: readonly string[];
}

/** Search over the entity read model (eventually consistent). */
export interface EntitySearchPort {
  /**
   * The ids of live entities of a definition (any status but deleted), of one owner (an
   * `ownershipAttributes` value equal to the user id, or to the e-mail compared case-insensitively)
   * or all. `limit` 1–100, `offset` ≥ 0.
   */
  list(definitionId: string, owner: EntityOwnerFilter, limit: number, offset: number): Promise<EntityListPage>;
  /** `contentPath`: segments of the wrapper (`['Student']`) for Sunbird RC wrapped bodies, else `[]`. */
  search(definitionId: string, query: SearchQuery, contentPath: readonly string[]): Promise<EntitySearchPage>;
}

export const ENTITY_SEARCH = Symbol('EntitySearchPort');
