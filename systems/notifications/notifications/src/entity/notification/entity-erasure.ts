import type { Notification } from './notification.js';
import { ADDRESS_RECIPIENT_PREFIX } from './source-fact.js';

/**
 * What the registry's deletion of an entity (`EntityDeletedV1`, crypto-shredding) erases from the
 * notifications about it. Pure TypeScript; docs/systems/notifications.md "Erasure of a deleted
 * registry entity" gives the reasons.
 *
 * Personal, hence erased: the invitee's address (the recipient id `mailto:<address>` of an
 * invitation to someone with no account — the one private value an integration event carries) and
 * the attestor's free-text note on a claim decision (written about the person's record). The
 * invitation's text and link (what to accept, where) go too: there is nothing to accept any more.
 *
 * Kept, so counts and the inbox stay true: ids (notification, entity, claim, credential), the
 * category, the entity type and policy names (configuration, the same for everyone), read/archived,
 * timestamps and a known user's recipient id (their account, not the entity's data).
 */

/**
 * Recipient id that replaces an erased address: `erased:<notification id>`. One per notification,
 * so a recipient's `seq` stays unique; matches no user (no inbox) and no address (no e-mail).
 */
export const ERASED_RECIPIENT_PREFIX = 'erased:';

/** The part of a notification that erasure may rewrite. */
export type ErasableContent = Pick<Notification, 'category' | 'title' | 'body' | 'link' | 'data'>;

/** A notification's content once its entity's personal data is erased. */
export interface ErasedContent {
  readonly title: string;
  readonly body: string;
  readonly link: string | null;
  /** The ids it had, and `erased: true`. */
  readonly data: Readonly<Record<string, unknown>>;
  /** It was an invitation: it must never be delivered now (pending deliveries are cancelled). */
  readonly withdrawn: boolean;
}

/** What becomes of a stored notification: its content and its recipient id. */
export interface NotificationErasure extends ErasedContent {
  readonly recipientId: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The content of a notification about a deleted registry entity with the entity's personal data
 * erased, or null when it holds none (claim raised, credential issued or revoked: ids and names
 * only). Idempotent: erasing erased content gives the same content. Never throws.
 */
export function eraseEntityContent(content: ErasableContent): ErasedContent | null {
  const { category, data } = content;
  const type = text(data.entityType);
  if (category === 'account' && typeof data.entityId === 'string') {
    // The invitation (EntityInvitedV1): the only account message about an entity.
    return {
      title: `Invitation to the ${type} registry withdrawn`,
      body: `The ${type} record this invitation was for was deleted: there is nothing to accept any more.`,
      link: null,
      data: { entityType: data.entityType, entityId: data.entityId, erased: true },
      withdrawn: true,
    };
  }
  if (category === 'attestation' && typeof data.decision === 'string') {
    // A claim decision (ClaimAttestedV1 / ClaimRejectedV1): its body carries the attestor's note.
    const verb = data.decision === 'attested' ? 'approved' : 'rejected';
    return {
      title: content.title,
      body:
        `An attestor ${verb} the ${text(data.policy)} attestation of your ${type} record. ` +
        "The record was deleted since: the attestor's note was erased with it.",
      link: content.link,
      data: { ...data, erased: true },
      withdrawn: false,
    };
  }
  return null;
}

/**
 * {@link eraseEntityContent} for a stored notification, whose recipient id also loses the address
 * (`mailto:<address>` → `erased:<id>`); null when nothing in it is personal.
 */
export function eraseEntityPersonalData(
  notification: Pick<Notification, 'id' | 'recipientId'> & ErasableContent,
): NotificationErasure | null {
  const content = eraseEntityContent(notification);
  if (!content) return null;
  const recipientId = notification.recipientId.startsWith(ADDRESS_RECIPIENT_PREFIX)
    ? `${ERASED_RECIPIENT_PREFIX}${notification.id}`
    : notification.recipientId;
  return { ...content, recipientId };
}
