import type { JsonObject } from '../../entity/registry-entity/json-merge-patch.js';
import type { SearchQuery } from '../../entity/search/search-query.js';

/** A page of search results: bodies never carry private fields. `totalCount`: all matches. */
export interface EntitySearchPage {
  readonly totalCount: number;
  readonly items: readonly { readonly id: string; readonly version: number; readonly body: JsonObject }[];
}

/** Search over the entity read model (eventually consistent). */
export interface EntitySearchPort {
  /** `contentPath`: segments of the wrapper (`['Student']`) for Sunbird RC wrapped bodies, else `[]`. */
  search(definitionId: string, query: SearchQuery, contentPath: readonly string[]): Promise<EntitySearchPage>;
}

export const ENTITY_SEARCH = Symbol('EntitySearchPort');
