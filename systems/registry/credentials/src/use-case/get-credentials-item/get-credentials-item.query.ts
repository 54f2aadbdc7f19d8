/** Read one CredentialsItem by id, from its event stream (always up to date). */
export class GetCredentialsItemQuery {
  constructor(readonly itemId: string) {}
}
