import type { NotificationCategory } from './notification.js';

/** Money as the commerce events carry it: integer minor units and an ISO 4217 code. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/**
 * What another system said happened, as the notifications domain needs it (the handler translates
 * each integration event into one of these). Facts about users and orders also feed the small
 * projections the recipients are resolved from.
 */
export type SourceFact =
  | { kind: 'user-registered'; userId: string; email: string; displayName: string; roles: readonly string[] }
  | { kind: 'user-roles-changed'; userId: string; roles: readonly string[] }
  /** Identity asks for a verification e-mail (`token` single use, until `expiresAt`). */
  | { kind: 'email-verification-requested'; userId: string; email: string; token: string; expiresAt: string }
  /** Someone tried to register the address of an existing account. */
  | { kind: 'registration-attempted'; userId: string; email: string }
  /** The account's owner (hopefully) asked for a password reset link. */
  | { kind: 'password-reset-requested'; userId: string; email: string; token: string; expiresAt: string }
  /** A user signing in asked for a one-time code by e-mail (the fallback second factor; single use, minutes). */
  | { kind: 'email-otp-requested'; userId: string; email: string; code: string; expiresAt: string }
  | { kind: 'order-placed'; orderId: string; customerId: string; total: Money }
  | { kind: 'order-confirmed'; orderId: string }
  | { kind: 'order-cancelled'; orderId: string; reason: string }
  | { kind: 'order-shipped'; orderId: string; customerId: string; carrier: string; trackingNumber: string }
  | { kind: 'order-delivered'; orderId: string; customerId: string }
  | { kind: 'order-returned'; orderId: string; customerId: string; refund: Money }
  | { kind: 'payment-refunded'; orderId: string; customerId: string; amount: Money }
  | { kind: 'low-stock'; productId: string; sku: string; available: number; threshold: number }
  | {
      kind: 'reminder-due';
      key: string;
      eventId: string;
      occurrenceStart: string | null;
      recipients: readonly string[];
    }
  | { kind: 'task-assigned'; taskId: string; assigneeId: string | null }
  | {
      kind: 'task-due-soon';
      key: string;
      taskId: string;
      title: string;
      dueAt: string;
      recipients: readonly string[];
    }
  | {
      kind: 'claim-raised';
      claimId: string;
      entityType: string;
      entityId: string;
      policy: string;
      requester: string;
      attestorRoles: readonly string[];
      /** Owners of the attestor entities that may decide (user ids, named by the registry). */
      attestorUserIds: readonly string[];
    }
  | {
      kind: 'claim-decided';
      decision: 'attested' | 'rejected';
      claimId: string;
      entityType: string;
      entityId: string;
      policy: string;
      requester: string;
      note: string | null;
    }
  | { kind: 'second-factor-changed'; userId: string; enabled: boolean }
  /** The account's password was replaced: by its owner (`change`) or with an e-mailed reset link (`reset`). */
  | { kind: 'password-changed'; userId: string; how: 'change' | 'reset'; occurredAt: string }
  /** A sign-in from a device (client, browser family, network) the account has not used lately. */
  | {
      kind: 'new-sign-in';
      userId: string;
      sessionId: string;
      clientId: string | null;
      userAgent: string;
      device: string;
      network: string | null;
      occurredAt: string;
    }
  | {
      kind: 'entity-invited';
      entityType: string;
      entityId: string;
      inviteeEmail: string;
      inviter: string;
    }
  /**
   * The registry deleted (and crypto-shredded) an entity: what this service derived from it that
   * is personal is erased, and a later invitation of it is dropped (entity-erasure.ts).
   */
  | { kind: 'entity-deleted'; entityType: string; entityId: string }
  | {
      kind: 'credential-revoked';
      credentialId: string;
      entityType: string;
      /** The registry entity the credential is about. */
      entityId: string;
      holder: string | null;
      reason: 'manager' | 'entity-deleted';
    }
  | {
      kind: 'credential-issued';
      credentialId: string;
      entityType: string;
      /** The registry entity the credential is about. */
      entityId: string;
      holder: string | null;
      types: readonly string[];
    };

/**
 * The registry entity a fact is about (invitations, claims, credentials), or null: what the
 * erasure of a deleted entity (entity-erasure.ts) applies to.
 */
export function entityOf(fact: SourceFact): string | null {
  switch (fact.kind) {
    case 'entity-invited':
    case 'entity-deleted':
    case 'claim-raised':
    case 'claim-decided':
    case 'credential-issued':
    case 'credential-revoked':
      return fact.entityId;
    default:
      return null;
  }
}

/**
 * Recipient id of a notification to a bare e-mail address (no account): `mailto:<lower-cased
 * address>`. Such notifications are never visible in an inbox (no user id matches); the e-mail
 * delivery sends to the address (delivery.sql.repository.ts).
 */
