import { DomainError } from '@archipelago/util-decider';

/** One problem of a search request, located by JSON Pointer into the request body. */
export interface SearchProblem {
  readonly pointer: string;
  readonly message: string;
}

/** A search request names an unknown or unsearchable field, an unknown operator, or a value of the wrong type (400). */
export class InvalidSearchQueryError extends DomainError {
  readonly code = 'SEARCH.INVALID_QUERY';
  constructor(readonly problems: readonly SearchProblem[]) {
    super(`invalid search: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, { problems });
  }
}
