import { createHash } from 'node:crypto';
import type { OwnerIdentities } from '../entity/registry-entity/field-access.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The keys under which the `entity_search` read model indexes an entity's owners (`owner_keys`):
 * SHA-256 hex of `user:<id>` per owner user id and of `email:<lower-cased e-mail>` per owner e-mail,
 * so that an owner's e-mail (often a private field) is never stored in plain text there.
 */
export function ownerKeysOf(owners: OwnerIdentities): string[] {
  return [
    ...new Set([
      ...owners.userIds.map((id) => sha256(`user:${id}`)),
      ...owners.emails.map((email) => sha256(`email:${email.trim().toLowerCase()}`)),
    ]),
  ];
}

/** The keys a reader owns entities under: their user id and, for users, their e-mail. */
export function readerOwnerKeys(reader: { readonly id: string; readonly email?: string }): string[] {
  const email = reader.email?.trim();
  return ownerKeysOf({ userIds: [reader.id], emails: email ? [email] : [], mobiles: [] });
}