export const ADDRESS_RECIPIENT_PREFIX = 'mailto:';

/** Prefix of the recipient id integration events carry for a notification to a bare address. */
export const PUBLISHED_ADDRESS_RECIPIENT_PREFIX = 'address:';

/**
 * The recipient id a notification's integration event (NotificationCreatedV1: message key and
 * `recipientId`) carries. A user id as is; a bare e-mail address (`mailto:…`) is personal data that
 * must not leave the service in an event (Kafka keeps it until retention, beyond any erasure), so it
 * becomes `address:<notification id>` — opaque, one per notification, linkable to nothing outside.
 * @param recipientId the notification's stored recipient id
 * @param notificationId its id (UUID)
 */
export function publishedRecipientId(recipientId: string, notificationId: string): string {
  return recipientId.startsWith(ADDRESS_RECIPIENT_PREFIX) ? `${PUBLISHED_ADDRESS_RECIPIENT_PREFIX}${notificationId}` : recipientId;
}

/** Who a notification goes to, before the projections resolve it to user ids. */
export type RecipientSpec =
  | { readonly kind: 'users'; readonly userIds: readonly string[] }
  | { readonly kind: 'order-customer'; readonly orderId: string }
  /** Every known user holding one of `roles`, plus the `userIds` (known or not), except the `except` users. */
  | {
      readonly kind: 'roles';
      readonly roles: readonly string[];
      readonly userIds?: readonly string[];
      readonly except: readonly string[];
    }
  /**
   * A bare e-mail address, which may have no account yet: the known user with that e-mail (compared
   * case-insensitively) when there is one, else the address itself (e-mail only, no inbox).
   */
  | { readonly kind: 'address'; readonly email: string };

/** What one fact becomes: a category, its recipients and the content every recipient gets. */
export interface NotificationPlan {
  readonly category: NotificationCategory;
  readonly recipients: RecipientSpec;
  readonly title: string;
  readonly body: string;
  readonly link: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  /**
   * E-mail only, never in the inbox: the link holds a single-use secret that proves the reader
   * owns the mailbox (verification, password reset). Shown in the inbox, it would let whoever has
   * a session of the account — say, someone who registered another person's address — use it.
   */
  readonly emailOnly?: boolean;
}

const money = (m: Money): string => `${(m.amount / 100).toFixed(2)} ${m.currency}`;
const users = (...ids: Array<string | null>): RecipientSpec => ({
  kind: 'users',
  userIds: ids.filter((id): id is string => !!id),
});
const orderLink = (orderId: string) => `/commerce/v1/orders/${orderId}`;
/** The caller's account at identity: where a security message sends the owner. */
const ACCOUNT_PAGE = '/identity/v1/users/me';
/** The caller's live sessions (each can be ended): where a new-sign-in message sends the owner. */
const SESSIONS_PAGE = '/identity/v1/users/me/sessions';
/** Until when a link works, for people: `2026-12-07 19:45 UTC`. */
const until = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * THE mapping table: fact kind → the notification it makes (or `null`: the fact only feeds a
 * projection). Titles and bodies are plain text; e-mail templates wrap them per category.
 */
