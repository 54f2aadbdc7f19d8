/**
 * The canonical form of an e-mail address for uniqueness and look-up: trimmed and lower-cased as
 * a whole. (RFC 5321 lets the local part be case-sensitive; no mainstream provider treats it so,
 * and treating `Ann@x.io` and `ann@x.io` as two accounts invites impersonation.)
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
