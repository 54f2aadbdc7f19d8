import type { DefinitionListFilter } from '../port/definition.read-model.port.js';

/** A page of the definition list (read model, eventually consistent). */
export class ListDefinitionsQuery {
  constructor(readonly filter: DefinitionListFilter) {}
}
