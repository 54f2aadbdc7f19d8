/** Who is calling with this bearer access token, with the account's current roles? */
export class AuthenticateQuery {
  constructor(readonly accessToken: string) {}
}
