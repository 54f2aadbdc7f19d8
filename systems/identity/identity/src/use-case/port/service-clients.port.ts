/** A confidential OAuth client (RFC 6749 §2.1) that may use the client_credentials grant. */
export interface ServiceClient {
  readonly id: string;
  /** Hash of the client secret (PasswordHasherPort format). */
  readonly secretHash: string;
  readonly roles: readonly string[];
  /** Scopes the client may request (allow-list; default none). */
  readonly scopes: readonly string[];
  /** Audiences (RFC 8707 resource indicators, e.g. `catalog.commerce`) it may ask a token for, besides the default one. */
  readonly audiences: readonly string[];
}

/** The configured service clients (from `IDENTITY_CLIENTS`); implemented in gateway/. */
export interface ServiceClientsPort {
  find(clientId: string): ServiceClient | undefined;
}

export const SERVICE_CLIENTS = Symbol('ServiceClientsPort');
