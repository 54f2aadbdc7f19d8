/** The public signing keys (RFC 7517 JWK Set): current and previous. */
export class GetJwksQuery {}
