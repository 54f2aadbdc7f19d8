import { CATALOG_EVENTS, ORDERING_EVENTS, PAYMENTS_EVENTS } from '@archipelago/commerce-contracts';
import { IDENTITY_EVENTS } from '@archipelago/identity-contracts';
import type { IncomingMessage } from '@archipelago/platform-messaging';
import { CREDENTIALS_EVENTS, REGISTRY_EVENTS } from '@archipelago/registry-contracts';
import { CALENDAR_EVENTS, TASKS_EVENTS } from '@archipelago/scheduling-contracts';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { z } from 'zod';
import type { SourceFact } from '../../entity/notification/source-fact.js';
import { EraseDeletedEntityCommand } from '../../use-case/erase-deleted-entity/erase-deleted-entity.command.js';
import { HandleEventCommand } from '../../use-case/handle-event/handle-event.command.js';

interface Translation<S extends z.ZodType> {
  /** The topic the contract publishes the event on (must be one of `CONSUMED_TOPICS`). */
  readonly topic: string;
  readonly schema: S;
  readonly fact: (payload: z.output<S>) => SourceFact;
}
const translate = <S extends z.ZodType>(
  event: { type: string; topic: string; schema: S },
  fact: (p: z.output<S>) => SourceFact,
) => [event.type, { topic: event.topic, schema: event.schema, fact } as Translation<z.ZodType>] as const;

/** CloudEvents type → its contract schema and the domain fact it says (the consumed half of the mapping table). */
const TRANSLATIONS: ReadonlyMap<string, Translation<z.ZodType>> = new Map([
  translate(IDENTITY_EVENTS.UserRegisteredV1, (p) => ({
    kind: 'user-registered',
    userId: p.id,
    email: p.email,
    displayName: p.displayName,
    roles: p.roles,
  })),
  translate(IDENTITY_EVENTS.UserRolesChangedV1, (p) => ({ kind: 'user-roles-changed', userId: p.id, roles: p.roles })),
  translate(IDENTITY_EVENTS.EmailVerificationRequestedV1, (p) => ({
    kind: 'email-verification-requested',
    userId: p.id,
    email: p.email,
    token: p.token,
    expiresAt: p.expiresAt,
  })),
  translate(IDENTITY_EVENTS.RegistrationAttemptedV1, (p) => ({
    kind: 'registration-attempted',
    userId: p.id,
    email: p.email,
  })),
  translate(IDENTITY_EVENTS.PasswordResetRequestedV1, (p) => ({
    kind: 'password-reset-requested',
    userId: p.id,
    email: p.email,
    token: p.token,
    expiresAt: p.expiresAt,
  })),
  translate(IDENTITY_EVENTS.EmailOtpRequestedV1, (p) => ({
    kind: 'email-otp-requested',
    userId: p.id,
    email: p.email,
    code: p.code,
    expiresAt: p.expiresAt,
  })),
  translate(IDENTITY_EVENTS.TotpEnabledV1, (p) => ({ kind: 'second-factor-changed', userId: p.id, enabled: true })),
  translate(IDENTITY_EVENTS.TotpDisabledV1, (p) => ({ kind: 'second-factor-changed', userId: p.id, enabled: false })),
  translate(IDENTITY_EVENTS.PasswordChangedV1, (p) => ({
    kind: 'password-changed',
    userId: p.id,
    how: p.how,
    occurredAt: p.occurredAt,
  })),
  translate(IDENTITY_EVENTS.NewSignInDetectedV1, (p) => ({
    kind: 'new-sign-in',
    userId: p.id,
    sessionId: p.sessionId,
    clientId: p.clientId ?? null,
    userAgent: p.userAgent,
    device: p.device,
    network: p.network ?? null,
    occurredAt: p.occurredAt,
  })),
  translate(ORDERING_EVENTS.OrderPlacedV1, (p) => ({
    kind: 'order-placed',
    orderId: p.orderId,
    customerId: p.customerId,
    total: p.total,
  })),
  translate(ORDERING_EVENTS.OrderConfirmedV1, (p) => ({ kind: 'order-confirmed', orderId: p.orderId })),
  translate(ORDERING_EVENTS.OrderCancelledV1, (p) => ({
    kind: 'order-cancelled',
    orderId: p.orderId,
    reason: p.reason,
  })),
  translate(ORDERING_EVENTS.OrderShippedV1, (p) => ({
    kind: 'order-shipped',
    orderId: p.orderId,
    customerId: p.customerId,
    carrier: p.carrier,
    trackingNumber: p.trackingNumber,
  })),
  translate(ORDERING_EVENTS.OrderDeliveredV1, (p) => ({
    kind: 'order-delivered',
    orderId: p.orderId,
    customerId: p.customerId,
  })),
  translate(ORDERING_EVENTS.OrderReturnedV1, (p) => ({
    kind: 'order-returned',
    orderId: p.orderId,
    customerId: p.customerId,
    refund: p.refund,
  })),
  translate(PAYMENTS_EVENTS.PaymentRefundedV1, (p) => ({
    kind: 'payment-refunded',
    orderId: p.orderId,
    customerId: p.customerId,
    amount: p.amount,
  })),
  translate(CATALOG_EVENTS.LowStockDetectedV1, (p) => ({
    kind: 'low-stock',
    productId: p.productId,
    sku: p.sku,
    available: p.available,
    threshold: p.threshold,
  })),
  translate(CALENDAR_EVENTS.ReminderDueV1, (p) => ({
    kind: 'reminder-due',
    key: p.key,
    eventId: p.eventId,
    occurrenceStart: p.occurrenceStart,
    recipients: p.recipients,
  })),
  translate(TASKS_EVENTS.TaskDueSoonV1, (p) => ({
    kind: 'task-due-soon',
    key: p.key,
    taskId: p.taskId,
    title: p.title,
    dueAt: p.dueAt,
    recipients: p.recipients,
  })),
  translate(TASKS_EVENTS.TaskAssignedV1, (p) => ({
    kind: 'task-assigned',
    taskId: p.taskId,
    assigneeId: p.assigneeId,
  })),
  translate(REGISTRY_EVENTS.ClaimRaisedV1, (p) => ({
    kind: 'claim-raised',
    claimId: p.claimId,
    entityType: p.entityType,
    entityId: p.entityId,
    policy: p.policy,
    requester: p.requester,
    // Events raised before the field existed name no roles: nobody is told (attestors still list open claims).
    attestorRoles: p.attestorRoles ?? [],
    // The owners of the attestor entities the registry found (absent on older events: nobody by entity).
    attestorUserIds: p.attestorUserIds ?? [],
  })),
  translate(REGISTRY_EVENTS.ClaimAttestedV1, (p) => ({
    kind: 'claim-decided',
    decision: 'attested',
    claimId: p.claimId,
    entityType: p.entityType,
    entityId: p.entityId,
    policy: p.policy,
    requester: p.requester,
    note: p.note ?? null,
  })),
  translate(REGISTRY_EVENTS.ClaimRejectedV1, (p) => ({
    kind: 'claim-decided',
    decision: 'rejected',
    claimId: p.claimId,
    entityType: p.entityType,
    entityId: p.entityId,
    policy: p.policy,
    requester: p.requester,
    note: p.note,
  })),
  translate(REGISTRY_EVENTS.EntityInvitedV1, (p) => ({
    kind: 'entity-invited',
    entityType: p.entityType,
    entityId: p.entityId,
    inviteeEmail: p.inviteeEmail,
    inviter: p.actor,
  })),
  translate(REGISTRY_EVENTS.EntityDeletedV1, (p) => ({
    kind: 'entity-deleted',
    entityType: p.entityType,
    entityId: p.entityId,
  })),
  translate(CREDENTIALS_EVENTS.CredentialRevokedV1, (p) => ({
    kind: 'credential-revoked',
    credentialId: p.credentialId,
    entityType: p.entityType,
    entityId: p.entityId,
    holder: p.holder ?? null,
    reason: p.reason,
  })),
  translate(CREDENTIALS_EVENTS.CredentialIssuedV1, (p) => ({
    kind: 'credential-issued',
    credentialId: p.credentialId,
    entityType: p.entityType,
    entityId: p.entityId,
    holder: p.holder ?? null,
    types: p.types,
  })),
]);

