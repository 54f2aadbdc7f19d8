import { InvalidClientError, InvalidTokenRequestError } from '../../entity/token/token.errors.js';

/** The token request's parameters (RFC 6749 §4.3.2, §4.4.2, §6), each given at most once. */
export type TokenParams = Readonly<Record<string, string>>;

const MAX_PARAM = 4096;

/**
 * Reads the body of a token request — form-urlencoded (RFC 6749 §3.2) or JSON — into single
 * string parameters.
 * @throws InvalidTokenRequestError for a missing body, a repeated or non-string parameter
 */
export function tokenParams(body: unknown): TokenParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidTokenRequestError('the request needs a form-urlencoded or JSON body with grant_type');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new InvalidTokenRequestError(`parameter ${name} is repeated`);
    if (typeof value !== 'string' || value.length > MAX_PARAM)
      throw new InvalidTokenRequestError(`parameter ${name} must be a string`);
    params[name] = value;
  }
  return params;
}

/**
 * The value of an optional parameter, when present, of at most `maxLength` characters (as the
 * token endpoint's document declares it).
 * @throws InvalidTokenRequestError when it is longer
 */
export function bounded(params: TokenParams, name: string, maxLength: number): string | undefined {
  const value = params[name];
  if (value !== undefined && value.length > maxLength)
    throw new InvalidTokenRequestError(`parameter ${name} must be at most ${maxLength} characters`);
  return value;
}

/**
 * The value of a required parameter.
 * @throws InvalidTokenRequestError when it is missing or empty
 */
export function required(params: TokenParams, name: string): string {
  const value = params[name];
  if (!value) throw new InvalidTokenRequestError(`parameter ${name} is required`);
  return value;
}

/**
 * Client credentials from HTTP Basic (RFC 6749 §2.3.1: id and secret form-urlencoded, then
 * base64) or from the body (`client_id`, `client_secret`). Using both is refused.
 * @throws InvalidTokenRequestError when both or neither are given
 * @throws InvalidClientError for a malformed Basic header
 */
export function clientCredentials(
  params: TokenParams,
  authorization: string | undefined,
): { id: string; secret: string } {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  const inBody = params['client_id'] !== undefined || params['client_secret'] !== undefined;
  if (basic && inBody) throw new InvalidTokenRequestError('use one client authentication method, not two');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClientError('Client authentication failed');
    try {
      const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
      return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
    } catch {
      throw new InvalidClientError('Client authentication failed');
    }
  }
  return { id: required(params, 'client_id'), secret: required(params, 'client_secret') };
}

/**
 * The caller's `User-Agent` header, cut to 256 characters (`undefined` when absent): what the
 * new-sign-in rule reads the browser family from, and what the security e-mail quotes.
 */
export function userAgent(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = request.headers['user-agent'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value ? value.slice(0, 256) : undefined;
}

/**
 * The caller's IP address as the trusted proxy in front (Kong, the local edge) saw it: the LAST
 * entry of `X-Forwarded-For` (the one that proxy appended; entries before it are client-supplied
 * and could be forged), else the socket's peer address.
 */
export function clientIp(request: {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}): string | undefined {
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim());
  const last = forwarded.filter((s) => s.length > 0).at(-1);
  return (last ?? request.socket?.remoteAddress)?.slice(0, 64);
}
