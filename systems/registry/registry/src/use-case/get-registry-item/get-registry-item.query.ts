/** Read one RegistryItem by id, from its event stream (always up to date). */
export class GetRegistryItemQuery {
  constructor(readonly itemId: string) {}
}
