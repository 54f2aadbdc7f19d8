/** The successful token response (RFC 6749 §5.1), in camelCase; the handler writes snake_case. */
export interface TokenResponse {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Access token lifetime in seconds. */
  readonly expiresIn: number;
  readonly refreshToken?: string;
  readonly scope?: string;
}

/**
 * A new opaque refresh token: 256 random bits, base64url (43 characters). It carries no meaning;
 * the store keeps only its SHA-256.
 */
export function newRefreshToken(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}
