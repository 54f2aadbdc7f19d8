import Bowser from 'bowser';
import ipaddr from 'ipaddr.js';
import type { SignInDevice } from '../entity/sign-in/new-sign-in.js';

/** Longest `User-Agent` kept (in the event and the e-mail); longer ones are cut. */
export const MAX_USER_AGENT_LENGTH = 256;

/**
 * Browser family and operating system of a `User-Agent` header (bowser), without versions:
 * `Firefox on Linux`, `Safari on iOS`, `k6`; a tool bowser does not know is its first product
 * token (`curl/8.5.0` → `curl`); nothing usable → `unknown`.
 */
export function deviceOf(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').trim();
  if (!ua) return 'unknown';
  const parsed = Bowser.parse(ua);
  const browser = parsed.browser.name || /^([A-Za-z][\w.-]{0,40})/.exec(ua)?.[1];
  if (!browser) return 'unknown';
  return parsed.os.name ? `${browser} on ${parsed.os.name}` : browser;
}

/**
 * The approximate network of a client address: its /24 (IPv4, also IPv4-mapped IPv6) or /48
 * (IPv6) prefix in CIDR notation (`203.0.113.7` → `203.0.113.0/24`, `2001:db8:1:2::5` →
 * `2001:db8:1::/48`); `''` for a missing or unparsable address.
 */
export function networkOf(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return '';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') {
    const [a, b, c] = address.toByteArray();
    return `${a}.${b}.${c}.0/24`;
  }
  const parts = (address as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([parts[0]!, parts[1]!, parts[2]!, 0, 0, 0, 0, 0]).toString()}/48`;
}

/** The device of a sign-in (see {@link SignInDevice}). */
export function signInDevice(
  clientId: string | undefined,
  userAgent: string | undefined,
  ip: string | undefined,
): SignInDevice {
  return { clientId: clientId ?? '', device: deviceOf(userAgent), network: networkOf(ip) };
}
