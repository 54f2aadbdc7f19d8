/**
 * Per-user secret feed tokens of workspace calendars: a token is 32 random bytes (base64url, 43
 * characters); only its SHA-256 is stored, one per (workspace, user); issuing a new one replaces it,
 * so the previous token stops working at once.
 */
export interface FeedTokenPort {
  /** Makes and stores a new token for the user and workspace (replacing any earlier one); returns it. */
  issue(workspaceId: string, userId: string, at: string): Promise<string>;
  /** The user whose current token for the workspace is `token`, or null. */
  userOf(workspaceId: string, token: string): Promise<string | null>;
}

export const FEED_TOKENS = Symbol('FeedTokenPort');
