/** Every version of one definition, oldest first, from its stream. */
export class ListDefinitionVersionsQuery {
  constructor(readonly id: string) {}
}
