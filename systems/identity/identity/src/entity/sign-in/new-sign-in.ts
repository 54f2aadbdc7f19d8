/**
 * What identifies "a device" of a user for the new-sign-in rule: the OAuth client, the browser
 * family (with its operating system, never the version) and the approximate network. Coarse on
 * purpose: a browser update or a new address from the same provider is not a new device.
 */
export interface SignInDevice {
  /** OAuth client id; `''` for the password grant (no client). */
  readonly clientId: string;
  /** Browser family and OS, e.g. `Firefox on Linux`, `curl`, `unknown`. */
  readonly device: string;
  /** The /24 (IPv4) or /48 (IPv6) prefix, e.g. `203.0.113.0/24`; `''` when the address is unknown. */
  readonly network: string;
}

/** A device the user signed in from, and when last. */
export interface SeenDevice extends SignInDevice {
  readonly lastSeenAt: Date;
}

/** A device not seen for this long makes the next sign-in from it "new" again (days). */
export const NEW_SIGN_IN_WINDOW_DAYS = 90;
/** At most this many devices are remembered per user (the least recently seen go first). */
export const MAX_SEEN_DEVICES = 20;

/**
 * - `first`: the user has no remembered device (their first sign-in after registration, or the
 *   first since this rule exists) — nothing to compare with, nobody told;
 * - `known`: this device was seen within {@link NEW_SIGN_IN_WINDOW_DAYS};
 * - `new`: the user signed in before, but not from this device lately — the user is told.
 */
export type SignInNovelty = 'first' | 'known' | 'new';

const sameDevice = (a: SignInDevice, b: SignInDevice): boolean =>
  a.clientId === b.clientId && a.device === b.device && a.network === b.network;

/** Classifies a sign-in from `device` at `now` against the user's remembered devices. */
export function classifySignIn(seen: readonly SeenDevice[], device: SignInDevice, now: Date): SignInNovelty {
  if (seen.length === 0) return 'first';
  const since = now.getTime() - NEW_SIGN_IN_WINDOW_DAYS * 86_400_000;
  return seen.some((s) => sameDevice(s, device) && s.lastSeenAt.getTime() >= since) ? 'known' : 'new';
}
