/** A registered first-party OpenID Connect client (configured per environment: IDENTITY_OIDC_CLIENTS). */
export interface OidcClient {
  readonly id: string;
  /** Exact redirect URIs (compared as strings, RFC 9700 §4.1.3). */
  readonly redirectUris: readonly string[];
  /** Where RP-initiated logout may send the browser back to. */
  readonly postLogoutRedirectUris: readonly string[];
  /** Scopes it may request. */
  readonly scopes: readonly string[];
  /** Public (a browser app: PKCE only) or confidential (client secret too). */
  readonly public: boolean;
  /** Confidential clients: hash of the secret (PasswordHasherPort format). */
  readonly secretHash?: string;
}

/** The registered OpenID Connect clients; implemented in gateway/. */
export interface OidcClientsPort {
  find(clientId: string): OidcClient | undefined;
}

export const OIDC_CLIENTS = Symbol('OidcClientsPort');
