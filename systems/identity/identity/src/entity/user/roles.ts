import { InvalidUserCommandError } from './user.errors.js';

/** The fixed set of roles a user can hold; systems add theirs here as they arrive. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles of a newly registered user. */
export const DEFAULT_ROLES: readonly Role[] = ['customer'];

/** True for a role of {@link ROLES}. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Validates and canonicalises a role set: known roles only, at least one, duplicates removed,
 * sorted (so equal sets compare equal).
 * @throws InvalidUserCommandError naming the unknown roles, or for an empty set
 */
export function roleSet(roles: readonly string[]): Role[] {
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0)
    throw new InvalidUserCommandError(`unknown roles: ${unknown.join(', ')}; allowed: ${ROLES.join(', ')}`);
  if (roles.length === 0) throw new InvalidUserCommandError('a user needs at least one role');
  return [...new Set(roles as Role[])].sort();
}
