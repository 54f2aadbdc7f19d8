/** Start-up bootstrap: the account `email` exists and holds the roles admin and customer. */
export class EnsureAdminCommand {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {}
}
