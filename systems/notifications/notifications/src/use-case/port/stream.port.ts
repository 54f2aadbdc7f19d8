/**
 * A fresh stream ticket: the secret handed to the client once and the hash stored in its place.
 * Tickets are 32 random bytes, base64url; the hash is SHA-256 (hex).
 */
export interface TicketSecret {
  readonly ticket: string;
  readonly hash: string;
}

/** Makes stream tickets and hashes presented ones (crypto behind a port). */
export interface TicketSecretPort {
  issue(): TicketSecret;
  hash(ticket: string): string;
}
export const TICKET_SECRETS = Symbol('TicketSecretPort');

/** Storage of stream tickets (hashes only). */
export interface StreamTicketRepositoryPort {
  save(hash: string, userId: string, expiresAt: string): Promise<void>;
  /** Marks the ticket used and returns its user, or null when unknown, expired (at `now`) or used before. */
  redeem(hash: string, now: string): Promise<string | null>;
}
export const STREAM_TICKETS = Symbol('StreamTicketRepositoryPort');

/** A change to push to a user's live streams: a new notification (`n`) or a read-state change (`r`). */
export interface StreamSignal {
  readonly t: 'n' | 'r';
  readonly id: string;
  readonly user: string;
}

/** Signals from every replica (Postgres LISTEN/NOTIFY); `subscribe` and `onGap` return the unsubscribe. */
export interface StreamSignalsPort {
  subscribe(listener: (signal: StreamSignal) => void): () => void;
  /**
   * Calls `listener` when signals may have been lost: the source was interrupted and delivers
   * again from now on (what was sent in between never arrives).
   */
  onGap(listener: () => void): () => void;
}
export const STREAM_SIGNALS = Symbol('StreamSignalsPort');