export function planNotification(fact: SourceFact): NotificationPlan | null {
  switch (fact.kind) {
    case 'user-registered':
      return {
        category: 'account',
        recipients: users(fact.userId),
        title: 'Welcome to Archipelago',
        body: `Hello ${fact.displayName || fact.email}, your account is ready.`,
        link: null,
        data: { userId: fact.userId },
      };
    case 'user-roles-changed':
    case 'order-placed':
    case 'entity-deleted':
      return null;
    case 'email-verification-requested':
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'Verify your e-mail address',
        body:
          `Confirm that ${fact.email} is your address: open the link below and press the button (it works once, ` +
          `until ${until(fact.expiresAt)}). If you did not create an Archipelago account, ignore this message.`,
        link: `/identity/v1/email-verification/page?token=${encodeURIComponent(fact.token)}`,
        data: { userId: fact.userId },
        emailOnly: true,
      };
    case 'registration-attempted':
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'Someone tried to register with your address',
        body:
          `Someone tried to create an Archipelago account with ${fact.email}, which already has one: yours. ` +
          'Nothing was changed. If it was you, sign in, or ask for a password reset if you forgot your password.',
        link: null,
        data: { userId: fact.userId },
      };
    case 'password-reset-requested':
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'Reset your password',
        body:
          `A password reset was asked for the Archipelago account of ${fact.email}. Open the link below to choose a ` +
          `new password (it works once, until ${until(fact.expiresAt)}). If it was not you, ignore this message: ` +
          'your password stays as it is.',
        link: `/identity/v1/password-reset/page?token=${encodeURIComponent(fact.token)}`,
        data: { userId: fact.userId },
        emailOnly: true,
      };
    case 'email-otp-requested':
      // Critical and point to point: by e-mail only (the code never sits in the in-app inbox).
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'Your sign-in code',
        body:
          `Your Archipelago sign-in code is ${fact.code}. It works once, until ${until(fact.expiresAt)}. ` +
          'Someone who typed your password asked for it: if it was not you, change your password now.',
        link: null,
        data: { userId: fact.userId },
        emailOnly: true,
      };
    case 'order-confirmed':
      return {
        category: 'order',
        recipients: { kind: 'order-customer', orderId: fact.orderId },
        title: 'Order confirmed',
        body: `Your order ${fact.orderId} is confirmed: stock is reserved and the payment captured.`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId },
      };
    case 'order-cancelled':
      return {
        category: 'order',
        recipients: { kind: 'order-customer', orderId: fact.orderId },
        title: 'Order cancelled',
        body: `Your order ${fact.orderId} was cancelled: ${fact.reason}.`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId, reason: fact.reason },
      };
    case 'order-shipped':
      return {
        category: 'order',
        recipients: users(fact.customerId),
        title: 'Order shipped',
        body: `Your order ${fact.orderId} was handed to ${fact.carrier} (tracking number ${fact.trackingNumber}).`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId, carrier: fact.carrier, trackingNumber: fact.trackingNumber },
      };
    case 'order-delivered':
      return {
        category: 'order',
        recipients: users(fact.customerId),
        title: 'Order delivered',
        body: `Your order ${fact.orderId} was delivered.`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId },
      };
    case 'order-returned':
      return {
        category: 'order',
        recipients: users(fact.customerId),
        title: 'Order returned',
        body: `Your order ${fact.orderId} was returned; ${money(fact.refund)} went back to your wallet.`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId, refund: fact.refund },
      };
    case 'payment-refunded':
      // A zero-amount refund only leaves a tombstone (nothing was captured): nothing to tell.
      if (fact.amount.amount === 0) return null;
      return {
        category: 'order',
        recipients: users(fact.customerId),
        title: 'Payment refunded',
        body: `${money(fact.amount)} for order ${fact.orderId} went back to your wallet.`,
        link: orderLink(fact.orderId),
        data: { orderId: fact.orderId, amount: fact.amount },
      };
    case 'low-stock':
      return {
        category: 'stock',
        recipients: { kind: 'roles', roles: ['admin'], except: [] },
        title: `Low stock: ${fact.sku}`,
        body: `${fact.sku} has ${fact.available} units available (threshold ${fact.threshold}).`,
        link: `/commerce/v1/products/${fact.productId}`,
        data: { productId: fact.productId, sku: fact.sku, available: fact.available, threshold: fact.threshold },
      };
    case 'reminder-due':
      return {
        category: 'reminder',
        recipients: users(...fact.recipients),
        title: 'Reminder',
        body: fact.occurrenceStart ? `An event starts at ${fact.occurrenceStart}.` : 'An event is coming up.',
        link: `/scheduling/v1/events/${fact.eventId}`,
        data: { eventId: fact.eventId, occurrenceStart: fact.occurrenceStart },
      };
    case 'task-due-soon':
      return {
        category: 'reminder',
        recipients: users(...fact.recipients),
        title: 'Task due soon',
        body: `${fact.title} is due soon (reminder at ${fact.dueAt}).`,
        link: `/scheduling/v1/tasks/${fact.taskId}`,
        data: { taskId: fact.taskId, dueAt: fact.dueAt },
      };
    case 'task-assigned':
      return {
        category: 'task',
        recipients: users(fact.assigneeId),
        title: 'Task assigned to you',
        body: `Task ${fact.taskId} was assigned to you.`,
        link: `/scheduling/v1/tasks/${fact.taskId}`,
        data: { taskId: fact.taskId },
      };
    case 'claim-raised':
      // To the attestors (the policy's roles and the attestor entities' owners; never the requester,
      // who may not decide their own). Someone both is told once.
      return {
        category: 'attestation',
        recipients: {
          kind: 'roles',
          roles: fact.attestorRoles,
          userIds: fact.attestorUserIds,
          except: [fact.requester],
        },
        title: 'Attestation requested',
        body: `The ${fact.policy} attestation of a ${fact.entityType} record awaits a decision.`,
        link: `/registry/v1/claims/${fact.claimId}`,
        data: { claimId: fact.claimId, entityType: fact.entityType, entityId: fact.entityId, policy: fact.policy },
      };
    case 'claim-decided': {
      // To the owner who asked.
      const what = `the ${fact.policy} attestation of your ${fact.entityType} record`;
      return {
        category: 'attestation',
        recipients: users(fact.requester),
        title: fact.decision === 'attested' ? 'Attestation approved' : 'Attestation rejected',
        body:
          fact.decision === 'attested'
            ? `An attestor approved ${what}${fact.note ? `: ${fact.note}` : '.'}`
            : `An attestor rejected ${what}: ${fact.note ?? 'no reason given'}.`,
        link: `/registry/v1/claims/${fact.claimId}`,
        data: {
          claimId: fact.claimId,
          entityType: fact.entityType,
          entityId: fact.entityId,
          policy: fact.policy,
          decision: fact.decision,
        },
      };
    }
    case 'second-factor-changed':
      // Security (critical: always sent): someone who took over the account must not go unnoticed.
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: fact.enabled ? 'Two-step verification turned on' : 'Two-step verification turned off',
        body: fact.enabled
          ? 'An authenticator app was set up for your account: signing in now needs its code. If this was not you, change your password and contact an administrator.'
          : 'The authenticator app of your account was removed: signing in needs your password only. If this was not you, change your password and contact an administrator.',
        link: null,
        data: { userId: fact.userId, enabled: fact.enabled },
      };
    case 'password-changed':
      // Security (critical): a password changed by someone else is an account taken over.
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'Your password was changed',
        body:
          (fact.how === 'reset'
            ? `The password of your Archipelago account was reset with an e-mailed link on ${until(fact.occurredAt)}; every session was signed out. `
            : `The password of your Archipelago account was changed on ${until(fact.occurredAt)}; every other session was signed out. `) +
          'If this was not you, ask for a password reset at once and tell an administrator.',
        link: ACCOUNT_PAGE,
        data: { userId: fact.userId, how: fact.how },
      };
    case 'new-sign-in': {
      // Security (critical): the owner recognises the device, or ends the session and changes the password.
      const where = fact.network ? ` from the network ${fact.network}` : '';
      const client = fact.clientId ? ` in ${fact.clientId}` : '';
      return {
        category: 'security',
        recipients: users(fact.userId),
        title: 'New sign-in to your account',
        body:
          `Your Archipelago account was signed in to on ${until(fact.occurredAt)} with ${fact.device}${client}${where}` +
          `${fact.userAgent ? ` (${fact.userAgent})` : ''}. If this was you, there is nothing to do. If not, end that ` +
          `session (id ${fact.sessionId}) in your sessions list and change your password.`,
        link: SESSIONS_PAGE,
        data: {
          userId: fact.userId,
          sessionId: fact.sessionId,
          clientId: fact.clientId,
          device: fact.device,
          network: fact.network,
        },
      };
    }
    case 'entity-invited':
      // To the invitee's address (an account may not exist yet): register with it, sign in, open the record.
      return {
        category: 'account',
        recipients: { kind: 'address', email: fact.inviteeEmail },
        title: `You are invited to the ${fact.entityType} registry`,
        body:
          fact.inviter === 'anonymous'
            ? `Your ${fact.entityType} record was registered with this e-mail address. Create your account with this address (or sign in) and open the record to confirm it.`
            : `You were invited to the ${fact.entityType} registry. Create your account with this e-mail address (or sign in) and open your record to accept the invitation.`,
        link: '/identity/v1/users',
        data: {
          entityType: fact.entityType,
          entityId: fact.entityId,
          record: `/registry/v1/entity/${encodeURIComponent(fact.entityType)}/${fact.entityId}`,
        },
      };
    case 'credential-revoked':
      if (!fact.holder) return null; // no holder: nobody to tell
      return {
        category: 'credential',
        recipients: users(fact.holder),
        title: 'Credential revoked',
        body:
          fact.reason === 'entity-deleted'
            ? `A verifiable credential of your ${fact.entityType} record was revoked: the record was deleted.`
            : `A verifiable credential of your ${fact.entityType} record was revoked by its issuer.`,
        link: `/registry/v1/credentials/${fact.credentialId}`,
        data: {
          credentialId: fact.credentialId,
          entityType: fact.entityType,
          entityId: fact.entityId,
          reason: fact.reason,
        },
      };
    case 'credential-issued': {
      if (!fact.holder) return null; // issued on demand with no holder: nobody to tell
      const kind = fact.types.find((t) => t !== 'VerifiableCredential') ?? 'VerifiableCredential';
      return {
        category: 'credential',
        recipients: users(fact.holder),
        title: 'Credential issued',
        body: `A verifiable credential (${kind}) of your ${fact.entityType} record was issued to you.`,
        link: `/registry/v1/credentials/${fact.credentialId}`,
        data: {
          credentialId: fact.credentialId,
          entityType: fact.entityType,
          entityId: fact.entityId,
          types: fact.types,
        },
      };
    }
  }
}
