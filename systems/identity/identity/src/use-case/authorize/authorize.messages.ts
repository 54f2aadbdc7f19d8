import type { TotpEnrolment } from '../totp/totp.messages.js';

/** `GET /authorize`: validate an authorization request (query parameters, each at most once). */
export class StartAuthorizationQuery {
  constructor(readonly params: Readonly<Record<string, string>>) {}
}

/**
 * The login form was posted for the stored request `requestId`: e-mail and password first; then,
 * for an account with a second factor, `otp` (TOTP or recovery code, or the first code of an
 * enrolment); after an enrolment's recovery codes were shown, `proceed` continues to the client.
 */
export class CompleteAuthorizationCommand {
  constructor(
    readonly requestId: string,
    readonly email: string,
    readonly password: string,
    readonly clientIp?: string,
    readonly otp?: string,
    /** On the code step: send a one-time code by e-mail instead (the fallback factor). */
    readonly sendEmailCode?: boolean,
  ) {}
}

/** Token endpoint, `grant_type=authorization_code` (RFC 6749 §4.1.3 + RFC 7636 §4.5). */
export class AuthorizationCodeGrantCommand {
  constructor(
    readonly code: string,
    readonly redirectUri: string,
    readonly clientId: string,
    readonly codeVerifier: string,
    readonly clientSecret?: string,
    readonly clientIp?: string,
    /** `User-Agent` of the token request (the new-sign-in rule; for a browser-based client, the browser). */
    readonly userAgent?: string,
  ) {}
}

/** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2). */
export class EndSessionByHintCommand {
  constructor(
    readonly idTokenHint?: string,
    readonly postLogoutRedirectUri?: string,
    readonly state?: string,
    readonly clientId?: string,
  ) {}
}

/** What `GET /authorize` leads to. */
export type AuthorizationStart =
  /** Show the login page for the stored request. */
  | { readonly kind: 'login'; readonly requestId: string; readonly clientId: string }
  /** Send the error back to the (verified) redirect URI (RFC 6749 §4.1.2.1). */
  | { readonly kind: 'redirect'; readonly url: string }
  /** Unknown client or redirect URI: show the error, never redirect. */
  | { readonly kind: 'error'; readonly error: string; readonly description: string };

/** What posting the login form leads to. */
export type AuthorizationCompletion =
  | { readonly kind: 'redirect'; readonly url: string }
  /** Show the login page again with `message` (wrong password, throttled). */
  | {
      readonly kind: 'retry';
      readonly requestId: string;
      readonly clientId: string;
      readonly message: string;
      readonly status: number;
    }
  | { readonly kind: 'error'; readonly error: string; readonly description: string }
  /** The password was right; ask for the one-time code (`message` after a wrong one). */
  | {
      readonly kind: 'second-factor';
      readonly requestId: string;
      readonly clientId: string;
      readonly status: number;
      readonly message?: string;
      /** Not an error: e.g. "a code was sent by e-mail" (announced politely). */
      readonly notice?: string;
    }
  /** The password was right, the user's role requires a second factor they lack: enrol now. */
  | {
      readonly kind: 'enrol';
      readonly requestId: string;
      readonly clientId: string;
      readonly enrolment: TotpEnrolment;
      readonly status: number;
      readonly message?: string;
    }
  /** The enrolment was confirmed: show the recovery codes once, then continue (post `request_id` again). */
  | {
      readonly kind: 'recovery-codes';
      readonly requestId: string;
      readonly clientId: string;
      readonly recoveryCodes: readonly string[];
    };
