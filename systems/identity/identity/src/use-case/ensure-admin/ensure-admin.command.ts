/**
 * Start-up bootstrap: create the admin account `email` (roles admin and customer) unless an
 * account has that address (see EnsureAdminUseCase: it never promotes an existing account).
 */
export class EnsureAdminCommand {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {}
}