/**
 * The events the service turns into notifications or projections: CloudEvents type and the topic
 * its contract publishes it on. Every topic must be subscribed (`CONSUMED_TOPICS`), or the event
 * never arrives: a unit spec checks it.
 */
export const HANDLED_EVENTS: ReadonlyArray<{ readonly type: string; readonly topic: string }> = [...TRANSLATIONS].map(
  ([type, { topic }]) => ({ type, topic }),
);

/**
 * Consumer of every topic of `CONSUMED_TOPICS` (group `notifications.notifications`): validates
 * each event against its contract schema and sends {@link HandleEventCommand}, or
 * {@link EraseDeletedEntityCommand} for a registry entity's deletion. A malformed payload throws
 * (retried, then dead-lettered); other types on the same topics (saga replies, stock replenished …)
 * are skipped.
 */
@Injectable()
export class IntegrationEventsMessageHandler {
  constructor(private readonly commands: CommandBus) {}

  async handle(message: IncomingMessage): Promise<void> {
    const translation = TRANSLATIONS.get(message.type);
    if (!translation) return;
    const fact = translation.fact(translation.schema.parse(message.payload));
    await this.commands.execute(
      fact.kind === 'entity-deleted'
        ? new EraseDeletedEntityCommand(message.id, message.topic, fact.entityId)
        : new HandleEventCommand(message.id, message.topic, fact),
    );
  }
}
