/** A validated authorization request (OpenID Connect Core §3.1.2.1) waiting for the user to sign in. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Canonical scope; contains `openid`. */
  readonly scope: string;
  readonly state?: string;
  readonly nonce?: string;
  /** PKCE S256 challenge (RFC 7636 §4.2). */
  readonly codeChallenge: string;
}

/** A stored request, with how far the sign-in went (second factor, issue 12 §3). */
export interface StoredAuthorizationRequest extends AuthorizationRequest {
  /** Set once the password was right: the user, while the second-factor step is shown. */
  readonly signedIn?: { readonly subject: string; readonly authTime: string };
  /** Set once every factor passed (the recovery codes page is shown before the code is issued). */
  readonly amr?: readonly string[];
}

/** What an authorization code was issued for. */
export interface CodeGrant extends AuthorizationRequest {
  readonly subject: string;
  /** ISO 8601. */
  readonly authTime: string;
  /** RFC 8176 methods of the sign-in (`pwd`, `otp`); absent: `["pwd"]`. */
  readonly amr?: readonly string[];
}

/** What {@link AuthorizationCodesPort.consume} found. */
export interface ConsumedCode extends CodeGrant {
  /** `fresh`: first use (now marked used); `reused`: a replay. */
  readonly status: 'fresh' | 'reused';
  readonly expiresAt: string;
  /** The session (refresh-token family) the first use started, to revoke on a replay. */
  readonly sessionId?: string;
}

/** Authorization requests and single-use codes (stored hashed). Implemented in repository/ (Postgres). */
export interface AuthorizationCodesPort {
  /** Stores a request under a new random id; it expires after `ttlSeconds`. */
  saveRequest(request: AuthorizationRequest, now: Date, ttlSeconds: number): Promise<string>;
  /** The request, unless unknown or expired. */
  findRequest(id: string, now: Date): Promise<StoredAuthorizationRequest | undefined>;
  /** The password step passed for `subject` at `authTime` (ISO 8601); the second-factor step follows. */
  markSignedIn(id: string, subject: string, authTime: string): Promise<void>;
  /** Every factor passed with methods `amr`; the code is issued when the user continues. */
  markAuthenticated(id: string, amr: readonly string[]): Promise<void>;
  /** Deletes the request (used). */
  deleteRequest(id: string): Promise<void>;
  /** Stores `code` (hashed) for `grant`, valid `ttlSeconds`. */
  issueCode(code: string, grant: CodeGrant, now: Date, ttlSeconds: number): Promise<void>;
  /** Atomically marks `code` used; of two concurrent uses one sees `fresh`. `undefined`: never issued. */
  consume(code: string, now: Date): Promise<ConsumedCode | undefined>;
  /** Records the session a code's first use started. */
  attachSession(code: string, sessionId: string): Promise<void>;
}

export const AUTHORIZATION_CODES = Symbol('AuthorizationCodesPort');
