/** Read one user by id, from its event stream (always up to date). */
export class GetUserQuery {
  constructor(readonly userId: string) {}
}
