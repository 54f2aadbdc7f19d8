/** Read one definition by id, from its event stream (always up to date). */
export class GetDefinitionQuery {
  constructor(readonly id: string) {}
}
