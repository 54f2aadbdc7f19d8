// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
 * @returns the token; `undefined` when there is no header or it uses another scheme;
 *   `null` when it says Bearer but the token is malformed.
 */
export function parseBearerToken(header: string | string[] | undefined): string | null | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^Bearer(\s|$)/i.test(value)) return undefined;
  return BEARER.exec(value)?.[1] ?? null;
}
