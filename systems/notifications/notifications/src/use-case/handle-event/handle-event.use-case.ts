import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { channelEnabled, type Notification } from '../../entity/notification/notification.js';
import { eraseEntityContent } from '../../entity/notification/entity-erasure.js';
import {
  ADDRESS_RECIPIENT_PREFIX,
  entityOf,
  planNotification,
  type NotificationPlan,
  type RecipientSpec,
  type SourceFact,
} from '../../entity/notification/source-fact.js';
import { CLOCK, type ClockPort } from '../port/clock.port.js';
import {
  NOTIFICATION_REPOSITORY,
  type NotificationRepositoryPort,
  type NotificationWork,
} from '../port/notification.repository.port.js';
import { HandleEventCommand } from './handle-event.command.js';

/**
 * Turns one integration event into notifications, exactly once: the projections (users, orders)
 * are updated, the recipients resolved, one notification per recipient added (per the recipient's
 * preferences), an e-mail delivery queued when the e-mail channel is on, and a push delivery per
 * subscribed device when the push channel is on. Everything happens in
 * the inbox transaction, so a duplicate delivery of the event is a no-op. An event about a
 * registry entity already deleted (`EntityDeletedV1` handled first) is an invitation, dropped, or
 * made with the entity's personal data erased (entity-erasure.ts).
 * Returns the notifications created (empty for a duplicate or a fact that notifies nobody).
 */
@CommandHandler(HandleEventCommand)
export class HandleEventUseCase implements ICommandHandler<HandleEventCommand, Notification[]> {
  constructor(
    @Inject(NOTIFICATION_REPOSITORY) private readonly repository: NotificationRepositoryPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute({ eventId, topic, fact }: HandleEventCommand): Promise<Notification[]> {
    const created: Notification[] = [];
    await this.repository.handleOnce({ id: eventId, topic }, async (tx) => {
      await project(fact, tx);
      const planned = planNotification(fact);
      if (!planned) return;
      // An event about a registry entity whose deletion was handled first (another topic: Kafka
      // keeps no order across topics): an invitation is dropped, anything else arrives erased.
      const entityId = entityOf(fact);
      const deleted = entityId !== null && (await tx.entityDeleted(entityId));
      if (deleted && fact.kind === 'entity-invited') return;
      const plan = deleted ? erased(planned) : planned;
      const createdAt = this.clock.now();
      // Ascending ids: addNotification locks each recipient's sequence until commit, and two
      // events with recipients in common must lock them in one order (no deadlock).
      const recipients = (await resolve(plan.recipients, tx)).sort();
      for (const recipientId of recipients) {
        // A bare address has no account: no preferences, no inbox; e-mail only.
        const address = recipientId.startsWith(ADDRESS_RECIPIENT_PREFIX);
        const preferences = address ? {} : await tx.preferencesOf(recipientId);
        const visible = !address && !plan.emailOnly && channelEnabled(preferences, plan.category, 'in_app');
        const email = channelEnabled(preferences, plan.category, 'email');
        const push = !plan.emailOnly && channelEnabled(preferences, plan.category, 'push');
        if (!visible && !email && !push) continue;
        const notification = await tx.addNotification(
          {
            recipientId,
            category: plan.category,
            title: plan.title,
            body: plan.body,
            link: plan.link,
            data: plan.data,
          },
          { sourceEventId: eventId, createdAt, visible },
        );
        if (!notification) continue;
        created.push(notification);
        if (email) await tx.addDelivery(notification.id, 'email');
        if (push) await tx.addDelivery(notification.id, 'push');
      }
    });
    return created;
  }
}

/** The plan with the deleted entity's personal data erased (entity-erasure.ts). */
function erased(plan: NotificationPlan): NotificationPlan {
  const content = eraseEntityContent(plan);
  return content ? { ...plan, title: content.title, body: content.body, link: content.link, data: content.data } : plan;
}

/** Feeds the users and orders projections the recipients are resolved from. */
async function project(fact: SourceFact, tx: NotificationWork): Promise<void> {
  switch (fact.kind) {
    case 'user-registered':
      return tx.upsertUser({ id: fact.userId, email: fact.email, displayName: fact.displayName, roles: fact.roles });
    case 'user-roles-changed':
      return tx.upsertUser({ id: fact.userId, roles: fact.roles });
    case 'order-placed':
      return tx.recordOrder(fact.orderId, fact.customerId);
    // The e-mail goes to the address in the event, even before UserRegisteredV1 (another topic) arrives.
    case 'email-verification-requested':
    case 'registration-attempted':
    case 'password-reset-requested':
    case 'email-otp-requested':
      return tx.upsertUser({ id: fact.userId, email: fact.email });
    default:
      return;
  }
}

async function resolve(spec: RecipientSpec, tx: NotificationWork): Promise<string[]> {
  switch (spec.kind) {
    case 'users':
      return [...new Set(spec.userIds)];
    case 'order-customer': {
      const customer = await tx.orderCustomer(spec.orderId);
      return customer ? [customer] : [];
    }
    case 'roles': {
      const except = new Set(spec.except);
      const holders = spec.roles.length === 0 ? [] : await tx.usersWithAnyRole(spec.roles);
      return [...new Set([...holders, ...(spec.userIds ?? [])])].filter((id) => !except.has(id));
    }
    case 'address': {
      const email = spec.email.trim().toLowerCase();
      if (!email.includes('@')) return [];
      const known = await tx.userWithEmail(email);
      return [known ?? `${ADDRESS_RECIPIENT_PREFIX}${email}`];
    }
  }
}
