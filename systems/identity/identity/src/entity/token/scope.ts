import { InvalidScopeError } from './token.errors.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Canonical scope string (tokens de-duplicated, sorted, single spaces) or `undefined` when none.
 * @throws InvalidScopeError for a malformed scope
 */
export function parseScope(scope: string | undefined): string | undefined {
  if (scope === undefined || scope.trim() === '') return undefined;
  const tokens = scope.trim().split(/ +/);
  if (tokens.length > 50 || !tokens.every((t) => SCOPE_TOKEN.test(t) && t.length <= 100)) {
    throw new InvalidScopeError('scope is malformed (RFC 6749 §3.3)');
  }
  return [...new Set(tokens)].sort().join(' ');
}

/**
 * The scope of a refreshed token (RFC 6749 §6): the requested one when it is within the original
 * grant, else the original.
 * @throws InvalidScopeError when the request asks for a scope not originally granted
 */
export function narrowScope(granted: string | undefined, requested: string | undefined): string | undefined {
  const wanted = parseScope(requested);
  if (wanted === undefined) return granted;
  const have = new Set(granted?.split(' ') ?? []);
  if (!wanted.split(' ').every((t) => have.has(t)))
    throw new InvalidScopeError('the requested scope exceeds the original grant');
  return wanted;
}

/**
 * The scope when every token of it is in `allowed` (the client's or the users' allow-list).
 * @throws InvalidScopeError naming the first token not allowed (RFC 6749 §5.2 `invalid_scope`)
 */
export function allowedScope(scope: string | undefined, allowed: readonly string[]): string | undefined {
  const refused = scope?.split(' ').find((t) => !allowed.includes(t));
  if (refused !== undefined) throw new InvalidScopeError(`the scope ${refused} is not allowed for this client`);
  return scope;
}
