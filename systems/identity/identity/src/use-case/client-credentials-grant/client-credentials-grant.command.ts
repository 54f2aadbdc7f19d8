/** RFC 6749 §4.4 client credentials grant for service clients (load tests, jobs). */
export class ClientCredentialsGrantCommand {
  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly scope?: string,
  ) {}
}
