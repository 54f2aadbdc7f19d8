/** RFC 7636 §4.1 code_verifier / §4.2 code_challenge (S256 output) syntax: 43–128 unreserved characters. */
export const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Whether `verifier` matches the S256 `challenge` (RFC 7636 §4.6:
 * BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge). SHA-256 from WebCrypto; the
 * comparison does not stop at the first difference.
 */
export async function pkceS256Matches(verifier: string, challenge: string): Promise<boolean> {
  if (!PKCE_VALUE.test(verifier)) return false;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const computed = Buffer.from(digest).toString('base64url');
  if (computed.length !== challenge.length) return false;
  let difference = 0;
  for (let i = 0; i < computed.length; i++) difference |= computed.charCodeAt(i) ^ challenge.charCodeAt(i);
  return difference === 0;
}
