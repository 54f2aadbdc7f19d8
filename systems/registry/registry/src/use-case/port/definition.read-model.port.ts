import type { DefinitionStatus } from '../../entity/definition/definition.state.js';

/** One version of a definition, from its stream. `superseded`: was active, another version is now. */
export interface DefinitionVersion {
  readonly version: number;
  /** ISO 8601 instant the version was published. */
  readonly createdAt: string;
  readonly createdBy: string;
  readonly status: 'draft' | 'valid' | 'invalid' | 'active' | 'superseded';
  readonly activatedAt?: string;
}

/** The version history of a definition (read from its event stream). */
export interface DefinitionVersionsPort {
  /** Oldest first; empty when the definition is unknown. */
  versions(id: string): Promise<DefinitionVersion[]>;
}

/** A row of the definition list (read model, eventually consistent). */
export interface DefinitionSummary {
  readonly id: string;
  readonly title: string;
  readonly status: DefinitionStatus;
  readonly version: number;
  readonly activeVersion: number | null;
  /** ISO 8601 instant of the last change. */
  readonly updatedAt: string;
}

/** A page of the definition list, ordered by title. `total`: rows matching the filters. */
export interface DefinitionPage {
  readonly items: readonly DefinitionSummary[];
  readonly total: number;
}

/** Filters of the definition list: `title` matches case-insensitively as a substring. */
export interface DefinitionListFilter {
  readonly title?: string;
  readonly status?: DefinitionStatus;
  readonly limit: number;
  readonly offset: number;
}

/** The definition list read model. */
export interface DefinitionReadModelPort {
  list(filter: DefinitionListFilter): Promise<DefinitionPage>;
}

export const DEFINITION_READ_MODEL = Symbol('DefinitionReadModelPort');
export const DEFINITION_VERSIONS = Symbol('DefinitionVersionsPort');
