/**
 * RFC 6749 §4.4 client credentials grant for service clients (load tests, jobs, service-to-service
 * calls). `resource` (RFC 8707) names the one service the token is for (its audience).
 */
export class ClientCredentialsGrantCommand {
  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly scope?: string,
    readonly resource?: string,
  ) {}
}
